/// One count of the regional view, combined from what each authority released: their sum,
/// honest about what it leaves out. Every released count is zero or at least its node's
/// threshold, so a sum of them is too: combining never makes a small number.
package struct RegionalValue: Sendable, Hashable {
    /// How a regional count stands.
    package enum Status: String, Sendable, Hashable {
        /// Every authority released its count exactly (zero).
        case exact
        /// Every authority released its count, some rounded.
        case rounded
        /// Some authority withheld its count: the region has at least `value`.
        case lowerBound = "lower-bound"
        /// Some authority asked did not answer: the region has at least `value`.
        case incomplete
        /// A count the asking node derived (`SharedPeople`) and suppressed as small.
        case suppressed
        /// A count the asking node derived and withheld to protect a suppressed one.
        case secondary
    }

    /// As a person reads it: the count; `<N` when all that is known is that the withheld
    /// counts are small; `≥N` when some were withheld; a trailing `?` when an authority
    /// asked did not answer.
    package var display: String {
        switch status {
        case .exact, .rounded: "\(value)"
        case .lowerBound: value == 0 && withheldAtMost != nil ? "<\(withheldAtMost! + 1)" : "≥\(value)"
        case .incomplete: "≥\(value)?"
        case .suppressed: "<\((withheldAtMost ?? 0) + 1)"
        case .secondary: "*"
        }
    }

    /// Whether this node withheld the count itself (`suppressed`, `secondary`): it then has
    /// no value to show.
    package var isWithheld: Bool { status == .suppressed || status == .secondary }

    /// The sum of the released counts; 0 for a count withheld here.
    package let value: Int
    package let status: Status
    /// The authorities that withheld this count (suppressed or secondary).
    package let withheldBy: [AuthorityName]
    /// When every withheld count was suppressed as small, the most they can add together:
    /// each is below its node's threshold. Nil when some was withheld as secondary, which
    /// may be any size.
    package let withheldAtMost: Int?

    package init(value: Int, status: Status, withheldBy: [AuthorityName], withheldAtMost: Int?) {
        self.value = value
        self.status = status
        self.withheldBy = withheldBy
        self.withheldAtMost = withheldAtMost
    }

    /// Combines each answering authority's count of one cell (nil where its table does not
    /// have the cell, which counts zero), with `missing` authorities that gave no answer.
    package static func combining(
        _ counts: [(authority: AuthorityName, count: ReleasedCount?, threshold: Int)], missing: Int
    ) -> RegionalValue {
        var sum = 0
        var rounded = false
        var withheld: [AuthorityName] = []
        var atMost: Int? = 0
        for (authority, count, threshold) in counts {
            guard let count else { continue }
            switch count.status {
            case .exact: break
            case .rounded:
                sum += count.value ?? 0
                rounded = true
            case .suppressed:
                withheld.append(authority)
                atMost = atMost.map { $0 + threshold - 1 }
            case .secondary:
                withheld.append(authority)
                atMost = nil
            }
        }
        let status: Status = missing > 0 ? .incomplete : !withheld.isEmpty ? .lowerBound : rounded ? .rounded : .exact
        return RegionalValue(value: sum, status: status, withheldBy: withheld, withheldAtMost: withheld.isEmpty ? nil : atMost)
    }
}
