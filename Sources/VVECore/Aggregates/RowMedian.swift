/// The median of whole days in one row of a table, and how many values it is the median of:
/// what a node releases only when that many is at least its threshold, as for any rate.
///
/// The median is the lower one, the ⌈n/2⌉-th smallest value, so it is always a whole number
/// of days that some relocation actually took.
package struct RowMedian: Sendable, Hashable {
    /// The most days counted: longer delays count as this many, which no median of a real
    /// service reaches.
    package static let maximumDays = 3_650

    package let days: Int
    /// How many values the median is taken over.
    package let count: Int

    package init(days: Int, count: Int) {
        self.days = days
        self.count = count
    }

    /// The lower median of `histogram` (days to how many took that long); nil when it counts
    /// nothing.
    package init?(histogram: [Int: Int]) {
        let count = histogram.values.reduce(0, +)
        guard count > 0 else { return nil }
        var seen = 0
        for (days, number) in histogram.sorted(by: { $0.key < $1.key }) {
            seen += number
            if 2 * seen >= count {
                self.init(days: days, count: count)
                return
            }
        }
        return nil
    }
}
