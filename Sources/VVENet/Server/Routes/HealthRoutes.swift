import Foundation
import Hummingbird
import Logging
import NIOCore
import VVEConfig
import VVECore
import VVEStore
import VVESync

extension NodeServer {
    /// `GET /v1/health` (the node's name, time, uptime, peers and certificate) and
    /// `GET /v1/whoami` (the caller as this node identifies it).
    /// `servesChanges` says whether the node has its linkage key. A caller that this node
    /// shares records with or answers lookups for is told when it lacks one, so that `vve peer
    /// check` can warn that syncs and lookups would fail.
    static func addHealthRoutes(
        to router: Router<PeerRequestContext>, identity: NodeIdentity, registry: PeerRegistry, servesChanges: @escaping @Sendable () -> Bool
    ) {
        let started = Date()
        router.get("/v1/health") { _, _ -> Response in
            let certificate: JSONValue = [
                "fingerprint": .string(identity.fingerprint.description),
                "not-after": .string(CertificateFiles.format(identity.certificate.notValidAfter)),
                "days-to-expiry": .integer(Int64(CertificateFiles.daysToExpiry(identity.certificate))),
            ]
            let health: JSONValue = [
                "node": .string(identity.name.rawValue),
                "status": "ok",
                "time": .string(Timestamp(Date()).description),
                "uptime-seconds": .integer(Int64(Date().timeIntervalSince(started))),
                "peers": .integer(Int64(registry.peers.count)),
                "certificate": certificate,
            ]
            return json(health)
        }
        router.get("/v1/whoami") { _, context -> Response in
            guard let peer = context.peer, let fingerprint = context.peerFingerprint else {
                return refusal(.forbidden, "unidentified")
            }
            let caller: JSONValue = [
                "peer": .string(peer.name.rawValue),
                "role": .string(peer.role.rawValue),
                "fingerprint": .string(fingerprint.description),
                "agreement": .string(peer.agreement.reference),
                "node": .string(identity.name.rawValue),
                "time": .string(Timestamp(Date()).description),
                "needs-linkage-key": .bool((!peer.policy.share.isEmpty || peer.policy.lookups != .no) && !servesChanges()),
            ]
            return json(caller)
        }
    }
}
