/// Where a returned child's return home interview stands against the 72 hours from the
/// return within which the home authority must offer it.
///
/// The deadline is computed from the return every time, never stored: a corrected return
/// time corrects it. At exactly 72 hours the interview is due, not yet overdue.
package struct ReturnInterviewClock: Sendable, Hashable {
    /// 72 hours, in milliseconds.
    package static let window: Int64 = 72 * 3_600_000

    package let returnedAt: Timestamp
    /// Whether the duty is statutory: the child was under 18, or may have been.
    package let statutory: Bool
    /// When each offer was made, in time order.
    package let offers: [Timestamp]
    package let heldAt: Timestamp?

    package init(returnedAt: Timestamp, statutory: Bool, offers: [Timestamp], heldAt: Timestamp?) {
        self.returnedAt = returnedAt
        self.statutory = statutory
        self.offers = offers.sorted()
        self.heldAt = heldAt
    }

    /// 72 hours after the return.
    package var deadline: Timestamp {
        Timestamp(millisecondsSinceEpoch: returnedAt.millisecondsSinceEpoch + Self.window)
    }

    /// Milliseconds from `now` to the deadline; negative once it has passed.
    package func remaining(at now: Timestamp) -> Int64 {
        deadline.millisecondsSinceEpoch - now.millisecondsSinceEpoch
    }

    /// Whether the duty is outstanding past its deadline: 72 hours gone, and no interview
    /// offered or held. An offer made late ends the wait; `offeredWithinWindow` says it was late.
    package func isOverdue(at now: Timestamp) -> Bool {
        offers.isEmpty && heldAt == nil && now > deadline
    }

    /// Whether the first offer came within the 72 hours.
    package var offeredWithinWindow: Bool {
        offers.first.map { $0 <= deadline } ?? false
    }

    /// Whether the interview was held within the 72 hours.
    package var heldWithinWindow: Bool {
        heldAt.map { $0 <= deadline } ?? false
    }

    /// Whole hours to the deadline, rounded towards the safe side: 30 minutes left is 0, and
    /// one minute past is -1.
    package func hoursLeft(at now: Timestamp) -> Int64 {
        let left = remaining(at: now)
        return left >= 0 ? left / 3_600_000 : -((-left + 3_599_999) / 3_600_000)
    }

    /// "5h left" or "12h overdue" while no interview is offered or held; then whether it
    /// was offered (or held) within the 72 hours or late.
    package func hoursText(at now: Timestamp) -> String {
        if heldAt != nil { return heldWithinWindow ? "held in time" : "held late" }
        if !offers.isEmpty { return offeredWithinWindow ? "offered in time" : "offered late" }
        let hours = hoursLeft(at: now)
        return hours >= 0 ? "\(hours)h left" : "\(-hours)h overdue"
    }
}
