import Crypto

/// The tokens by which `county-lines` counts a line known to several authorities once: a
/// keyed hash of each deal-line number of a line record, under a key derived from the region's
/// linkage key and the query's id. Two records that share a number are records of one line,
/// so the asking node joins their groups; tokens of two queries cannot be linked, and a node
/// without the linkage key (the VRU) cannot make or reverse one.
package struct LineTokens: Sendable {
    /// Keyed once: copying it spares each token the key schedule.
    private let keyed: HMAC<SHA256>

    package init(encoder: MatchKeyEncoder, queryID: String) {
        // A label of its own, so that no deal line's token can equal a person's.
        keyed = HMAC<SHA256>(key: SymmetricKey(data: encoder.key.mac("vve-county-lines-v1|\(queryID)")))
    }

    /// The token of one deal-line number, as written canonically.
    package func token(_ dealLine: PhoneNumber) -> KeyedToken {
        var hmac = keyed
        hmac.update(data: Array(dealLine.canonical.utf8))
        return hmac.finalize().withUnsafeBytes { KeyedToken(hash: $0) }
    }

    /// One group of tokens for each line record, from its deal lines, sorted and distinct. A
    /// record without a deal line gets one random token, which matches nothing: it is a line
    /// of its own, since nothing shows it to be another's.
    package func groups(_ lines: [[PhoneNumber]], using random: inout some RandomNumberGenerator) -> [[KeyedToken]] {
        lines.map { numbers in
            numbers.isEmpty ? [KeyedToken.random(using: &random)] : Array(Set(numbers.map(token))).sorted()
        }
    }

    /// What leaves the node for its line records' `groups`: zero as it is; nothing when fewer
    /// than the threshold; else the count rounded, and the groups padded with random ones up
    /// to that rounded count plus one rounding base. The padding is always more than the
    /// rounding can have taken off, so every real group goes, and the number of groups says
    /// the rounded count and nothing finer. Padding groups take the sizes of real ones, and
    /// all are sorted, so padding cannot be told apart.
    package static func released(
        _ groups: [[KeyedToken]], rules: DisclosureRules, using random: inout some RandomNumberGenerator
    ) -> ReleasedLines {
        guard !groups.isEmpty else { return ReleasedLines(rules: rules, count: 0, groups: []) }
        guard groups.count >= rules.threshold else { return ReleasedLines(rules: rules, count: nil, groups: nil) }
        let count = rules.rounded(groups.count)
        var padded = groups
        while padded.count < count + rules.roundingBase {
            let size = groups[Int.random(in: groups.indices, using: &random)].count
            padded.append((0..<size).map { _ in KeyedToken.random(using: &random) }.sorted())
        }
        return ReleasedLines(rules: rules, count: count, groups: padded.sorted(by: ReleasedLines.precedes))
    }
}
