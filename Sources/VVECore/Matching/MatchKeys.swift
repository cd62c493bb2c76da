import Crypto

/// The region's secret for match keys. Every node of a region holds the same one, so equal
/// people give equal keys anywhere in the region, and nobody without it can compute or test
/// a key. It never crosses the wire and never appears in a log.
package struct LinkageKey: Sendable, Equatable {
    let key: SymmetricKey
    /// HMAC already keyed: copying it skips the key schedule that every new HMAC repeats,
    /// which was a third of the cost of a fuzzy encoding.
    private let keyed: HMAC<SHA256>

    /// Equal keys, compared in constant time.
    package static func == (left: LinkageKey, right: LinkageKey) -> Bool { left.key == right.key }

    /// The smallest key accepted: 256 bits.
    package static let minimumBytes = 32

    /// A key from its raw bytes; nil when shorter than 32 bytes.
    package init?(bytes: [UInt8]) {
        guard bytes.count >= Self.minimumBytes else { return nil }
        key = SymmetricKey(data: bytes)
        keyed = HMAC<SHA256>(key: key)
    }

    /// A key written as hex, as `vve linkage-key create` writes it; nil for anything else.
    package init?(hex text: String) {
        let digits = Array(text.filter { !$0.isWhitespace }.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        self.init(bytes: bytes)
    }

    /// The key as `vve linkage-key create` writes it: lower-case hex.
    package var hex: String { key.withUnsafeBytes { Hex.encode(Array($0)) } }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// A short public name of this key (16 hex digits of an HMAC of a fixed label): stores
    /// remember which key their match index was built under, and rebuild it when it changes.
    package var tag: String { Hex.encode(mac("vve-key-tag-v1").prefix(8)) }

    /// HMAC-SHA256 of a message under this key.
    func mac(_ message: String) -> [UInt8] {
        var hmac = keyed
        var text = message
        text.withUTF8 { hmac.update(data: UnsafeRawBufferPointer($0)) }
        return Array(hmac.finalize())
    }
}

/// What a peer receives about a person when it may not see who they are: an exact key, when
/// the person's name and full date of birth are known, and the fuzzy encoding.
package struct MatchKeys: Sendable, Hashable {
    /// HMAC-SHA256 of the normalised surname, forename and full date of birth; nil when any
    /// of them is missing, because a key over less would match too many people.
    package var exact: [UInt8]?
    package var fuzzy: FuzzyEncoding

    package init(exact: [UInt8]?, fuzzy: FuzzyEncoding) {
        self.exact = exact
        self.fuzzy = fuzzy
    }

    /// The keys as JSON: `{"exact": HEX?, "fuzzy": HEX}`. Nothing else about the person.
    package var jsonValue: JSONValue {
        .compactObject([("exact", exact.map { .string(Hex.encode($0)) }), ("fuzzy", .string(fuzzy.hex))])
    }
}

extension MatchKeys: CanonicalJSONWritable {
    /// `jsonValue`, with the hex written straight into the output: one of these goes out with
    /// every person sent.
    package func writeCanonical(to writer: inout CanonicalJSONWriter) {
        writer.object { writer in
            if let exact {
                writer.key("exact")
                writer.hexString(exact)
            }
            writer.key("fuzzy")
            writer.hexString(words: fuzzy.words)
        }
    }
}

/// Makes match keys under the region's linkage key.
package struct MatchKeyEncoder: Sendable {
    /// The region's key the encoder keys with.
    package let key: LinkageKey
    /// The balancing permutation of a name part: position `i` of the part takes bit
    /// `namePermutation[i]` of filter-then-complement. Both name parts share it, so that they
    /// can be compared crosswise.
    let namePermutation: [Int]
    /// The balancing permutation of the date-of-birth part.
    let datePermutation: [Int]
    /// Where each bit of a name part's filter-then-complement lands in the part: the inverse
    /// of `namePermutation`, so an encoding costs its set filter bits, not a pass over all.
    let nameTarget: [Int]
    /// The same for the date-of-birth part.
    let dateTarget: [Int]
    /// The encoding of empty filters: every complement bit set.
    let emptyEncoding: [UInt64]
    /// The positions of the date-of-birth part that carry its filter's bits, not their
    /// complements: with them, the holder of the key can tell the tokens one date has that
    /// another lacks (`PartScores.datesAgreeSoFarAsKnown`).
    package let dateFilterMask: [UInt64]
    /// The filter positions of every common token, computed once: a token's positions depend
    /// only on the key, and taking them from a table instead of HMACs made an encoding about
    /// twenty times cheaper.
    let tokens: TokenTable

    /// The match-key scheme: the normalisation, the exact key, the tokens, their positions,
    /// the parts and the balancing permutations together. Nodes compare keys only under the
    /// same scheme, so lookups carry it; `MatchKeyVectorTests` pins what this version
    /// computes, and a change to any part of it is a new version. Version 2 keeps each name
    /// and the date of birth in a part of its own (docs/design/match-keys-and-lookups.md).
    package static let schemeVersion = 2

    /// Positions each name bigram sets in its part's filter.
    package static let bitsPerBigram = 12
    /// Positions each date-of-birth token sets in its part's filter.
    package static let bitsPerDatePart = 12

    package init(key: LinkageKey) {
        self.key = key
        func permutation(_ part: FuzzyEncoding.Part, _ label: String) -> (order: [Int], target: [Int]) {
            let order = BalancingPermutation.make(count: part.encodedBits, seed: key.mac(label).prefix(8).reduce(0) { $0 << 8 | UInt64($1) })
            var target = [Int](repeating: 0, count: order.count)
            for (position, source) in order.enumerated() { target[source] = position }
            return (order, target)
        }
        let names = permutation(.forename, "vve-balance-v2-names")
        let date = permutation(.dateOfBirth, "vve-balance-v2-date")
        namePermutation = names.order
        nameTarget = names.target
        datePermutation = date.order
        dateTarget = date.target
        var empty = [UInt64](repeating: 0, count: FuzzyEncoding.encodedBits / 64)
        for part in FuzzyEncoding.Part.allCases {
            let target = part == .dateOfBirth ? date.target : names.target
            for source in part.filterBits..<part.encodedBits {
                let bit = part.firstBit + target[source]
                empty[bit / 64] |= 1 << UInt64(bit % 64)
            }
        }
        emptyEncoding = empty
        var mask = [UInt64](repeating: 0, count: FuzzyEncoding.Part.dateOfBirth.words.count)
        for source in 0..<FuzzyEncoding.Part.dateOfBirth.filterBits { mask[date.target[source] / 64] |= 1 << UInt64(date.target[source] % 64) }
        dateFilterMask = mask
        tokens = TokenTable(key: key)
    }

    /// The exact key of a person alone: nil without a full name and date of birth.
    package func exactKey(for person: Person) -> [UInt8]? {
        exactKey(
            forename: person.forenames.map(NameNormaliser.forename) ?? "", surname: person.surname.map(NameNormaliser.surname) ?? "",
            dateOfBirth: person.dateOfBirth)
    }

    /// The exact and fuzzy keys of a person.
    package func keys(for person: Person) -> MatchKeys {
        let forename = person.forenames.map(NameNormaliser.forename) ?? ""
        let surname = person.surname.map(NameNormaliser.surname) ?? ""
        return MatchKeys(
            exact: exactKey(forename: forename, surname: surname, dateOfBirth: person.dateOfBirth),
            fuzzy: fuzzy(forename: forename, surname: surname, dateOfBirth: person.dateOfBirth))
    }

    func exactKey(forename: String, surname: String, dateOfBirth: PartialDate?) -> [UInt8]? {
        guard !forename.isEmpty, !surname.isEmpty, let date = dateOfBirth?.calendarDate else { return nil }
        return key.mac("vve-exact-v1|\(surname)|\(forename)|\(date)")
    }

    /// The filter positions of one token, below `bits`: HMAC-SHA256 of the token under the
    /// key, two bytes a position; 32 bytes give 16 positions.
    static func positions(of token: String, count: Int, bits: Int, key: LinkageKey) -> [UInt16] {
        precondition(count <= 16)
        let bytes = key.mac("vve-fuzzy-v2|" + token)
        return (0..<count).map { index in UInt16((Int(bytes[2 * index]) << 8 | Int(bytes[2 * index + 1])) % bits) }
    }

    func fuzzy(forename: String, surname: String, dateOfBirth: PartialDate?) -> FuzzyEncoding {
        encode(filters(forename: forename, surname: surname, dateOfBirth: dateOfBirth, table: tokens))
    }

    /// The same encoding with every token's positions computed afresh: what the table must
    /// agree with, and what names outside a-z use.
    func fuzzyUncached(forename: String, surname: String, dateOfBirth: PartialDate?) -> FuzzyEncoding {
        encode(filters(forename: forename, surname: surname, dateOfBirth: dateOfBirth, table: nil))
    }

    /// The filter of each part, in `FuzzyEncoding.Part` order.
    func filters(forename: String, surname: String, dateOfBirth: PartialDate?, table: TokenTable?) -> [[UInt64]] {
        var filters = FuzzyEncoding.Part.allCases.map { [UInt64](repeating: 0, count: $0.filterBits / 64) }
        func set(_ positions: some Collection<UInt16>, in part: FuzzyEncoding.Part) {
            for position in positions { filters[part.rawValue][Int(position) / 64] |= 1 << UInt64(position % 64) }
        }
        let nameBits = FuzzyEncoding.Part.forename.filterBits
        for (part, name) in [(FuzzyEncoding.Part.forename, forename), (.surname, surname)] where !name.isEmpty {
            if let table, let bigrams = TokenTable.bigramIndexes(name) {
                for index in bigrams { set(table.bigram(index), in: part) }
                continue
            }
            let padded = Array("_" + name + "_")
            for index in 0..<(padded.count - 1) {
                set(
                    Self.positions(of: "n" + String(padded[index]) + String(padded[index + 1]), count: Self.bitsPerBigram, bits: nameBits, key: key),
                    in: part)
            }
        }
        if let date = dateOfBirth {
            if let table {
                for positions in table.dateParts(date) { set(positions, in: .dateOfBirth) }
            } else {
                for token in TokenTable.dateTokens(date) {
                    set(
                        Self.positions(of: token, count: Self.bitsPerDatePart, bits: FuzzyEncoding.Part.dateOfBirth.filterBits, key: key),
                        in: .dateOfBirth)
                }
            }
        }
        return filters
    }

    func encode(_ filters: [[UInt64]]) -> FuzzyEncoding {
        // Each set filter bit sets its own position and clears its complement's.
        var encoded = emptyEncoding
        for part in FuzzyEncoding.Part.allCases {
            let target = part == .dateOfBirth ? dateTarget : nameTarget
            for (index, word) in filters[part.rawValue].enumerated() where word != 0 {
                var remaining = word
                while remaining != 0 {
                    let bit = index * 64 + remaining.trailingZeroBitCount
                    remaining &= remaining - 1
                    let set = part.firstBit + target[bit]
                    let cleared = part.firstBit + target[bit + part.filterBits]
                    encoded[set / 64] |= 1 << UInt64(set % 64)
                    encoded[cleared / 64] &= ~(1 << UInt64(cleared % 64))
                }
            }
        }
        return FuzzyEncoding(words: encoded)!
    }
}
