/// One keyed token in an aggregate answer (a person's in `known-in-several-areas`, a deal
/// line's in `county-lines`): 128 bits, on the wire as 32 lowercase hex digits. Two integers
/// rather than text, because an asking node counts hundreds of thousands of them, and
/// hashing and ordering two words is what keeps that fast; their order is the order of the
/// hex text.
package struct KeyedToken: Sendable, Hashable, Comparable {
    /// Hex digits on the wire: 128 bits, so random padding never meets a real token.
    package static let hexLength = 32

    package let high: UInt64
    package let low: UInt64

    package init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The token of the first 16 bytes of a keyed hash, read big-endian.
    package init(hash: UnsafeRawBufferPointer) {
        var words: (UInt64, UInt64) = (0, 0)
        for (index, byte) in hash.prefix(16).enumerated() {
            if index < 8 { words.0 = words.0 << 8 | UInt64(byte) } else { words.1 = words.1 << 8 | UInt64(byte) }
        }
        self.init(high: words.0, low: words.1)
    }

    /// A token read from exactly 32 lowercase hex digits; nil for anything else.
    package init?(hex text: String) {
        var words: (UInt64, UInt64) = (0, 0)
        var count = 0
        for digit in text.utf8 {
            let nibble: UInt8
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = digit - UInt8(ascii: "a") + 10
            default: return nil
            }
            guard count < Self.hexLength else { return nil }
            if count < 16 { words.0 = words.0 << 4 | UInt64(nibble) } else { words.1 = words.1 << 4 | UInt64(nibble) }
            count += 1
        }
        guard count == Self.hexLength else { return nil }
        self.init(high: words.0, low: words.1)
    }

    /// A token that matches nothing: padding.
    package static func random(using generator: inout some RandomNumberGenerator) -> KeyedToken {
        KeyedToken(high: generator.next(), low: generator.next())
    }

    package var hex: String {
        Hex.encode((0..<16).map { index in UInt8(truncatingIfNeeded: (index < 8 ? high : low) >> (56 - 8 * (index % 8))) })
    }

    package static func < (left: KeyedToken, right: KeyedToken) -> Bool {
        (left.high, left.low) < (right.high, right.low)
    }
}
