/// One count of a protected table, as it may leave the node.
package struct ReleasedCount: Sendable, Hashable {
    /// How the count was treated.
    package enum Status: String, Sendable, Hashable, CaseIterable {
        /// Zero, shown as it is.
        case exact
        /// Rounded to the rules' base.
        case rounded
        /// Too small to release (1 to threshold - 1).
        case suppressed
        /// Withheld so that a suppressed count cannot be worked out from the others.
        case secondary
    }

    /// The released value; nil when withheld.
    package let value: Int?
    package let status: Status

    package init(value: Int?, status: Status) {
        self.value = value
        self.status = status
    }

    /// One count alone, protected by `rules`: suppressed when small, else rounded, zero as
    /// it is. A count with no totals beside it needs no secondary suppression.
    package init(protecting count: Int, rules: DisclosureRules) {
        if rules.isSmall(count) {
            self.init(value: nil, status: .suppressed)
        } else {
            self.init(value: rules.rounded(count), status: count == 0 ? .exact : .rounded)
        }
    }

    /// As a note says it: the value, or fewer than the threshold.
    package func described(under rules: DisclosureRules) -> String {
        value.map { "\($0)" } ?? (status == .suppressed ? "fewer than \(rules.threshold)" : "a withheld number of")
    }

    /// Whether the count is withheld.
    package var isWithheld: Bool { value == nil }
}
