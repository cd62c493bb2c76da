import VVEConfig
import VVECore
import VVESync

/// The asking side of `POST /v1/aggregate`: over the same mutual TLS, pins and checks as every
/// request. Every answer is checked whole (`AggregateAnswer.read`) before it counts: a table
/// that could identify a child, whatever the answering node's code did, is no answer.
package struct NetworkAggregateTransport: AggregateTransport {
    let registry: PeerRegistry
    let identity: NodeIdentity

    package init(registry: PeerRegistry, identity: NodeIdentity) {
        self.registry = registry
        self.identity = identity
    }

    package func ask(_ query: AggregateQuery, at peer: AuthorityName, timeout: Duration) async -> PeerAggregateResult {
        guard let configuration = registry.peer(named: peer) else { return .noAnswer("Peers/\(peer).yaml is gone") }
        let identity = identity
        do {
            let answer = try await PeerCheck.withDeadline(timeout, stage: "waiting for its answer") {
                try await PeerRequests.send("/v1/aggregate", body: query.jsonValue, from: configuration, identity: identity, timeout: timeout)
            }
            let reason = PeerText.reason(in: answer.body)
            switch answer.status.code {
            case 200:
                do {
                    return .answered(try AggregateAnswer.read(.object(answer.body), answering: query))
                } catch {
                    return .noAnswer("an answer that failed the checks (\(error.issues.first?.description ?? "unreadable"))")
                }
            case 400, 403, 409, 429: return .refused(reason)
            default: return .noAnswer("HTTP \(answer.status.code): \(reason)")
            }
        } catch let error as PeerRequestError {
            // The report names the peer already.
            return .noAnswer(error.reason)
        } catch let failure as PeerCheckFailure {
            return .noAnswer("\(failure.label): \(failure)")
        } catch {
            return .noAnswer("\(error)")
        }
    }
}
