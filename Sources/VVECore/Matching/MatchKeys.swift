import Crypto

/// The region's secret for match keys. Every node of a region holds the same one, so equal
/// people give equal keys anywhere in the region, and nobody without it can compute or test
/// a key. It never crosses the wire and never appears in a log.
public struct LinkageKey: Sendable {
    let key: SymmetricKey
    /// HMAC already keyed: copying it skips the key schedule that every new HMAC repeats,
    /// which was a third of the cost of a fuzzy encoding.
    private let keyed: HMAC<SHA256>

    /// The smallest key accepted: 256 bits.
    public static let minimumBytes = 32

    /// A key from its raw bytes; nil when shorter than 32 bytes.
    public init?(bytes: [UInt8]) {
        guard bytes.count >= Self.minimumBytes else { return nil }
        key = SymmetricKey(data: bytes)
        keyed = HMAC<SHA256>(key: key)
    }

    /// A key written as hex, as `vve linkage-key create` writes it; nil for anything else.
    public init?(hex text: String) {
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
    public var tag: String { Hex.encode(mac("vve-key-tag-v1").prefix(8)) }

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
public struct FuzzyEncoding: Sendable, Hashable {
    /// 2048 bits, 32 words.
    public let words: [UInt64]

    /// Bits in the filter before balancing.
    public static let filterBits = 1024
    /// Bits as stored and sent.
    public static let encodedBits = 2 * filterBits

    public init?(words: [UInt64]) {
        guard words.count == Self.encodedBits / 64 else { return nil }
        self.words = words
    }

    /// The Dice coefficient, 2|A∩B| / (|A| + |B|), from 0 (nothing shared) to 1 (identical).
    public func dice(_ other: FuzzyEncoding) -> Double {
        var shared = 0
        var total = 0
        for index in words.indices {
            shared += (words[index] & other.words[index]).nonzeroBitCount
            total += words[index].nonzeroBitCount + other.words[index].nonzeroBitCount
        }
        return total == 0 ? 0 : 2 * Double(shared) / Double(total)
    }

    /// The encoding as lowercase hex, 512 digits, for JSON.
    public var hex: String {
        Hex.encode(words.flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> (56 - 8 * $0)) } })
    }

    /// Parses `hex`.
    public init?(hex text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == Self.encodedBits / 4 else { return nil }
        var words: [UInt64] = []
        for wordIndex in 0..<(Self.encodedBits / 64) {
            var word: UInt64 = 0
            for digit in bytes[(wordIndex * 16)..<(wordIndex * 16 + 16)] {
                let value: UInt8
                switch digit {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): value = digit - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): value = digit - UInt8(ascii: "a") + 10
                default: return nil
                }
                word = word << 4 | UInt64(value)
            }
            words.append(word)
        }
        self.words = words
    }
}

/// What a peer receives about a person when it may not see who they are: an exact key, when
/// the person's name and full date of birth are known, and the fuzzy encoding.
public struct MatchKeys: Sendable, Hashable {
    /// HMAC-SHA256 of the normalised surname, forename and full date of birth; nil when any
    /// of them is missing, because a key over less would match too many people.
    public var exact: [UInt8]?
    public var fuzzy: FuzzyEncoding

    public init(exact: [UInt8]?, fuzzy: FuzzyEncoding) {
        self.exact = exact
        self.fuzzy = fuzzy
    }

    /// The keys as JSON: `{"exact": HEX?, "fuzzy": HEX}`. Nothing else about the person.
    public var jsonValue: JSONValue {
        .compactObject([("exact", exact.map { .string(Hex.encode($0)) }), ("fuzzy", .string(fuzzy.hex))])
    }
}

/// Makes match keys under the region's linkage key.
public struct MatchKeyEncoder: Sendable {
    /// The region's key the encoder keys with.
    public let key: LinkageKey
    /// The balancing permutation: position `i` of the encoding takes bit `permutation[i]` of
    /// filter-then-complement.
    let permutation: [Int]
    /// Where each bit of filter-then-complement lands in the encoding: the inverse of
    /// `permutation`, so an encoding costs its set filter bits, not a pass over all 2048.
    let target: [Int]
    /// The encoding of an empty filter: every complement bit set.
    let emptyEncoding: [UInt64]

