import Metrics
import VVECore
import VVESync
import X509

/// When a peer's certificate expires, recorded each time the peer presents it in a handshake,
/// to this node's server or to its client: the node keeps only pins, so a handshake is where
/// it sees the certificate itself. The moment, not the days left, so that the figure stays
/// true while a kept connection goes weeks without another handshake. A no-op until
/// `vve serve` bootstraps metrics.
enum PeerCertificateExpiry {
    static func record(_ certificate: Certificate, of peer: AuthorityName) {
        Gauge(label: MetricName.peerCertificateExpiry, dimensions: [("peer", "\(peer)")])
            .record(certificate.notValidAfter.timeIntervalSince1970)
    }
}
