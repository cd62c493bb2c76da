/// One table a measure offers: its name and how it is laid out. The catalogue is fixed, so
/// an answer can only ever hold these tables, never a query's own shape.
package struct TableDefinition: Sendable, Hashable {
    /// How a table's rows and columns are chosen.
    package enum Shape: Sendable, Hashable {
        /// Rows are the quarters asked, oldest first; columns are the values of one breakdown:
        /// `vocabulary` in its order, every value shown even at zero, or, when nil, the values
        /// met, in name order.
        case trend(column: String, vocabulary: [String]?)
        /// One breakdown by another over the last four quarters asked (a year): rows are the
        /// values met, in name order; columns are `vocabulary` in its order or, when nil, the
        /// values met.
        case flow(row: String, column: String, vocabulary: [String]?)
    }

    /// The table's name within its measure, such as `by-receiving-authority`.
    package let name: String
    package let shape: Shape

    package init(_ name: String, _ shape: Shape) {
        self.name = name
        self.shape = shape
    }

    /// How many quarters a flow table sums: the last four asked.
    package static let flowQuarters = 4
}
