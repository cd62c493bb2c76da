/// One table of a measure across the region: each answering authority's protected table, and
/// their combination, cell by cell, over the union of their labels.
package struct RegionalTable: Sendable, Hashable {
    package let labels: TableLabels
    /// The authorities whose tables are combined, by name, with the table each released; an
    /// authority that answered but left the table out (nothing to count) is here with nil.
    package let authorities: [(name: AuthorityName, table: ProtectedTableAnswer?)]
    /// Authorities asked that gave no answer, or answered without this table (too large to
    /// send).
    package let missing: [AuthorityName]
    /// `cells[row][column]`, then the row totals, column totals and grand total.
    package let cells: [[RegionalValue]]
    package let rowTotals: [RegionalValue]
    package let columnTotals: [RegionalValue]
    package let total: RegionalValue

    package static func == (lhs: RegionalTable, rhs: RegionalTable) -> Bool {
        lhs.labels == rhs.labels && lhs.cells == rhs.cells && lhs.rowTotals == rhs.rowTotals && lhs.columnTotals == rhs.columnTotals
            && lhs.total == rhs.total && lhs.missing == rhs.missing && lhs.authorities.map(\.name) == rhs.authorities.map(\.name)
            && lhs.authorities.map(\.table) == rhs.authorities.map(\.table)
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(labels)
        hasher.combine(cells)
    }

    /// A table the asking node derived itself and protected (`SharedPeople`): no authority's
    /// table is in it; nil when there is nothing to count.
    package init(derived labels: TableLabels, protected table: ProtectedTable?, missing: [AuthorityName]) {
        self.labels = labels
        authorities = []
        self.missing = missing
        func value(_ count: ReleasedCount?) -> RegionalValue {
            guard let count, let table else { return RegionalValue(value: 0, status: .exact, withheldBy: [], withheldAtMost: nil) }
            switch count.status {
            case .exact, .rounded:
                // Without some authority's people, a count is at least what is shown.
                let status: RegionalValue.Status = !missing.isEmpty ? .incomplete : count.status == .exact ? .exact : .rounded
                return RegionalValue(value: count.value ?? 0, status: status, withheldBy: [], withheldAtMost: nil)
            case .suppressed:
                return RegionalValue(value: 0, status: .suppressed, withheldBy: [], withheldAtMost: table.rules.threshold - 1)
            case .secondary:
                return RegionalValue(value: 0, status: .secondary, withheldBy: [], withheldAtMost: nil)
            }
        }
        cells = table?.cells.map { $0.map(value) } ?? []
        rowTotals = table?.rowTotals.map(value) ?? []
        columnTotals = table?.columnTotals.map(value) ?? []
        total = value(table?.total)
    }

    /// Combines `definition`'s table from each answer; `quarters` are the rows of a trend.
    package init(
        _ definition: TableDefinition, measure: Measure, quarters: [Quarter], answers: [AggregateAnswer], missing: [AuthorityName]
    ) {
        let unsent = answers.filter { $0.unsent.contains(definition.name) }.map(\.authority)
        let tables = answers.sorted { $0.authority < $1.authority }.filter { !unsent.contains($0.authority) }.map { answer in
            (name: answer.authority, table: answer.tables.first { $0.labels.name == definition.name })
        }
        let present = tables.compactMap(\.table)
        let rows: [String]
        let columns: [String]
        let rowDimension: String
        let columnDimension: String
        switch definition.shape {
        case .trend(let dimension, let vocabulary):
            rows = quarters.map(\.description)
            columns = vocabulary ?? Set(present.flatMap(\.labels.columns)).sorted()
            (rowDimension, columnDimension) = ("quarter", dimension)
        case .flow(let rowName, let columnName, let vocabulary):
            rows = Set(present.flatMap(\.labels.rows)).sorted()
            columns = rows.isEmpty ? [] : vocabulary ?? Set(present.flatMap(\.labels.columns)).sorted()
            (rowDimension, columnDimension) = (rowName, columnName)
        }
        labels = TableLabels(
            measure: measure, name: definition.name, rowDimension: rowDimension, columnDimension: columnDimension, rows: rows, columns: columns)
        authorities = tables
        self.missing = (missing + unsent).sorted()
        // The authorities' counts at a row and column label, combined; nil is the total.
        func counts(_ row: String?, _ column: String?) -> RegionalValue {
            RegionalValue.combining(
                tables.map { name, table -> (AuthorityName, ReleasedCount?, Int) in
                    guard let table else { return (name, nil, 0) }
                    return (name, count(in: table, row, column), table.table.rules.threshold)
                }, missing: missing.count + unsent.count)
        }
        // One authority's released count at a row and column label; nil is the total.
        func count(in table: ProtectedTableAnswer, _ row: String?, _ column: String?) -> ReleasedCount? {
            let r = row.map { table.labels.rows.firstIndex(of: $0) }
            let c = column.map { table.labels.columns.firstIndex(of: $0) }
            switch (r, c) {
            case (.some(nil), _), (_, .some(nil)): return nil
            case (.some(.some(let r)), .some(.some(let c))): return table.table.cells[r][c]
            case (.some(.some(let r)), nil): return table.table.rowTotals[r]
            case (nil, .some(.some(let c))): return table.table.columnTotals[c]
            case (nil, nil): return table.table.total
            }
        }
        cells = rows.map { row in columns.map { counts(row, $0) } }
        rowTotals = rows.map { counts($0, nil) }
        columnTotals = columns.map { counts(nil, $0) }
        total = counts(nil, nil)
    }
}

extension RegionalTable {
    /// Whether some authority released medians with this table.
    package var hasMedians: Bool { authorities.contains { $0.table?.medians != nil } }

    /// Each authority's median days at `row`, as released: nil days where it withheld the
    /// median. An authority whose table has no medians or no such row is left out. Medians
    /// are not combined: the median of a region cannot be made from its authorities' medians.
    package func medians(at row: String) -> [(authority: AuthorityName, days: Int?)] {
        authorities.compactMap { name, table in
            guard let table, let medians = table.medians, let index = table.labels.rows.firstIndex(of: row) else { return nil }
            return (name, medians[index])
        }
    }
}
