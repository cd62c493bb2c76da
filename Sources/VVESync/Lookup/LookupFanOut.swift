import VVECore

/// Asks every peer at once, each with its own timeout, and waits for all of them: a slow peer
/// costs its timeout, never the others' answers.
package enum LookupFanOut {
    /// Sends `query` to every peer at once and reports each one's result.
    package static func ask(_ query: LookupQuery, peers: [AuthorityName], transport: some LookupTransport, timeout: Duration) async -> LookupReport {
        let results = await withTaskGroup(of: (AuthorityName, PeerLookupResult).self) { group in
            for peer in peers {
                group.addTask { (peer, await transport.lookup(query, at: peer, timeout: timeout)) }
            }
            var results: [(peer: AuthorityName, result: PeerLookupResult)] = []
            for await (peer, result) in group {
                // An answer from another node than the one asked is not an answer.
                if case .answered(let answer) = result, answer.authority != peer {
                    results.append((peer, .noAnswer("answered as \(answer.authority), not \(peer)")))
                } else {
                    results.append((peer, result))
                }
            }
            return results
        }
        return LookupReport(lookupID: query.lookupID, results: results)
    }
}
