/// A value that writes its own canonical JSON, byte for byte what
/// `JSONWriter.canonicalBytes(jsonValue)` gives, without building the `JSONValue` tree.
/// Stored documents are written this way: a bulk import encodes one per record.
package protocol CanonicalJSONWritable {
    /// Appends the canonical JSON of this value.
    func writeCanonical(to writer: inout CanonicalJSONWriter)
}

/// Appends canonical JSON: compact, object members in byte order of their names, absent
/// optionals and empty arrays left out (as `JSONValue.compactObject` does).
///
/// Callers write an object's members in sorted name order themselves; a test compares every
/// writer with the `jsonValue` it stands for, over generated records of every kind.
package struct CanonicalJSONWriter {
    /// The JSON written so far.
    package private(set) var bytes: [UInt8] = []

    package init(capacity: Int = 512) {
        bytes.reserveCapacity(capacity)
    }

    /// Writes a whole value.
    package static func bytes(of value: some CanonicalJSONWritable, capacity: Int = 512) -> [UInt8] {
        var writer = CanonicalJSONWriter(capacity: capacity)
        value.writeCanonical(to: &writer)
        return writer.bytes
    }

    /// Writes an object whose members `body` writes, in name order.
    package mutating func object(_ body: (inout CanonicalJSONWriter) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        body(&self)
        bytes.append(UInt8(ascii: "}"))
    }

    /// Writes a member name, preceded by a comma unless it is the object's first.
    /// Names are ASCII identifiers, which need no escaping.
    package mutating func key(_ name: StaticString) {
        if bytes.last != UInt8(ascii: "{") { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
    }

    /// Writes a member name known only at run time, escaped as any string.
    package mutating func key(text name: String) {
        if bytes.last != UInt8(ascii: "{") { bytes.append(UInt8(ascii: ",")) }
        string(name)
        bytes.append(UInt8(ascii: ":"))
    }

    /// Writes a string value.
    package mutating func string(_ text: String) {
        JSONWriter.writeString(text, into: &bytes)
    }

    /// Writes a JSON value as `JSONWriter.canonical` does.
    package mutating func value(_ value: JSONValue) {
        JSONWriter.write(value, into: &bytes, indent: nil, level: 0)
    }

    /// Writes an array of strings, even an empty one.
    package mutating func strings(_ texts: [String]) {
        bytes.append(UInt8(ascii: "["))
        for (position, text) in texts.enumerated() {
            if position > 0 { bytes.append(UInt8(ascii: ",")) }
            string(text)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// Writes bytes as a string of lowercase hex digits, two a byte (`Hex.encode`).
    package mutating func hexString(_ data: [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in data {
            bytes.append(Hex.digits[Int(byte >> 4)])
            bytes.append(Hex.digits[Int(byte & 0x0F)])
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Writes 64-bit words, most significant digit first, as a string of lowercase hex
    /// digits, sixteen a word (`FuzzyEncoding.hex`).
    package mutating func hexString(words: [UInt64]) {
        bytes.append(UInt8(ascii: "\""))
        for word in words {
            for nibble in 0..<16 {
                bytes.append(Hex.digits[Int(truncatingIfNeeded: word >> (60 - 4 * UInt64(nibble)) & 0xF)])
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Writes an integer value.
    package mutating func integer(_ number: some BinaryInteger) {
        bytes.append(contentsOf: String(number).utf8)
    }

    /// A member with a string value.
    package mutating func member(_ name: StaticString, _ text: String) {
        key(name)
        string(text)
    }

    /// A member with a string value, left out when nil.
    package mutating func member(_ name: StaticString, _ text: String?) {
        if let text { member(name, text) }
    }

    /// A member with a boolean value.
    package mutating func member(_ name: StaticString, _ flag: Bool) {
        key(name)
        bytes.append(contentsOf: (flag ? "true" : "false").utf8)
    }

    /// A member with a value, left out when nil.
    package mutating func member(_ name: StaticString, _ value: (some CanonicalJSONWritable)?) {
        guard let value else { return }
        key(name)
        value.writeCanonical(to: &self)
    }

    /// A member with an array of values, left out when empty.
    package mutating func member(_ name: StaticString, _ values: [some CanonicalJSONWritable]) {
        guard !values.isEmpty else { return }
        key(name)
        bytes.append(UInt8(ascii: "["))
        for (position, value) in values.enumerated() {
            if position > 0 { bytes.append(UInt8(ascii: ",")) }
            value.writeCanonical(to: &self)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// A member with an array of strings, left out when empty.
    package mutating func member(_ name: StaticString, strings: [String]) {
        guard !strings.isEmpty else { return }
        key(name)
        self.strings(strings)
    }
}
