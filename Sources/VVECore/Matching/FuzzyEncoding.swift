/// A keyed Bloom-filter encoding of a person (CLK-style), in three parts balanced against
/// frequency attacks: the forename, the surname and the date of birth.
///
/// Each part is a filter of its own. Each token (a bigram of a name, a part of the date of
/// birth) sets `k` positions of its part's filter, derived from HMAC-SHA256 of the token under
/// the linkage key. Each filter is then *balanced*: concatenated with its complement and
/// shuffled by a permutation derived from the key, so every part has exactly half its bits
/// set. An observer of many encodings then cannot tell frequent bigrams by how many positions
/// are set, which plain Bloom-filter encodings give away.
///
/// The two name parts use the same token positions and the same permutation, so a forename
/// part can be compared with a surname part: names recorded in the other order are found by
/// exchanging the query's name parts. On balanced parts, Dice equals the share of positions
/// that agree, and the Dice of the whole encoding is the mean of the parts' weighted by size.
package struct FuzzyEncoding: Sendable, Hashable {
    /// 2048 bits, 32 words.
    package let words: [UInt64]

    /// Bits as stored and sent: the three parts, back to back.
    package static let encodedBits = 2048

    /// The parts of an encoding, each a balanced filter of its own, in the order they are laid out.
    package enum Part: Int, Sendable, CaseIterable {
        case forename, surname, dateOfBirth

        /// The words of the encoding the part takes.
        package var words: Range<Int> {
            switch self {
            case .forename: 0..<12
            case .surname: 12..<24
            case .dateOfBirth: 24..<32
            }
        }

        /// Bits of the part as stored: its filter and the filter's complement.
        package var encodedBits: Int { words.count * 64 }
        /// Bits of the part's filter before balancing.
        package var filterBits: Int { encodedBits / 2 }
        /// The part's first bit in the encoding.
        package var firstBit: Int { words.lowerBound * 64 }
    }

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

    /// Whether every part has exactly half its bits set, as every encoding vve makes has.
    package var isBalanced: Bool {
        Part.allCases.allSatisfy { part in words[part.words].reduce(0) { $0 + $1.nonzeroBitCount } == part.filterBits }
    }

    /// The encoding with its forename and surname parts exchanged: the encoding of the same
    /// person with the names recorded the other way round.
    package var namesExchanged: FuzzyEncoding {
        var exchanged = words
        exchanged.replaceSubrange(Part.forename.words, with: words[Part.surname.words])
        exchanged.replaceSubrange(Part.surname.words, with: words[Part.forename.words])
        return FuzzyEncoding(words: exchanged)!
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
