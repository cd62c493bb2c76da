import Crypto

/// The tokens by which `known-in-several-areas` counts people across authorities without
/// anyone learning who: a keyed hash of a person's exact match key, under a key derived from
/// the region's linkage key and the query's id. Equal people give equal tokens within one
/// query, so the asking node can count them; tokens of two queries cannot be linked, and a
/// node without the linkage key (the VRU) cannot make or reverse one.
package struct PersonTokens: Sendable {
    private let encoder: MatchKeyEncoder
    /// Keyed once: copying it spares each token the key schedule.
    private let keyed: HMAC<SHA256>

    package init(encoder: MatchKeyEncoder, queryID: String) {
        self.encoder = encoder
        keyed = HMAC<SHA256>(key: SymmetricKey(data: encoder.key.mac("vve-known-in-several-areas-v1|\(queryID)")))
    }

    /// The token of a person whose exact match key is `exactKey`.
    package func token(exactKey: [UInt8]) -> KeyedToken {
        var hmac = keyed
        exactKey.withUnsafeBytes { hmac.update(data: $0) }
        return hmac.finalize().withUnsafeBytes { KeyedToken(hash: $0) }
    }

    /// The tokens of every person in `records` (the node's own live records), each person
    /// once, and how many mentions of people had no full name and date of birth to make one
    /// from.
    package func population(_ records: [CaseRecord]) -> (tokens: Set<KeyedToken>, uncounted: Int) {
        let people = records.compactMap(\.fields).flatMap(LookupPeople.people(of:))
        let keys = people.compactMap(encoder.exactKey(for:))
        return population(exactKeys: keys, uncounted: people.count - keys.count)
    }

    /// The tokens of the people whose exact match keys are `exactKeys`, each person once;
    /// `uncounted` people had no key and pass through.
    package func population(exactKeys: [[UInt8]], uncounted: Int) -> (tokens: Set<KeyedToken>, uncounted: Int) {
        var tokens = Set<KeyedToken>(minimumCapacity: exactKeys.count)
        for key in exactKeys { tokens.insert(token(exactKey: key)) }
        return (tokens, uncounted)
    }

    /// What leaves the node: nothing when fewer people than the threshold (their number would
    /// be a small count), else the tokens padded with random ones, which match nothing, up to
    /// the next multiple of the rounding base, in sorted order so the padding cannot be told
    /// apart.
    package static func released(
        _ tokens: Set<KeyedToken>, rules: DisclosureRules, using random: inout some RandomNumberGenerator
    ) -> [KeyedToken]? {
        guard tokens.count >= rules.threshold else { return nil }
        var padded = tokens
        let target = (tokens.count + rules.roundingBase - 1) / rules.roundingBase * rules.roundingBase
        while padded.count < target { padded.insert(KeyedToken.random(using: &random)) }
        return padded.sorted()
    }
}
