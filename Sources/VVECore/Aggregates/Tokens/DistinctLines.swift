/// `county-lines`' `distinct-lines` as the asking node derives it from each authority's deal-
/// line tokens: of the line records the authorities hold, how many are distinct lines and how
/// many repeat a line another record already counts, so that a line known to several
/// authorities is counted once. The counts are the asking node's own, so it protects them
/// under its own rules; the tokens are never kept, shown or logged.
package enum DistinctLines {
    package static let name = "distinct-lines"
    package static let definition = TableDefinition(
        name, .flow(row: "authorities", column: "lines", vocabulary: ["distinct", "repeated"]), derived: true)

    /// The derived table, protected by `rules`, from the answers that sent lines; `missing`
    /// are the authorities whose lines are not in it (no answer, or none sent).
    package static func table(_ answers: [AggregateAnswer], missing: [AuthorityName], rules: DisclosureRules) -> RegionalTable {
        let sent = answers.compactMap { answer in answer.lines.flatMap { lines in lines.count.map { ($0, lines.groups ?? []) } } }
        let records = sent.reduce(0) { $0 + $1.0 }
        let repeated = repeatedGroups(sent.flatMap(\.1))
        let labels = TableLabels(
            measure: .countyLines, name: name, rowDimension: "authorities", columnDimension: "lines", rows: sent.isEmpty ? [] : ["all"],
            columns: sent.isEmpty ? [] : ["distinct", "repeated"])
        guard !sent.isEmpty else { return RegionalTable(derived: labels, protected: nil, missing: missing) }
        // The records are the authorities' rounded counts, as every regional total is their
        // sum; repeats are exact. Rounding can leave fewer records than repeats only when the
        // lines are few, and the distinct ones are then none that the counts can show.
        return RegionalTable(derived: labels, protected: ProtectedTable([[max(0, records - repeated), repeated]], rules: rules), missing: missing)
    }

    /// How many of `groups` repeat a line another group already counts: groups that share a
    /// token are one line, so this is the groups less the lines they join into. Padding and
    /// lines without a deal line hold tokens that match nothing, and are lines of their own.
    package static func repeatedGroups(_ groups: [[KeyedToken]]) -> Int {
        var parent = Array(groups.indices)
        func root(_ index: Int) -> Int {
            var index = index
            while parent[index] != index {
                parent[index] = parent[parent[index]]
                index = parent[index]
            }
            return index
        }
        var first: [KeyedToken: Int] = [:]
        first.reserveCapacity(groups.reduce(0) { $0 + $1.count })
        var joined = 0
        for (index, group) in groups.enumerated() {
            for token in group {
                guard let earlier = first[token] else {
                    first[token] = index
                    continue
                }
                let (a, b) = (root(earlier), root(index))
                if a != b {
                    parent[b] = a
                    joined += 1
                }
            }
        }
        return joined
    }
}
