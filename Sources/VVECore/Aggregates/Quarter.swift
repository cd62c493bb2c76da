/// A calendar quarter, such as 2026Q3: the only period an aggregate answer counts over, so
/// that two answers can never be differenced down to a few days.
package struct Quarter: Sendable, Hashable, Comparable, CustomStringConvertible {
    package let year: Int
    /// 1 to 4.
    package let number: Int

    package init?(year: Int, number: Int) {
        guard (1900...2999).contains(year), (1...4).contains(number) else { return nil }
        self.year = year
        self.number = number
    }

    /// Parses `YYYYQN`, such as `2026Q3`.
    package init?(_ text: String) {
        let parts = text.uppercased().split(separator: "Q", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 1, let year = Int(parts[0]), let number = Int(parts[1]) else { return nil }
        self.init(year: year, number: number)
    }

    /// The quarter `date` falls in.
    package init(containing date: CalendarDate) {
        year = date.year
        number = (date.month - 1) / 3 + 1
    }

    /// The rule, for error messages.
    package static let rule = "must be a quarter written YYYYQN, such as 2026Q3"

    package var description: String { "\(year)Q\(number)" }

    /// Its first day.
    package var first: CalendarDate { CalendarDate(year: year, month: number * 3 - 2, day: 1)! }

    /// Its last day.
    package var last: CalendarDate { next.first.adding(days: -1) }

    /// The quarter after it.
    package var next: Quarter { number == 4 ? Quarter(uncheckedYear: year + 1, number: 1) : Quarter(uncheckedYear: year, number: number + 1) }

    /// The quarter before it.
    package var previous: Quarter {
        number == 1 ? Quarter(uncheckedYear: year - 1, number: 4) : Quarter(uncheckedYear: year, number: number - 1)
    }

    /// Whether `date` falls in it.
    package func contains(_ date: CalendarDate) -> Bool { Quarter(containing: date) == self }

    /// Whether it may be reported on `today`: closed for at least `lagDays` whole days, so
    /// that what is recorded late about it counts. The open quarter never is.
    package func isReportable(on today: CalendarDate, lagDays: Int) -> Bool {
        today.daysSinceEpoch - last.daysSinceEpoch > lagDays
    }

    /// The latest quarter that may be reported on `today`.
    package static func latestReportable(on today: CalendarDate, lagDays: Int) -> Quarter {
        var quarter = Quarter(containing: today).previous
        while !quarter.isReportable(on: today, lagDays: lagDays) { quarter = quarter.previous }
        return quarter
    }

    /// `count` quarters ending with this one, oldest first: a trend.
    package func trend(of count: Int) -> [Quarter] {
        var quarters = [self]
        while quarters.count < count { quarters.insert(quarters[0].previous, at: 0) }
        return quarters
    }

    package static func < (lhs: Quarter, rhs: Quarter) -> Bool {
        (lhs.year, lhs.number) < (rhs.year, rhs.number)
    }

    private init(uncheckedYear year: Int, number: Int) {
        self.year = year
        self.number = number
    }
}
