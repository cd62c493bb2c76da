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

/// A keyed Bloom-filter encoding of a person (CLK-style), balanced against frequency attacks.
///
/// The filter has 1024 bits. Each token (a bigram of a name, a part of the date of birth)
/// sets `k` positions derived from HMAC-SHA256 of the token under the linkage key. The filter
/// is then *balanced*: concatenated with its complement and shuffled by a permutation derived
/// from the key, so every encoding has exactly 1024 of its 2048 bits set. An observer of many
/// encodings then cannot tell frequent bigrams by how often a position is set, which is the
/// attack plain Bloom-filter encodings fall to. Similarity is the Dice coefficient.
package struct FuzzyEncoding: Sendable, Hashable {
    /// 2048 bits, 32 words.
    package let words: [UInt64]

    /// Bits in the filter before balancing.
    package static let filterBits = 1024
    /// Bits as stored and sent.
    package static let encodedBits = 2 * filterBits

    package init?(words: [UInt64]) {
        guard words.count == Self.encodedBits / 64 else { return nil }
        self.words = words
    }

    /// The Dice coefficient, 2|A∩B| / (|A| + |B|), from 0 (nothing shared) to 1 (identical).
    package func dice(_ other: FuzzyEncoding) -> Double {
        var shared = 0
        var total = 0
        for index in words.indices {
            shared += (words[index] & other.words[index]).nonzeroBitCount
            total += words[index].nonzeroBitCount + other.words[index].nonzeroBitCount
        }
        return total == 0 ? 0 : 2 * Double(shared) / Double(total)
    }

    /// The encoding as lowercase hex, 512 digits, for JSON.
    package var hex: String {
        // Written straight from the words: one of these goes out with every person sent.
        String(unsafeUninitializedCapacity: words.count * 16) { buffer in
            for (index, word) in words.enumerated() {
                for nibble in 0..<16 {
                    buffer[index * 16 + nibble] = Hex.digits[Int(truncatingIfNeeded: word >> (60 - 4 * UInt64(nibble)) & 0xF)]
                }
            }
            return words.count * 16
        }
    }

    /// Each byte's value as a lowercase hex digit, or 0x80 for a byte that is none.
    private static let nibbles: [UInt8] = (0...255).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt8(byte) - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt8(byte) - UInt8(ascii: "a") + 10
        default: 0x80
        }
    }

    /// Parses `hex`: lowercase digits only, as `hex` writes them.
    package init?(hex text: String) {
        // Read in place from the string's UTF-8: every copy a holder receives carries one.
        var text = text
        let words = text.withUTF8 { bytes -> [UInt64]? in
            guard bytes.count == Self.encodedBits / 4 else { return nil }
            return [UInt64](unsafeUninitializedCapacity: Self.encodedBits / 64) { words, count in
                for wordIndex in 0..<(Self.encodedBits / 64) {
                    var word: UInt64 = 0
                    // Any byte that is no lowercase hex digit sets the high bit of `invalid`.
                    var invalid: UInt8 = 0
                    for offset in (wordIndex * 16)..<(wordIndex * 16 + 16) {
                        let value = Self.nibbles[Int(bytes[offset])]
                        invalid |= value
                        word = word << 4 | UInt64(value & 0x0F)
                    }
                    guard invalid < 0x80 else { return }
                    words[wordIndex] = word
                    count = wordIndex + 1
                }
            }
        }
        guard let words, words.count == Self.encodedBits / 64 else { return nil }
        self.words = words
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
    /// The balancing permutation: position `i` of the encoding takes bit `permutation[i]` of
    /// filter-then-complement.
    let permutation: [Int]
    /// Where each bit of filter-then-complement lands in the encoding: the inverse of
    /// `permutation`, so an encoding costs its set filter bits, not a pass over all 2048.
    let target: [Int]
    /// The encoding of an empty filter: every complement bit set.
    let emptyEncoding: [UInt64]
    /// The filter positions of every common token, computed once: a token's positions depend
    /// only on the key, and taking them from a table instead of two HMACs per token made an
    /// encoding about twenty times cheaper (it was a fifth of a sync's cost at the owner).
    let tokens: TokenTable

    /// The Dice score from which two encodings are reported as a `possible` match. Chosen
    /// from the table `Tools/match-quality.sh` prints: on balanced encodings scores sit close
    /// to 1, and 0.90 is where precision passes 0.98 while recall is still 1.0 on the
    /// synthetic error mix.
    package static let possibleMatchThreshold = 0.90

    /// The match-key scheme: the normalisation, the exact key, the token positions and the
    /// balancing permutation together. Nodes compare keys only under the same scheme, so
    /// lookups carry it; `MatchKeyVectorTests` pins what version 1 computes, and a change to
    /// any part of it is a new version.
    package static let schemeVersion = 1

    /// Positions each name bigram sets.
    package static let bitsPerBigram = 12
    /// Positions each date-of-birth part sets: more than a bigram, since there are fewer.
    package static let bitsPerDatePart = 20

    package init(key: LinkageKey) {
        self.key = key
        let order = BalancingPermutation.make(
            count: FuzzyEncoding.encodedBits, seed: key.mac("vve-balance-v1").prefix(8).reduce(0) { $0 << 8 | UInt64($1) })
        permutation = order
        var target = [Int](repeating: 0, count: FuzzyEncoding.encodedBits)
        for (position, source) in order.enumerated() { target[source] = position }
        self.target = target
        var empty = [UInt64](repeating: 0, count: FuzzyEncoding.encodedBits / 64)
        for source in FuzzyEncoding.filterBits..<FuzzyEncoding.encodedBits { empty[target[source] / 64] |= 1 << UInt64(target[source] % 64) }
        emptyEncoding = empty
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

    /// The filter positions of one token: HMAC-SHA256 of the token under the key, two bytes
    /// a position; 32 bytes give 16 positions, and a second round extends them when more are
    /// asked.
    static func positions(of token: String, count: Int, key: LinkageKey) -> [UInt16] {
        var bytes = key.mac("vve-fuzzy-v1|" + token)
        if count > 16 { bytes += key.mac("vve-fuzzy-v1+|" + token) }
        return (0..<count).map { index in UInt16((Int(bytes[2 * index]) << 8 | Int(bytes[2 * index + 1])) % FuzzyEncoding.filterBits) }
    }

    func fuzzy(forename: String, surname: String, dateOfBirth: PartialDate?) -> FuzzyEncoding {
        encode(filter(forename: forename, surname: surname, dateOfBirth: dateOfBirth, table: tokens))
    }

    /// The same encoding with every token's positions computed afresh: what the table must
    /// agree with, and what names outside a-z use.
    func fuzzyUncached(forename: String, surname: String, dateOfBirth: PartialDate?) -> FuzzyEncoding {
        encode(filter(forename: forename, surname: surname, dateOfBirth: dateOfBirth, table: nil))
    }

    private func filter(forename: String, surname: String, dateOfBirth: PartialDate?, table: TokenTable?) -> [UInt64] {
        var filter = [UInt64](repeating: 0, count: FuzzyEncoding.filterBits / 64)
        func set(_ positions: some Collection<UInt16>) {
            for position in positions { filter[Int(position) / 64] |= 1 << UInt64(position % 64) }
        }
        func set(_ token: String, positions count: Int) {
            set(Self.positions(of: token, count: count, key: key))
        }
        for (field, name) in [("f", forename), ("s", surname)] where !name.isEmpty {
            if let table, let bigrams = TokenTable.bigramIndexes(name, field: field == "f" ? 0 : 1) {
                for index in bigrams { set(table.bigram(index)) }
                continue
            }
            let padded = Array("_" + name + "_")
            for index in 0..<(padded.count - 1) {
                set(field + String(padded[index]) + String(padded[index + 1]), positions: Self.bitsPerBigram)
            }
        }
        if let date = dateOfBirth {
            if let table {
                for positions in table.dateParts(date) { set(positions) }
            } else {
                for token in TokenTable.dateTokens(date) { set(token, positions: Self.bitsPerDatePart) }
            }
        }
        return filter
    }

    private func encode(_ filter: [UInt64]) -> FuzzyEncoding {
        // Each set filter bit sets its own position and clears its complement's.
        var encoded = emptyEncoding
        for (index, word) in filter.enumerated() where word != 0 {
            var remaining = word
            while remaining != 0 {
                let bit = index * 64 + remaining.trailingZeroBitCount
                remaining &= remaining - 1
                let set = target[bit], cleared = target[bit + FuzzyEncoding.filterBits]
                encoded[set / 64] |= 1 << UInt64(set % 64)
                encoded[cleared / 64] &= ~(1 << UInt64(cleared % 64))
            }
        }
        return FuzzyEncoding(words: encoded)!
    }
}

/// Every common token's filter positions under one key: name bigrams over a-z and `_` for
/// both names, and the date-of-birth parts for the years 1900-2100. Anything else (a name
/// with another letter, a later year) falls back to the HMAC.
struct TokenTable: Sendable {
    private let key: LinkageKey
    /// 2 fields × 27 × 27 bigrams, `bitsPerBigram` positions each.
    private let bigrams: [UInt16]
    /// Years from 1900, then months 1-12, days 1-31 and day-month pairs, `bitsPerDatePart` each.
    private let dates: [UInt16]

    private static let letters = 27
    private static let firstYear = 1900
    private static let years = 201
    private static let monthBase = years
    private static let dayBase = monthBase + 12
    private static let pairBase = dayBase + 31

    init(key: LinkageKey) {
        self.key = key
        var bigrams: [UInt16] = []
        bigrams.reserveCapacity(2 * Self.letters * Self.letters * MatchKeyEncoder.bitsPerBigram)
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz_")
        for field in ["f", "s"] {
            for first in alphabet {
                for second in alphabet {
                    bigrams += MatchKeyEncoder.positions(of: field + String(first) + String(second), count: MatchKeyEncoder.bitsPerBigram, key: key)
                }
            }
        }
        self.bigrams = bigrams
        let tokens =
            (0..<Self.years).map { "y\(Self.firstYear + $0)" } + (1...12).map { "m\($0)" } + (1...31).map { "d\($0)" }
            + (1...12).flatMap { low in (1...31).map { high in "p\(low)-\(high)" } }
        dates = tokens.flatMap { MatchKeyEncoder.positions(of: $0, count: MatchKeyEncoder.bitsPerDatePart, key: key) }
    }

    /// The bigram indexes of a normalised name, or nil when it has a letter outside a-z.
    static func bigramIndexes(_ name: String, field: Int) -> [Int]? {
        var codes = [letters - 1]
        for byte in name.utf8 {
            guard (0x61...0x7A).contains(byte) else { return nil }
            codes.append(Int(byte - 0x61))
        }
        codes.append(letters - 1)
        return (0..<(codes.count - 1)).map { (field * letters + codes[$0]) * letters + codes[$0 + 1] }
    }

    func bigram(_ index: Int) -> ArraySlice<UInt16> {
        let width = MatchKeyEncoder.bitsPerBigram
        return bigrams[(index * width)..<(index * width + width)]
    }

    /// The tokens of a date of birth: its year, month, day, and day and month as an unordered
    /// pair, so a transposed 04/07 still shares that part.
    static func dateTokens(_ date: PartialDate) -> [String] {
        var tokens = ["y\(date.year)"]
        if let month = date.month { tokens.append("m\(month)") }
        if let day = date.day { tokens.append("d\(day)") }
        if let month = date.month, let day = date.day { tokens.append("p\(min(month, day))-\(max(month, day))") }
        return tokens
    }

    /// The positions of each part of a date of birth.
    func dateParts(_ date: PartialDate) -> [ArraySlice<UInt16>] {
        let width = MatchKeyEncoder.bitsPerDatePart
        func slot(_ index: Int) -> ArraySlice<UInt16> { dates[(index * width)..<(index * width + width)] }
        var parts: [ArraySlice<UInt16>] = []
        let yearIndex = date.year - Self.firstYear
        if (0..<Self.years).contains(yearIndex) {
            parts.append(slot(yearIndex))
        } else {
            parts.append(ArraySlice(MatchKeyEncoder.positions(of: "y\(date.year)", count: width, key: key)))
        }
        if let month = date.month { parts.append(slot(Self.monthBase + month - 1)) }
        if let day = date.day { parts.append(slot(Self.dayBase + day - 1)) }
        if let month = date.month, let day = date.day {
            parts.append(slot(Self.pairBase + (min(month, day) - 1) * 31 + max(month, day) - 1))
        }
        return parts
    }
}
