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

    /// Counts `items` into rows and columns: each item's row and column label, or nil to
    /// leave it out. Columns are `columns` when given (a fixed vocabulary, every value shown
    /// even at zero), else the labels met, in order.
    package static func counting<Item>(
        _ items: [Item], measure: Measure, name: String, rowDimension: String, rows: [String], columnDimension: String, columns: [String]?,
        label: (Item) -> (row: String, column: String)?
    ) -> CountTable {
        let labelled = items.compactMap(label).filter { rows.contains($0.row) }
        let columnLabels = columns ?? Array(Set(labelled.map(\.column))).sorted()
        let rowIndex = Dictionary(uniqueKeysWithValues: rows.enumerated().map { ($1, $0) })
        let columnIndex = Dictionary(uniqueKeysWithValues: columnLabels.enumerated().map { ($1, $0) })
        var counts = Array(repeating: Array(repeating: 0, count: columnLabels.count), count: rows.count)
        for (row, column) in labelled {
            guard let r = rowIndex[row], let c = columnIndex[column] else { continue }
            counts[r][c] += 1
        }
        let labels = TableLabels(
            measure: measure, name: name, rowDimension: rowDimension, columnDimension: columnDimension, rows: rows, columns: columnLabels)
        return CountTable(labels, counts: counts)
    }
}
