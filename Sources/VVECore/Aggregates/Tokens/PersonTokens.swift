import Crypto

/// The tokens by which `known-in-several-areas` counts people across authorities without
/// anyone learning who: a keyed hash of a person's exact match key, under a key derived from
/// the region's linkage key and the query's id. Equal people give equal tokens within one
/// query, so the asking node can count them; tokens of two queries cannot be linked, and a
/// node without the linkage key (the VRU) cannot make or reverse one.
package struct PersonTokens: Sendable {
    /// Hex digits in a token: 128 bits, so random padding never meets a real token.
    package static let length = 32

    private let key: SymmetricKey
    private let encoder: MatchKeyEncoder

    package init(encoder: MatchKeyEncoder, queryID: String) {
        self.encoder = encoder
        key = SymmetricKey(data: encoder.key.mac("vve-known-in-several-areas-v1|\(queryID)"))
    }

    /// The token of `person`; nil without a full name and date of birth.
    package func token(for person: Person) -> String? {
        guard let exact = encoder.exactKey(for: person) else { return nil }
        return Hex.encode(Array(HMAC<SHA256>.authenticationCode(for: exact, using: key)).prefix(Self.length / 2))
    }

    /// The tokens of every person in `records` (the node's own live records), each person
    /// once, and how many mentions of people had no full name and date of birth to make one
    /// from.
    package func population(_ records: [CaseRecord]) -> (tokens: Set<String>, uncounted: Int) {
        population(records.compactMap(\.fields).flatMap(LookupPeople.people(of:)))
    }

    /// The tokens of `people`, each person once, and how many had no token.
    package func population(_ people: [Person]) -> (tokens: Set<String>, uncounted: Int) {
        var tokens = Set<String>()
        var uncounted = 0
        for person in people {
            if let token = token(for: person) { tokens.insert(token) } else { uncounted += 1 }
        }
        return (tokens, uncounted)
    }

    /// What leaves the node: nothing when fewer people than the threshold (their number would
    /// be a small count), else the tokens padded with random ones, which match nothing, up to
    /// the next multiple of the rounding base, in sorted order so the padding cannot be told
    /// apart.
    package static func released(_ tokens: Set<String>, rules: DisclosureRules, using random: inout some RandomNumberGenerator) -> [String]? {
        guard tokens.count >= rules.threshold else { return nil }
        var padded = tokens
        let target = (tokens.count + rules.roundingBase - 1) / rules.roundingBase * rules.roundingBase
        while padded.count < target {
            padded.insert(Hex.encode((0..<length / 2).map { _ in UInt8.random(in: 0...255, using: &random) }))
        }
        return padded.sorted()
    }
}
