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

    /// Where a table's row medians come from.
    package struct Median: Sendable, Hashable {
        /// The kept counts of whole days, by the same rows, from which each row's median is
        /// taken (`RowMedian`). They are kept on the node and never sent.
        package let days: String
        /// The columns whose counts the median is taken over: a median leaves only in a row
        /// where one of these is released as a rounded count, so the table already shows that
        /// at least the threshold stand behind it, and the median says nothing more of the
        /// counts.
        package let columns: [String]

        package init(days: String, columns: [String]) {
            self.days = days
            self.columns = columns
        }
    }

    /// The table's name within its measure, such as `by-receiving-authority`.
    package let name: String
    package let shape: Shape
    /// Each row's median, for a table that has them; nil for the others.
    package let median: Median?
    /// Whether the asking node derives the table itself, from tokens the answering nodes send
    /// (`SharedPeople`, `DistinctLines`), rather than combining tables the nodes count.
    package let isDerived: Bool

    package init(_ name: String, _ shape: Shape, median: Median? = nil, derived: Bool = false) {
        self.name = name
        self.shape = shape
        self.median = median
        self.isDerived = derived
    }

    /// How many quarters a flow table sums: the last four asked.
    package static let flowQuarters = 4
}
