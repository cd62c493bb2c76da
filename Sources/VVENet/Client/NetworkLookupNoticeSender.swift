import Foundation
import Hummingbird
import Logging
import Synchronization
import VVEConfig
import VVECore
import VVEStore
import VVESync

/// Sends lookup notices with `POST /v1/lookup-notices` to the owner as its peer file says.
package struct NetworkLookupNoticeSender: LookupNoticeSender {
    let registry: PeerRegistry
    let identity: NodeIdentity

    /// A sender to the owners `registry` knows, as `identity`.
    package init(registry: PeerRegistry, identity: NodeIdentity) {
        self.registry = registry
        self.identity = identity
    }

    /// `POST /v1/lookup-notices` to `owner`; throws unless it took them all.
    package func send(_ notices: [LookupNotice], to owner: AuthorityName) async throws {
        guard let configuration = registry.peer(named: owner) else {
            throw PeerRequestError(description: "\(owner) is not a peer: no Peers/\(owner).yaml")
        }
        let answer = try await PeerRequests.send(
            "/v1/lookup-notices", body: ["notices": .array(notices.map(\.jsonValue))], from: configuration, identity: identity, timeout: .seconds(30))
        guard answer.status == .ok else {
            throw PeerRequestError(
                description: "\(owner) answered HTTP \(answer.status.code): \(PeerText.reason(in: answer.body))")
        }
    }
}
