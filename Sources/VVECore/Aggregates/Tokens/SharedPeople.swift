/// The `known-in-several-areas` measure as the asking node derives it from each authority's
/// tokens: how many people appear in the records of each pair of authorities, one pair a
/// row, and how many appear in two or more. The counts are the asking node's own, so it
/// protects them under its own rules before anyone sees them; the tokens are never kept,
/// shown or logged.
package enum SharedPeople {
    package static let tables: [TableDefinition] = [
        TableDefinition("by-pair", .flow(row: "authorities", column: "people", vocabulary: ["people"]), derived: true),
        TableDefinition("in-two-or-more", .flow(row: "authorities", column: "people", vocabulary: ["people"]), derived: true),
    ]

    /// The derived tables, protected by `rules`, from the answers that sent tokens; `missing`
    /// are the authorities whose people are not in them (no answer, or too few to send).
    package static func tables(
        _ answers: [AggregateAnswer], query: AggregateQuery, missing: [AuthorityName], rules: DisclosureRules
    ) -> [RegionalTable] {
        let sets = answers.compactMap { answer in answer.tokens?.tokens.map { (answer.authority, $0) } }.sorted { $0.0 < $1.0 }
        // Every token with the index of the authority that sent it, sorted, so that equal
        // tokens sit together: a run of one token is one person, and its senders, in
        // ascending order, are the authorities that hold them.
        var sent: [(token: KeyedToken, sender: Int)] = []
        sent.reserveCapacity(sets.reduce(0) { $0 + $1.1.count })
        for (index, set) in sets.enumerated() {
            for token in set.1 { sent.append((token, index)) }
        }
        sent.sort { ($0.token, $0.sender) < ($1.token, $1.sender) }
        var shared = Array(repeating: Array(repeating: 0, count: sets.count), count: sets.count)
        var several = 0
        var start = 0
        while start < sent.count {
            var end = start + 1
            while end < sent.count, sent[end].token == sent[start].token { end += 1 }
            // A set holds each token once, so a run of two or more is two or more authorities.
            if end - start >= 2 {
                several += 1
                for first in start..<end {
                    for second in (first + 1)..<end { shared[sent[first].sender][sent[second].sender] += 1 }
                }
            }
            start = end
        }
        var pairs: [(label: String, count: Int)] = []
        for first in sets.indices {
            for second in sets.indices.dropFirst(first + 1) {
                pairs.append(("\(sets[first].0)+\(sets[second].0)", shared[first][second]))
            }
        }
        let derived: [(name: String, rows: [String], counts: [Int])] = [
            ("by-pair", pairs.map(\.label), pairs.map(\.count)),
            ("in-two-or-more", sets.count >= 2 ? ["all"] : [], sets.count >= 2 ? [several] : []),
        ]
        let asked = Set(query.tableDefinitions.map(\.name))
        return derived.filter { asked.contains($0.name) }.map { table in
            let labels = TableLabels(
                measure: .knownInSeveralAreas, name: table.name, rowDimension: "authorities", columnDimension: "people", rows: table.rows,
                columns: table.rows.isEmpty ? [] : ["people"])
            guard !table.rows.isEmpty else { return RegionalTable(derived: labels, protected: nil, missing: missing) }
            return RegionalTable(derived: labels, protected: ProtectedTable(table.counts.map { [$0] }, rules: rules), missing: missing)
        }
    }
}
