/// The `relocation-briefing` measure: how fast the receiving authority acknowledged a
/// relocation, in days from the move to the acknowledgement, by the quarter of the move and
/// by receiving authority over a year. This is the delay vve exists to shorten.
///
/// A relocation without an acknowledgement when its quarter's counts are kept is `not-yet`:
/// counts are kept once the quarter has been closed for the report lag, so a late
/// acknowledgement within the lag still counts.
///
/// Each row also has the median days to acknowledgement of the relocations acknowledged
/// (`RowMedian`), from counts of whole days kept beside the bands and never sent.
package enum RelocationBriefingMeasure {
    /// Days from the move to the acknowledgement, banded. An acknowledgement before the
    /// move, a briefing ahead of it, is `same-day`.
    package enum Delay: String, Sendable, CaseIterable {
        case sameDay = "same-day"
        case withinThreeDays = "within-3-days"
        case withinSevenDays = "within-7-days"
        case later
        case notYet = "not-yet"

        package init(moved: CalendarDate, acknowledged: CalendarDate?) {
            guard let acknowledged else {
                self = .notYet
                return
            }
            switch acknowledged.daysSinceEpoch - moved.daysSinceEpoch {
            case ...0: self = .sameDay
            case 1...3: self = .withinThreeDays
            case 4...7: self = .withinSevenDays
            default: self = .later
            }
        }
    }

    /// The bands of acknowledged relocations, which the medians are taken over.
    static let acknowledged = Delay.allCases.filter { $0 != .notYet }.map(\.rawValue)

    package static let tables: [TableDefinition] = [
        TableDefinition(
            "by-days-to-acknowledge", .trend(column: "days-to-acknowledge", vocabulary: Delay.allCases.map(\.rawValue)),
            median: TableDefinition.Median(days: "days", columns: acknowledged)),
        TableDefinition(
            "receiving-authority-by-days",
            .flow(row: "receiving-authority", column: "days-to-acknowledge", vocabulary: Delay.allCases.map(\.rawValue)),
            median: TableDefinition.Median(days: "days-by-receiving-authority", columns: acknowledged)),
    ]

    static func tallies(_ fields: RecordFields) -> [Tally] {
        guard case .relocation(let move) = fields else { return [] }
        let quarter = Quarter(containing: move.moveDate)
        let delay = Delay(moved: move.moveDate, acknowledged: move.acknowledgement?.date).rawValue
        var tallies = [
            Tally("by-days-to-acknowledge", quarter, column: delay),
            Tally("receiving-authority-by-days", quarter, row: move.receivingAuthority.rawValue, column: delay),
        ]
        if let acknowledged = move.acknowledgement?.date {
            // A briefing ahead of the move counts as the same day, as its band does.
            let days = "\(min(max(0, acknowledged.daysSinceEpoch - move.moveDate.daysSinceEpoch), RowMedian.maximumDays))"
            tallies.append(Tally("days", quarter, column: days))
            tallies.append(Tally("days-by-receiving-authority", quarter, row: move.receivingAuthority.rawValue, column: days))
        }
        return tallies
    }
}
