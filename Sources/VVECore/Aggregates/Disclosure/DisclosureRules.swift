/// What a node does to a count before it leaves: a count from 1 to `threshold - 1` is
/// suppressed, every other count is rounded to the nearest multiple of `roundingBase` (halves
/// up), and zero is shown as it is. The same count always gives the same answer, so asking
/// again teaches nothing new.
///
/// The floor, which no node may go below, is OpenSAFELY's: counts of 7 or fewer redacted, the
/// rest rounded to 5 (opensafely-core/ehrql #1746). UK statistical practice uses thresholds of
/// 5 to 10. A node may be stricter: a higher threshold, a coarser rounding.
package struct DisclosureRules: Sendable, Hashable {
    /// The built-in floor: counts 1 to 7 suppressed, the rest rounded to 5.
    package static let floor = DisclosureRules(validThreshold: 8, roundingBase: 5)

    /// The smallest count released; counts from 1 below it are suppressed.
    package let threshold: Int
    /// Released counts are multiples of this.
    package let roundingBase: Int

    private init(validThreshold threshold: Int, roundingBase: Int) {
        self.threshold = threshold
        self.roundingBase = roundingBase
    }

    /// Rules at least as strict as the floor; nil, with the reason, otherwise. The rounding
    /// base may not exceed the threshold, so a released count is never rounded to zero.
    package static func make(threshold: Int, roundingBase: Int) -> Result<DisclosureRules, DisclosureRulesError> {
        guard threshold >= floor.threshold, threshold <= 1000 else { return .failure(.threshold(threshold)) }
        guard roundingBase >= floor.roundingBase, roundingBase <= threshold else {
            return .failure(.roundingBase(roundingBase, threshold: threshold))
        }
        return .success(DisclosureRules(validThreshold: threshold, roundingBase: roundingBase))
    }

    /// Whether `count` is too small to leave the node.
    package func isSmall(_ count: Int) -> Bool { count > 0 && count < threshold }

    /// `count` rounded to the nearest multiple of the base, halves up. Only for counts that
    /// are released: zero, or at least the threshold.
    package func rounded(_ count: Int) -> Int {
        (count + roundingBase / 2) / roundingBase * roundingBase
    }

    /// Every true count that is released as `value`: `0...0` for zero, else the counts of at
    /// least the threshold that round to it; nil when no count is released as `value` (a
    /// small count, or one that is not a multiple of the base).
    package func counts(releasedAs value: Int) -> ClosedRange<Int>? {
        guard value > 0 else { return value == 0 ? 0...0 : nil }
        guard value % roundingBase == 0, value <= Int.max - roundingBase else { return nil }
        let lowest = max(threshold, value - roundingBase / 2)
        let highest = value + (roundingBase - 1) / 2
        return lowest <= highest ? lowest...highest : nil
    }
}

/// Why disclosure rules were refused.
package enum DisclosureRulesError: Error, Sendable, Hashable, CustomStringConvertible {
    case threshold(Int)
    case roundingBase(Int, threshold: Int)

    package var description: String {
        switch self {
        case .threshold(let value):
            "a threshold of \(value) is below the floor; it must be \(DisclosureRules.floor.threshold) to 1000 (counts below it are suppressed)"
        case .roundingBase(let value, let threshold):
            "a rounding base of \(value) is not allowed; it must be \(DisclosureRules.floor.roundingBase) to the threshold, \(threshold)"
        }
    }
}
