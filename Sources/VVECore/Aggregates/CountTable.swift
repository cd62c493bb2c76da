/// One table of a measure as a node counts it, before protection.
package struct CountTable: Sendable, Hashable {
    package let labels: TableLabels
    /// `counts[row][column]`.
    package let counts: [[Int]]
    /// Each row's median, for a table that has them (`TableDefinition.medianOf`); nil in a
    /// row with nothing to take it over.
    package let medians: [RowMedian?]?

    package init(_ labels: TableLabels, counts: [[Int]], medians: [RowMedian?]? = nil) {
        precondition(counts.count == labels.rows.count && counts.allSatisfy { $0.count == labels.columns.count }, "counts fit the labels")
        precondition(medians.map { $0.count == labels.rows.count } ?? true, "a median for each row")
        self.labels = labels
        self.counts = counts
        self.medians = medians
    }
}
