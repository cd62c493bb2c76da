import Foundation
import HTTPTypes
import Hummingbird
import VVECore

/// Refuses a peer's request in a protocol version this node does not serve (more than one
/// away from its own, `ProtocolVersion.serves`), or with a `VVE-Protocol` header that is not a
/// version at all: `426 Upgrade Required` naming both versions and which node to upgrade, or
/// `400`. A request without the header speaks version 1. Each refusal is audited, counted per
/// peer and reason as every refused request is. It runs after `PeerIdentityMiddleware`, so the
/// refusal names the peer.
package struct ProtocolVersionMiddleware: RouterMiddleware {
    package typealias Context = PeerRequestContext
    let node: AuthorityName
    let refusals: RefusalLog

    package func handle(
        _ request: Request, context: PeerRequestContext, next: (Request, PeerRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let stated = request.headers[ProtocolVersion.fieldName] else { return try await next(request, context) }
        let peer = context.peer.map { "\($0.name)" } ?? "the peer"
        guard let version = ProtocolVersion(header: stated) else {
            return refuse(request, peer, .badRequest, "VVE-Protocol \"\(stated.prefix(40))\" \(ProtocolVersion.rule)", reason: "protocol-header")
        }
        guard ProtocolVersion.current.serves(version) else {
            return refuse(
                request, peer, .upgradeRequired, ProtocolVersion.current.refusal(of: version, ours: "\(node)", theirs: peer),
                reason: "protocol-version")
        }
        return try await next(request, context)
    }

    private func refuse(_ request: Request, _ peer: String, _ status: HTTPResponse.Status, _ text: String, reason: String) -> Response {
        let event = AuditEvent(
            time: Timestamp(Date()), actor: "peer:\(peer)", action: .refuse, detail: "\(request.method) \(request.uri.path) refused: \(text)")
        refusals.refuse(event, source: peer, reason: reason)
        return NodeServer.refusal(status, text)
    }
}
