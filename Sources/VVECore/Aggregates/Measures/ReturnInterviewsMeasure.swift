/// The `return-interviews` measure: whether the home authority met its duty to offer a return
/// home interview within 72 hours (`ReturnInterviewClock`), for a node's own episodes of
/// children who returned and carried the statutory duty, by the quarter of the return; and by
/// home authority over a year. Episodes of young people 18 or over at the report, whose
/// interview is voluntary, are not counted.
///
/// Counts are kept once a quarter has closed for the report lag, so an offer recorded within
/// the lag still counts. A child whose 72 hours had not passed when the quarter was counted,
/// with nothing offered yet, is `not-yet-due`, never `not-offered`.
package enum ReturnInterviewsMeasure {
    /// When the interview was first offered. A held interview counts as offered when it was
    /// held, if no earlier offer is recorded.
    package enum Offer: String, Sendable, CaseIterable {
        case offeredWithin72Hours = "offered-within-72-hours"
        case offeredLater = "offered-later"
        case notOffered = "not-offered"
        case notYetDue = "not-yet-due"

        package init(_ clock: ReturnInterviewClock, countedAt: Timestamp) {
            if let first = (clock.offers + [clock.heldAt].compactMap { $0 }).min() {
                self = first <= clock.deadline ? .offeredWithin72Hours : .offeredLater
            } else {
                self = countedAt > clock.deadline ? .notOffered : .notYetDue
            }
        }
    }

    /// Whether the interview was held, and within the 72 hours.
    package enum Held: String, Sendable, CaseIterable {
        case heldWithin72Hours = "held-within-72-hours"
        case heldLater = "held-later"
        case notHeld = "not-held"

        package init(_ clock: ReturnInterviewClock) {
            guard clock.heldAt != nil else {
                self = .notHeld
                return
            }
            self = clock.heldWithinWindow ? .heldWithin72Hours : .heldLater
        }
    }

    /// The child's answer to the offer.
    package static let responses = InterviewResponse.allCases.map(\.rawValue) + ["no-response"]

    package static let tables: [TableDefinition] = [
        TableDefinition("by-offer", .trend(column: "offer", vocabulary: Offer.allCases.map(\.rawValue))),
        TableDefinition("by-response", .trend(column: "response", vocabulary: responses)),
        TableDefinition("by-interview", .trend(column: "interview", vocabulary: Held.allCases.map(\.rawValue))),
        TableDefinition("home-authority-by-offer", .flow(row: "home-authority", column: "offer", vocabulary: Offer.allCases.map(\.rawValue))),
    ]

    static func tallies(_ episode: MissingEpisode, countedAt: Timestamp) -> [Tally] {
        guard let returnedAt = episode.returnedAt, episode.carriesStatutoryDuty else { return [] }
        let clock = ReturnInterviewClock(
            returnedAt: returnedAt, statutory: true, offers: episode.interviewOffers.map(\.offeredAt), heldAt: episode.interviewHeldAt)
        let quarter = Quarter(containing: returnedAt.calendarDate)
        let offer = Offer(clock, countedAt: countedAt).rawValue
        return [
            Tally("by-offer", quarter, column: offer),
            Tally("by-response", quarter, column: episode.interviewResponse?.rawValue ?? "no-response"),
            Tally("by-interview", quarter, column: Held(clock).rawValue),
            Tally("home-authority-by-offer", quarter, row: episode.homeAuthority.rawValue, column: offer),
        ]
    }
}
