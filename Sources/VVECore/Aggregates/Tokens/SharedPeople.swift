/// The `known-in-several-areas` measure as the asking node derives it from each authority's
/// tokens: how many people appear in the records of each pair of authorities, one pair a
/// row, and how many appear in two or more. The counts are the asking node's own, so it
/// protects them under its own rules before anyone sees them; the tokens are never kept,
/// shown or logged.
package enum SharedPeople {
    package static let tables: [TableDefinition] = [
        TableDefinition("by-pair", .flow(row: "authorities", column: "people", vocabulary: ["people"])),
        TableDefinition("in-two-or-more", .flow(row: "authorities", column: "people", vocabulary: ["people"])),
    ]

    /// The derived tables, protected by `rules`, from the answers that sent tokens; `missing`
    /// are the authorities whose people are not in them (no answer, or too few to send).
    package static func tables(
        _ answers: [AggregateAnswer], query: AggregateQuery, missing: [AuthorityName], rules: DisclosureRules
    ) -> [RegionalTable] {
        let sets = answers.compactMap { answer in answer.tokens?.tokens.map { (answer.authority, $0) } }.sorted { $0.0 < $1.0 }
        // Each token once, with the authorities that sent it: one pass over every
        // token, and pairs counted only for the few tokens sent by more than one.
        var senders: [String: [Int]] = [:]
        for (index, set) in sets.enumerated() {
            for token in set.1 { senders[token, default: []].append(index) }
        }
        var shared = Array(repeating: Array(repeating: 0, count: sets.count), count: sets.count)
        var several = 0
        for indices in senders.values where indices.count >= 2 {
            several += 1
            for (position, first) in indices.enumerated() {
                for second in indices.dropFirst(position + 1) { shared[first][second] += 1 }
            }
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
