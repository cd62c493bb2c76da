import Foundation
import Hummingbird
import Logging
import Synchronization
import VVEConfig
import VVECore
import VVEStore
import VVESync

/// The asking side of `POST /v1/lookup`: over the same mutual TLS, pins and checks as every
/// request, to the peer as its file in `Peers/` says now.
package struct NetworkLookupTransport: LookupTransport {
    let registry: PeerRegistry
    let identity: NodeIdentity
    /// How long each peer took, for `vve lookup --timing` and the benchmark.
    package let timings = LookupTimings()

    /// A transport to the peers `registry` knows, as `identity`.
    package init(registry: PeerRegistry, identity: NodeIdentity) {
        self.registry = registry
        self.identity = identity
    }

    /// `POST /v1/lookup` to `peer`, all of it within `timeout`.
    package func lookup(_ query: LookupQuery, at peer: AuthorityName, timeout: Duration) async -> PeerLookupResult {
        guard let configuration = registry.peer(named: peer) else { return .noAnswer("Peers/\(peer).yaml is gone") }
        let identity = identity
        do {
            // One deadline over connecting, the handshake and the answer together.
            let started = ContinuousClock.now
            let answer = try await PeerCheck.withDeadline(timeout, stage: "waiting for its answer") {
                try await PeerRequests.send("/v1/lookup", body: query.jsonValue, from: configuration, identity: identity, timeout: timeout)
            }
            timings.record(peer, roundTrip: ContinuousClock.now - started, serverTiming: answer.serverTiming)
            let reason = PeerText.reason(in: answer.body)
            switch answer.status.code {
            case 200:
                do {
                    return .answered(try LookupAnswer.read(.object(answer.body), expecting: query.lookupID))
                } catch {
                    return .noAnswer("a malformed answer (\(error.issues.first?.description ?? "unreadable"))")
                }
            case 403, 429: return .refused(reason)
            default: return .noAnswer("HTTP \(answer.status.code): \(reason)")
            }
        } catch let error as PeerRequestError {
            // The lookup's line names the peer already.
            return .noAnswer(error.reason)
        } catch let failure as PeerCheckFailure {
            return .noAnswer("\(failure.label): \(failure)")
        } catch {
            return .noAnswer("\(error)")
        }
    }
}
