#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// People's match keys taken out of a batch's JSON, to travel as bytes beside it.
///
/// A batch of relocations is almost half match keys by size, written as hex: random digits
/// that gzip can only halve, at most of its compression time (docs/benchmarks.md). As bytes,
/// the same keys are half the size of their hex and cost nothing more to send, since no
/// compressor can make random bytes smaller.
///
/// `split` takes out the hex of every `"exact":"…"` (64 digits) and `"fuzzy":"…"` (512
/// digits) member, leaving `"exact":""` and `"fuzzy":""`, and appends the bytes the digits
/// spell, in order; `join` puts them back. Only lowercase hex of exactly those lengths is
/// taken, as vve's canonical writer writes match keys; anything else is left as it is. In
/// canonical JSON a quote inside a string is always escaped, so a member's name can never
/// be matched inside a string's text. A batch that already holds an empty `exact` or
/// `fuzzy` cannot be split, since `join` would fill it: vve never writes one, as match keys
/// always have their full length.
package enum SplitMatchKeys {
    /// The member names whose hex values are taken out, with the digits each holds.
    static let members: [(opening: [UInt8], digits: Int)] = [
        (Array(#""exact":""#.utf8), 64),
        (Array(#""fuzzy":""#.utf8), 512),
    ]

    /// Input that cannot be split: it holds an empty `exact` or `fuzzy` member already.
    package struct Unsplittable: Error, CustomStringConvertible {
        package var description: String { "the batch holds an empty \"exact\" or \"fuzzy\" member, which joining would fill" }
    }

    /// Split keys that do not join: more or fewer key bytes than the JSON has places for.
    package struct Mismatched: Error, CustomStringConvertible {
        /// The key bytes the JSON's empty members have room for.
        package let places: Int
        /// The key bytes that came.
        package let keyBytes: Int
        package var description: String { "the JSON has places for \(places) key bytes, and \(keyBytes) came with it" }
    }

    /// `json` with its match keys' hex taken out; their bytes are appended to `keys`.
    package static func split(_ json: [UInt8], keys: inout [UInt8]) throws(Unsplittable) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(json.count)
        var start = 0
        var finder = Finder()
        while let (position, member) = finder.nextMember(in: json, from: start) {
            let (opening, digits) = members[member]
            let valueStart = position + opening.count
            // An empty value here is what a split one looks like: joining would fill it.
            if valueStart < json.count, json[valueStart] == UInt8(ascii: "\"") { throw Unsplittable() }
            let valueEnd = valueStart + digits
            guard valueEnd < json.count, json[valueEnd] == UInt8(ascii: "\""), appendBytes(ofHex: json[valueStart..<valueEnd], to: &keys) else {
                // Not a match key as vve writes one: left in the JSON as it is.
                output.append(contentsOf: json[start..<valueStart])
                start = valueStart
                continue
            }
            output.append(contentsOf: json[start..<valueStart])
            start = valueEnd
        }
        output.append(contentsOf: json[start...])
        return output
    }

    /// `split`'s JSON with the key bytes put back as hex, in order.
    package static func join(_ json: [UInt8], keys: ArraySlice<UInt8>) throws(Mismatched) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(json.count + 2 * keys.count)
        var start = 0
        var next = keys.startIndex
        var places = 0
        var finder = Finder()
        while let (position, member) = finder.nextMember(in: json, from: start) {
            let (opening, digits) = members[member]
            let valueStart = position + opening.count
            output.append(contentsOf: json[start..<valueStart])
            start = valueStart
            // Only an empty value is a place for key bytes; any other was never split.
            guard valueStart < json.count, json[valueStart] == UInt8(ascii: "\"") else { continue }
            places += digits / 2
            guard next + digits / 2 <= keys.endIndex else { continue }
            for byte in keys[next..<next + digits / 2] {
                output.append(Hex.digits[Int(byte >> 4)])
                output.append(Hex.digits[Int(byte & 0x0F)])
            }
            next += digits / 2
        }
        output.append(contentsOf: json[start...])
        guard places == keys.count else { throw Mismatched(places: places, keyBytes: keys.count) }
        return output
    }

    /// Finds the members to split in one pass: each member's next occurrence is looked for
    /// only once the one before it has been passed, so no stretch is searched twice.
    private struct Finder {
        /// Each member's next occurrence found so far; nil when none is left.
        private var next: [Int?] = Array(repeating: nil, count: members.count)
        private var looked = Array(repeating: false, count: members.count)

        /// Where the next `"exact":"` or `"fuzzy":"` begins at or after `start`, and which.
        mutating func nextMember(in json: [UInt8], from start: Int) -> (position: Int, member: Int)? {
            var nearest: (position: Int, member: Int)?
            for index in members.indices {
                // Looked for again only when never looked for, or when the occurrence found
                // last time lies before `start`.
                if !looked[index] || (next[index].map { $0 < start } ?? false) {
                    next[index] = Self.search(members[index].opening, in: json, from: start)
                    looked[index] = true
                }
                if let position = next[index], nearest == nil || position < nearest!.position { nearest = (position, index) }
            }
            return nearest
        }

        /// The next occurrence of `needle` at or after `start`: memchr finds its rarest byte
        /// (the `x` of exact, the `z` of fuzzy), and the rest is compared around it.
        private static func search(_ needle: [UInt8], in json: [UInt8], from start: Int) -> Int? {
            let anchor = needle.firstIndex { $0 == UInt8(ascii: "x") || $0 == UInt8(ascii: "z") } ?? 0
            return json.withUnsafeBufferPointer { buffer -> Int? in
                guard let base = buffer.baseAddress else { return nil }
                var from = start + anchor
                while from < buffer.count, let found = memchr(base + from, Int32(needle[anchor]), buffer.count - from) {
                    let at = UnsafeRawPointer(found) - UnsafeRawPointer(base)
                    let position = at - anchor
                    if position + needle.count <= buffer.count, memcmp(base + position, needle, needle.count) == 0 { return position }
                    from = at + 1
                }
                return nil
            }
        }
    }

    /// Appends the bytes `hex` spells; false, appending nothing, unless it is all lowercase hex.
    private static func appendBytes(ofHex hex: ArraySlice<UInt8>, to bytes: inout [UInt8]) -> Bool {
        let count = hex.count / 2
        let before = bytes.count
        var valid = true
        hex.withUnsafeBufferPointer { digits in
            bytes.append(contentsOf: repeatElement(0, count: count))
            bytes.withUnsafeMutableBufferPointer { output in
                var invalid: UInt8 = 0
                for index in 0..<count {
                    let high = Hex.nibbles[Int(digits[2 * index])]
                    let low = Hex.nibbles[Int(digits[2 * index + 1])]
                    invalid |= (high | low) & 0xF0
                    output[before + index] = high << 4 | low & 0x0F
                }
                valid = invalid == 0
            }
        }
        if !valid { bytes.removeSubrange(before...) }
        return valid
    }
}
