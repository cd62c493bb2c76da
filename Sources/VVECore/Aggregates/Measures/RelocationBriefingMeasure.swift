/// The `relocation-briefing` measure: how fast the receiving authority acknowledged a
/// relocation, in days from the move to the acknowledgement, by the quarter of the move and
/// by receiving authority over a year. This is the delay vve exists to shorten.
///
/// A relocation without an acknowledgement when its quarter's counts are kept is `not-yet`:
/// counts are kept once the quarter has been closed for the report lag, so a late
/// acknowledgement within the lag still counts.
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

    package static let tables: [TableDefinition] = [
        TableDefinition("by-days-to-acknowledge", .trend(column: "days-to-acknowledge", vocabulary: Delay.allCases.map(\.rawValue))),
        TableDefinition(
            "receiving-authority-by-days",
            .flow(row: "receiving-authority", column: "days-to-acknowledge", vocabulary: Delay.allCases.map(\.rawValue))),
    ]

    static func tallies(_ fields: RecordFields) -> [Tally] {
        guard case .relocation(let move) = fields else { return [] }
        let quarter = Quarter(containing: move.moveDate)
        let delay = Delay(moved: move.moveDate, acknowledged: move.acknowledgement?.date).rawValue
        return [
            Tally("by-days-to-acknowledge", quarter, column: delay),
            Tally("receiving-authority-by-days", quarter, row: move.receivingAuthority.rawValue, column: delay),
        ]
    }
}
