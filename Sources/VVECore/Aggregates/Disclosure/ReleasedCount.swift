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

    /// Whether the count is withheld.
    package var isWithheld: Bool { value == nil }
}
