import Metrics
import VVECore
import VVESync
import X509

/// A peer's certificate's days to expiry, recorded each time the peer presents it in a
/// handshake, to this node's server or to its client: the node keeps only pins, so a handshake
/// is where it sees the certificate itself. A no-op until `vve serve` bootstraps metrics.
enum PeerCertificateExpiry {
    static func record(_ certificate: Certificate, of peer: AuthorityName) {
        Gauge(label: MetricName.peerCertificateDays, dimensions: [("peer", "\(peer)")])
            .record(CertificateFiles.daysToExpiry(certificate))
    }
}
