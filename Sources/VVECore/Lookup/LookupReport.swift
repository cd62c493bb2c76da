/// A lookup's results across the peers asked, and what they add up to.
package struct LookupReport: Sendable, Hashable {
    /// How a lookup ended, as its exit status says.
    package enum Outcome: String, Sendable {
        /// Every peer asked answered, and at least one has a hit. Exit 0.
        case hits
        /// Every peer asked answered, none with a hit. Exit 1.
        case noHits = "no-hits"
        /// At least one peer gave no answer or refused, and no other has a hit: a miss cannot
        /// be concluded. Exit 2.
        case incomplete
        /// At least one peer has a hit, and another gave no answer or refused. Exit 5: a code
        /// of its own, so a script that tests for a hit is not told of a miss.
        case hitsIncomplete = "hits-incomplete"
    }

    /// The lookup reported.
    package var lookupID: String
    /// Each peer asked, by name.
    package var results: [(peer: AuthorityName, result: PeerLookupResult)]

    /// A report of `results`, sorted by peer name.
    package init(lookupID: String, results: [(peer: AuthorityName, result: PeerLookupResult)]) {
        self.lookupID = lookupID
        self.results = results.sorted { $0.peer < $1.peer }
    }

    /// Whether a miss can be concluded, and whether anything was found.
    package var outcome: Outcome {
        var hits = false
        var complete = true
        for (_, result) in results {
            switch result {
            case .answered(let answer): hits = hits || !answer.hits.isEmpty
            case .refused, .noAnswer: complete = false
            }
        }
        switch (hits, complete) {
        case (true, true): return .hits
        case (false, true): return .noHits
        case (true, false): return .hitsIncomplete
        case (false, false): return .incomplete
        }
    }

    /// The process exit status for `outcome`.
    package var exitCode: Int32 {
        switch outcome {
        case .hits: 0
        case .noHits: 1
        case .incomplete: 2
        case .hitsIncomplete: 5
        }
    }

    /// The stable `--json` form.
    package var jsonValue: JSONValue {
        .object(
            JSONObject([
                ("lookupId", .string(lookupID)),
                ("outcome", .string(outcome.rawValue)),
                (
                    "peers",
                    .array(
                        results.map { peer, result in
                            switch result {
                            case .answered(let answer):
                                // Empty lists are omitted, as in every `--json` output.
                                .compactObject([
                                    ("peer", peer.jsonValue), ("state", "answered"),
                                    ("hits", answer.hits.isEmpty ? Optional<JSONValue>.none : .array(answer.hits.map(\.jsonValue))),
                                ])
                            case .refused(let reason):
                                ["peer": peer.jsonValue, "state": "refused", "reason": .string(reason)]
                            case .noAnswer(let reason):
                                ["peer": peer.jsonValue, "state": "no-answer", "reason": .string(reason)]
                            }
                        })
                ),
            ]))
    }

    /// Equal when the lookup and every peer's result are.
    package static func == (lhs: LookupReport, rhs: LookupReport) -> Bool {
        lhs.lookupID == rhs.lookupID && lhs.results.elementsEqual(rhs.results) { $0.peer == $1.peer && $0.result == $1.result }
    }

    /// Hashes what `==` compares.
    package func hash(into hasher: inout Hasher) {
        hasher.combine(lookupID)
        for (peer, result) in results {
            hasher.combine(peer)
            hasher.combine(result)
        }
    }
}
