import Hummingbird
import VVECore

extension NodeServer {
    /// The anchors this node keeps of a peer's audit log (`CaseStore.auditAnchors(keptFor:)`).
    package typealias AuditAnchorProvider = @Sendable (_ peer: AuthorityName) throws -> [AuditAnchor]

    /// `GET /v1/audit-anchors`: the anchors of the caller's own audit log that this node
    /// kept from its batches, for `vve audit verify --peers`. A caller learns nothing of any
    /// other node's.
    static func addAuditAnchorsRoute(to router: Router<PeerRequestContext>, anchors: AuditAnchorProvider?) {
        router.get("/v1/audit-anchors") { _, context -> Response in
            guard let peer = context.peer else { return refusal(.forbidden, "unidentified") }
            guard let anchors else { return refusal(.serviceUnavailable, "this node keeps no audit anchors") }
            return json(["anchors": .array(try anchors(peer.name).map(\.jsonValue))])
        }
    }
}
