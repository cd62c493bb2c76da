/// One thing a record is counted as: in which table, in which quarter, and under which row
/// and column. For a trend table the row is the quarter itself, so `row` is empty.
package struct Tally: Sendable, Hashable {
    package let table: String
    package let quarter: Quarter
    package let cell: CellKey

    package init(_ table: String, _ quarter: Quarter, row: String = "", column: String) {
        self.table = table
        self.quarter = quarter
        cell = CellKey(table: table, row: row, column: column)
    }
}

/// Where a count sits within one quarter's counts of a measure: the table, the row (empty
/// for a trend table, whose row is the quarter) and the column.
package struct CellKey: Sendable, Hashable, Comparable {
    package let table: String
    package let row: String
    package let column: String

    package init(table: String, row: String, column: String) {
        self.table = table
        self.row = row
        self.column = column
    }

    package static func < (lhs: CellKey, rhs: CellKey) -> Bool {
        (lhs.table, lhs.row, lhs.column) < (rhs.table, rhs.row, rhs.column)
    }
}
