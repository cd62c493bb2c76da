/// A JSON document as plain values.
///
/// vve parses and writes JSON itself instead of going through `Codable`, because it needs
/// three things `JSONDecoder` does not give: duplicate keys refused, unknown fields
/// reported by path, and one canonical byte encoding for hashing and convergence.
package enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// An integer literal that fits in 64 bits.
    case integer(Int64)
    /// Any other number literal.
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The object's members, or nil for any other value.
    package var objectValue: JSONObject? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The string, or nil for any other value.
    package var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    package var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The array's elements, or nil for any other value.
    package var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The JSON type's name, as used in error messages ("expected a string, found an array").
    package var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .integer, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// Looks up a member of an object; nil when absent or when this is not an object.
    package subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    package init(stringLiteral value: String) { self = .string(value) }
    package init(integerLiteral value: Int64) { self = .integer(value) }
    package init(booleanLiteral value: Bool) { self = .bool(value) }
    package init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    package init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements))
    }
    package init(nilLiteral: ()) { self = .null }
}

extension JSONValue {
    /// Applies an RFC 7396 JSON merge patch: objects merge member by member, `null` removes
    /// a member, and any other value replaces the target whole.
    package func merging(patch: JSONValue) -> JSONValue {
        guard case .object(let patchMembers) = patch else { return patch }
        var members = objectValue ?? JSONObject()
        for (key, value) in patchMembers {
            if value == .null {
                members.removeValue(forKey: key)
            } else {
                members[key] = (members[key] ?? .null).merging(patch: value)
            }
        }
        return .object(members)
    }
}
