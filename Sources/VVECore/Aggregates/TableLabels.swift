/// What a table of a measure counts: its measure and name, and its row and column
/// dimensions with their labels. Rows are quarters for a trend, or an area for a flow;
/// columns are the values of one breakdown, in its vocabulary's order, or areas in name order.
package struct TableLabels: Sendable, Hashable {
    package let measure: Measure
    /// The table's name within its measure, such as `by-receiving-authority`.
    package let name: String
    package let rowDimension: String
    package let columnDimension: String
    package let rows: [String]
    package let columns: [String]

    package init(measure: Measure, name: String, rowDimension: String, columnDimension: String, rows: [String], columns: [String]) {
        self.measure = measure
        self.name = name
        self.rowDimension = rowDimension
        self.columnDimension = columnDimension
        self.rows = rows
        self.columns = columns
    }
}
