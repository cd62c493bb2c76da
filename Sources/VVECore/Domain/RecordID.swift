import Crypto

/// A record's identity: a UUID, version 7 when vve makes it, bound to the node that made it.
///
/// Version 7 puts the creation time in the leading bits, so new ids sort after old ones and
/// inserts land at the end of the primary-key index instead of at random pages.
///
/// The last 32 bits are the owner's tag: a hash of the owner's name and the other 96 bits.
/// Ids are visible to every peer (a lookup returns them as references), so a hostile node
/// could otherwise send a copy of another owner's record under its own name, and the node
/// holding it would take it for the real one. A copy whose id is not bound to its sender
/// is refused (`isMade(by:)`). Neither the id nor the sender's name can be chosen by the
/// attacker, so the one chance it has of a match is 1 in 2^32 per record it targets.
package struct RecordID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The sixteen bytes of the UUID.
    package let bytes: [UInt8]

    /// Parses the hyphenated UUID form, in either case.
    package init?(_ text: String) {
        let hex = Array(text.utf8)
        guard hex.count == 36, [8, 13, 18, 23].allSatisfy({ hex[$0] == UInt8(ascii: "-") }) else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        var position = 0
        while position < 36 {
            if hex[position] == UInt8(ascii: "-") {
                position += 1
                continue
            }
            guard let high = Self.nibble(hex[position]), let low = Self.nibble(hex[position + 1]) else { return nil }
            bytes.append(high << 4 | low)
            position += 2
        }
        self.bytes = bytes
    }

    /// The ids one operation can make in order within one millisecond: `make`'s sequence.
    package static let sequenceLimit = 1 << 22

    /// A new version 7 id for the `sequence`-th record `owner` makes at `time` in one
    /// operation, with random bits from `generator`.
    ///
    /// The sequence fills the 22 bits after the timestamp (RFC 9562, section 6.2, method 1),
    /// so the ids an import makes in one millisecond sort in the order it made them: they land
    /// side by side at the end of every index keyed by record id, at this node and at every
    /// node that holds a copy, instead of each on a random page. A batch of random ids
    /// rewrites most of an index's pages at every commit. Then come 20 random bits, so two
    /// operations that make ids in the same millisecond do not collide, and the owner's 32-bit
    /// tag. A sequence past `sequenceLimit` wraps: such ids are still unique, no longer in
    /// order.
    package static func make(
        at time: Timestamp, sequence: Int = 0, owner: AuthorityName, using generator: inout some RandomNumberGenerator
    ) -> RecordID {
        var bytes = [UInt8](repeating: 0, count: 16)
        let millis = UInt64(max(0, time.millisecondsSinceEpoch))
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: millis >> (8 * (5 - index))) }
        let counter = UInt64(truncatingIfNeeded: sequence) & UInt64(sequenceLimit - 1)
        let random = generator.next() as UInt64
        // Version 7 (4 bits), the sequence (22 bits, split by the 2 variant bits), 20 random
        // bits, then the tag.
        bytes[6] = 0x70 | UInt8(truncatingIfNeeded: counter >> 18)
        bytes[7] = UInt8(truncatingIfNeeded: counter >> 10)
        bytes[8] = 0x80 | UInt8(truncatingIfNeeded: counter >> 4) & 0x3F
        bytes[9] = UInt8(truncatingIfNeeded: counter << 4) | UInt8(truncatingIfNeeded: random) & 0x0F
        bytes[10] = UInt8(truncatingIfNeeded: random >> 8)
        bytes[11] = UInt8(truncatingIfNeeded: random >> 16)
        bytes.replaceSubrange(12..<16, with: tag(of: bytes[0..<12], owner: owner))
        return RecordID(validatedBytes: bytes)
    }

    /// Whether `owner` made this id: its last 32 bits are `owner`'s tag of the others.
    package func isMade(by owner: AuthorityName) -> Bool {
        bytes[12..<16].elementsEqual(Self.tag(of: bytes[0..<12], owner: owner))
    }

    private static func tag(of leading: ArraySlice<UInt8>, owner: AuthorityName) -> [UInt8] {
        var hash = SHA256()
        hash.update(data: Array("vve record id\u{0}".utf8))
        hash.update(data: Array(owner.rawValue.utf8))
        hash.update(data: [0])
        hash.update(data: Array(leading))
        return Array(hash.finalize().prefix(4))
    }

    private init(validatedBytes: [UInt8]) {
        self.bytes = validatedBytes
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The lowercase hyphenated form.
    package var description: String {
        String(unsafeUninitializedCapacity: 36) { buffer in
            var position = 0
            for (index, byte) in bytes.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    buffer[position] = UInt8(ascii: "-")
                    position += 1
                }
                buffer[position] = Hex.digits[Int(byte >> 4)]
                buffer[position + 1] = Hex.digits[Int(byte & 0x0F)]
                position += 2
            }
            return position
        }
    }

    package static func < (lhs: RecordID, rhs: RecordID) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }
}

extension RecordID: JSONStringValue {
    package static let expectedForm = "a record id (a UUID)"
    package static let formRule = "is not a record id; expected a UUID such as 0193a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b"
}

/// Lowercase hexadecimal. `String(format:)` is slow on Linux, and fingerprints and hashes are
/// written often.
package enum Hex {
    static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// The bytes as lowercase hex, two digits a byte.
    package static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let bytes = Array(bytes)
        return String(unsafeUninitializedCapacity: bytes.count * 2) { output in
            for (index, byte) in bytes.enumerated() {
                output[2 * index] = digits[Int(byte >> 4)]
                output[2 * index + 1] = digits[Int(byte & 0x0F)]
            }
            return bytes.count * 2
        }
    }

    /// The bytes of lowercase hex; nil for an odd length or any other character.
    package static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        for index in stride(from: 0, to: utf8.count, by: 2) {
            let high = nibbles[Int(utf8[index])], low = nibbles[Int(utf8[index + 1])]
            guard (high | low) & 0xF0 == 0 else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    /// Each byte's value as a lowercase hex digit, or 0xFF for any other byte.
    static let nibbles: [UInt8] = (0..<256).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt8(byte) - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt8(byte) - UInt8(ascii: "a") + 10
        default: 0xFF
        }
    }
}
