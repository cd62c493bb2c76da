import VVECore

/// Asks every peer at once, each with its own timeout, and waits for all of them: a slow peer
/// costs its timeout, never the others' answers.
package enum AggregateFanOut {
    /// Sends `query` to every peer at once and combines the answers; counts this node derives
    /// itself are protected by `rules`.
    package static func ask(
        _ query: AggregateQuery, peers: [AuthorityName], transport: some AggregateTransport, timeout: Duration, rules: DisclosureRules = .floor
    ) async -> AggregateReport {
        let results = await withTaskGroup(of: (AuthorityName, PeerAggregateResult).self) { group in
            for peer in peers {
                group.addTask { (peer, await transport.ask(query, at: peer, timeout: timeout)) }
            }
            var results: [(peer: AuthorityName, result: PeerAggregateResult)] = []
            for await (peer, result) in group {
                // An answer from another node than the one asked is not an answer.
                if let answer = result.answer, answer.authority != peer {
                    results.append((peer, .noAnswer("answered as \(answer.authority), not \(peer)")))
                } else {
                    results.append((peer, result))
                }
            }
            return results
        }
        return AggregateReport(query: query, results: results, rules: rules)
    }
}
