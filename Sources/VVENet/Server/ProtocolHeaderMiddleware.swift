import HTTPTypes
import Hummingbird
import VVECore

/// Stamps every answer with the protocol version this node speaks (`VVE-Protocol`), its
/// refusals included, so that a peer can tell which version answered before it reads a body.
package struct ProtocolHeaderMiddleware: RouterMiddleware {
    package typealias Context = PeerRequestContext

    package func handle(
        _ request: Request, context: PeerRequestContext, next: (Request, PeerRequestContext) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        response.headers[ProtocolVersion.fieldName] = ProtocolVersion.current.description
        return response
    }
}

extension ProtocolVersion {
    /// The header as Hummingbird names it.
    static let fieldName = HTTPField.Name(ProtocolVersion.header)!
}