    /// The Dice score from which two encodings are reported as a `possible` match. Chosen
    /// from the table `Tools/match-quality.sh` prints: on balanced encodings scores sit close
    /// to 1, and 0.90 is where precision passes 0.98 while recall is still 1.0 on the
    /// synthetic error mix.
    public static let possibleMatchThreshold = 0.90

    /// Positions each name bigram sets.
    public static let bitsPerBigram = 12
    /// Positions each date-of-birth part sets: more than a bigram, since there are fewer.
    public static let bitsPerDatePart = 20

    public init(key: LinkageKey) {
        self.key = key
        // A Fisher-Yates shuffle driven by the key, so only key holders can undo it.
        var generator = SeededGenerator(seed: key.mac("vve-balance-v1").prefix(8).reduce(0) { $0 << 8 | UInt64($1) })
        var order = Array(0..<FuzzyEncoding.encodedBits)
        order.shuffle(using: &generator)
        permutation = order
        var target = [Int](repeating: 0, count: FuzzyEncoding.encodedBits)
        for (position, source) in order.enumerated() { target[source] = position }
        self.target = target
        var empty = [UInt64](repeating: 0, count: FuzzyEncoding.encodedBits / 64)
        for source in FuzzyEncoding.filterBits..<FuzzyEncoding.encodedBits { empty[target[source] / 64] |= 1 << UInt64(target[source] % 64) }
        emptyEncoding = empty
    }

    /// The exact and fuzzy keys of a person.
    public func keys(for person: Person) -> MatchKeys {
        let forename = person.forenames.map(NameNormaliser.forename) ?? ""
        let surname = person.surname.map(NameNormaliser.surname) ?? ""
        return MatchKeys(exact: exactKey(forename: forename, surname: surname, dateOfBirth: person.dateOfBirth), fuzzy: fuzzy(forename: forename, surname: surname, dateOfBirth: person.dateOfBirth))
    }

    func exactKey(forename: String, surname: String, dateOfBirth: PartialDate?) -> [UInt8]? {
        guard !forename.isEmpty, !surname.isEmpty, let date = dateOfBirth?.calendarDate else { return nil }
        return key.mac("vve-exact-v1|\(surname)|\(forename)|\(date)")
    }

    func fuzzy(forename: String, surname: String, dateOfBirth: PartialDate?) -> FuzzyEncoding {
        var filter = [UInt64](repeating: 0, count: FuzzyEncoding.filterBits / 64)
        func set(_ token: String, positions: Int) {
            let digest = key.mac("vve-fuzzy-v1|" + token)
            // 32 bytes give 16 positions; a second round extends them when more are asked.
            var bytes = digest
            if positions > 16 { bytes += key.mac("vve-fuzzy-v1+|" + token) }
            for index in 0..<positions {
                let position = (Int(bytes[2 * index]) << 8 | Int(bytes[2 * index + 1])) % FuzzyEncoding.filterBits
                filter[position / 64] |= 1 << UInt64(position % 64)
            }
        }
        for (field, name) in [("f", forename), ("s", surname)] where !name.isEmpty {
            let padded = Array("_" + name + "_")
            for index in 0..<(padded.count - 1) {
                set(field + String(padded[index]) + String(padded[index + 1]), positions: Self.bitsPerBigram)
            }
        }
        if let date = dateOfBirth {
            set("y\(date.year)", positions: Self.bitsPerDatePart)
            if let month = date.month { set("m\(month)", positions: Self.bitsPerDatePart) }
            if let day = date.day { set("d\(day)", positions: Self.bitsPerDatePart) }
            // Day and month as an unordered pair: a transposed 04/07 still shares this part.
            if let month = date.month, let day = date.day {
                set("p\(min(month, day))-\(max(month, day))", positions: Self.bitsPerDatePart)
            }
        }
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
