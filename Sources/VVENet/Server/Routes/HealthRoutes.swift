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
    static func addHealthRoutes(to router: Router<PeerRequestContext>, identity: NodeIdentity, registry: PeerRegistry) {
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
            ]
            return json(caller)
        }
    }
}
