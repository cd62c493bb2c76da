/// One table of a measure as a node counts it, before protection.
package struct CountTable: Sendable, Hashable {
    package let labels: TableLabels
    /// `counts[row][column]`.
    package let counts: [[Int]]

    package init(_ labels: TableLabels, counts: [[Int]]) {
        precondition(counts.count == labels.rows.count && counts.allSatisfy { $0.count == labels.columns.count }, "counts fit the labels")
        self.labels = labels
        self.counts = counts
    }
}
