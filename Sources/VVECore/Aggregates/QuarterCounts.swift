/// One quarter's counts of one measure, as a node keeps them once the quarter is reported:
/// counts only, with no ids and no people, so that a trend survives the erasure of the
/// records it counted. Cells that count nothing are left out.
package struct QuarterCounts: Sendable, Hashable {
    package let measure: Measure
    package let quarter: Quarter
    package let counts: [CellKey: Int]

    package init(measure: Measure, quarter: Quarter, counts: [CellKey: Int]) {
        precondition(counts.values.allSatisfy { $0 > 0 }, "kept counts are positive; zero is left out")
        self.measure = measure
        self.quarter = quarter
        self.counts = counts
    }

    /// Counts `records` (the node's own; erased ones and other kinds count nothing) for each
    /// of `quarters`, at `countedAt`: every quarter asked gets its counts, empty when nothing
    /// falls in it.
    package static func counting(
        _ records: [CaseRecord], measure: Measure, quarters: Set<Quarter>, countedAt: Timestamp
    ) -> [Quarter: QuarterCounts] {
        var counts: [Quarter: [CellKey: Int]] = Dictionary(uniqueKeysWithValues: quarters.map { ($0, [:]) })
        for tally in measure.tallies(records, countedAt: countedAt) where quarters.contains(tally.quarter) {
            counts[tally.quarter]![tally.cell, default: 0] += 1
        }
        return Dictionary(uniqueKeysWithValues: counts.map { ($0.key, QuarterCounts(measure: measure, quarter: $0.key, counts: $0.value)) })
    }
}
