import Foundation
import NIOSSL
import VVECore
import X509

/// Decides, during the handshake, whether a connecting peer is served: its certificate must
/// pass `PeerTrust` and be pinned by a peer file. Anything else is refused and recorded.
struct ConnectionGate: Sendable {
    let trust: PeerTrust
    let registry: PeerRegistry
    let refusals: RefusalLog

    func verify(_ presented: [NIOSSLCertificate], remote: String) -> NIOSSLVerificationResult {
        var certificates: [Certificate] = []
        for certificate in presented {
            guard let bytes = try? certificate.toDERBytes(), let parsed = try? Certificate(derEncoded: bytes) else {
                refusals.record(.unreadable, remote: remote, at: Timestamp(Date()))
                return .failed
            }
            certificates.append(parsed)
        }
        switch trust.evaluate(certificates, as: .client) {
        case .failure(let refusal):
            refusals.record(refusal, remote: remote, at: Timestamp(Date()))
            return .failed
        case .success(let (leaf, fingerprint)):
            guard let peer = registry.peer(pinning: fingerprint) else {
                refusals.record(
                    .unpinned(fingerprint: fingerprint, subject: leaf.subject.description, expected: []), remote: remote, at: Timestamp(Date()))
                return .failed
            }
            PeerCertificateExpiry.record(leaf, of: peer.name)
            return .certificateVerified
        }
    }
}
