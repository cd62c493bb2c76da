/// A typed value that can be read from JSON with full validation, and written back.
package protocol JSONFieldValue: Sendable, Equatable {
    /// Reads and validates a value; on failure it records why in `issues` and returns nil.
    static func read(from value: JSONValue, at path: FieldPath, issues: inout IssueCollector) -> Self?
    /// The value in its canonical JSON form.
    var jsonValue: JSONValue { get }
}

/// A value written in JSON as one string of a fixed form: a date, a name, a phone number.
package protocol JSONStringValue: JSONFieldValue, CustomStringConvertible {
    /// Parses the string form; nil when it is not of the form.
    init?(_ text: String)
    /// What the string looks like, completing "expected ...": `a date as YYYY-MM-DD`.
    static var expectedForm: String { get }
    /// Why a string of the wrong form is refused, with the fix.
    static var formRule: String { get }
}

extension JSONStringValue {
    package static func read(from value: JSONValue, at path: FieldPath, issues: inout IssueCollector) -> Self? {
        guard let text = value.stringValue else {
            issues.add(path, value, "is \(value.typeName); expected \(expectedForm)")
            return nil
        }
        guard let parsed = Self(text) else {
            issues.add(path, value, formRule)
            return nil
        }
        return parsed
    }

    package var jsonValue: JSONValue { .string(description) }
}

/// A closed set of words, written in JSON as one of its raw values.
package protocol JSONEnumeration: JSONFieldValue, CaseIterable, RawRepresentable where RawValue == String {}

extension JSONEnumeration {
    package static func read(from value: JSONValue, at path: FieldPath, issues: inout IssueCollector) -> Self? {
        guard let text = value.stringValue else {
            issues.add(path, value, "is \(value.typeName); expected one of: \(allowedValues)")
            return nil
        }
        guard let parsed = Self(rawValue: text) else {
            issues.add(path, value, "is not one of: \(allowedValues)")
            return nil
        }
        return parsed
    }

    package var jsonValue: JSONValue { .string(rawValue) }

    /// The accepted words, comma separated, for messages and help text.
    package static var allowedValues: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// Size limits for free text, in characters. They keep one record small enough to sync and to read.
package enum TextLimit {
    /// Names of people, places and lines.
    package static let name = 100
    /// Short labels: roles, organisations, references.
    package static let label = 200
    /// A reference another system issued, such as a police force's crime or missing report number.
    package static let reference = 60
    /// Notes and descriptions.
    package static let note = 2000
}

/// Free text as vve accepts it: trimmed, not empty, no control characters, within a limit.
package enum FreeText {
    /// Reads one text value with the given limit.
    package static func read(_ value: JSONValue, at path: FieldPath, limit: Int, issues: inout IssueCollector) -> String? {
        guard let raw = value.stringValue else {
            issues.add(path, value, "is \(value.typeName); expected text")
            return nil
        }
        let text = raw.trimmingWhitespace()
        if text.isEmpty {
            issues.add(path, value, "is empty; give a value or leave the field out")
            return nil
        }
        // Most case text is ASCII: check it byte by byte and count bytes as characters.
        let isASCII = text.utf8.allSatisfy { $0 < 0x80 }
        let hasControl =
            isASCII
            ? text.utf8.contains { $0 < 0x20 || $0 == 0x7F }
            : text.unicodeScalars.contains { $0.properties.generalCategory == .control }
        if hasControl {
            issues.add(path, value, "contains a control character (such as a tab or newline); remove it")
            return nil
        }
        let length = isASCII ? text.utf8.count : text.count
        if length > limit {
            issues.add(path, value, "is \(length) characters long; the limit is \(limit)")
            return nil
        }
        return text
    }
}

extension String {
    /// The string without leading and trailing white space (spaces, tabs, newlines).
    package func trimmingWhitespace() -> String {
        let bytes = utf8
        if let first = bytes.first, let last = bytes.last, first > 0x20, first < 0x80, last > 0x20, last < 0x80 {
            return self
        }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}

/// Reads the members of one JSON object, remembering which ones were used, so that
/// `finish` can report every member that the schema does not know.
package struct ObjectReader {
    /// Where the object sits in the document.
    package let path: FieldPath
    private let members: JSONObject
    /// The members read so far; a handful per object, so an array beats a set.
    private var used: [String] = []

    /// Starts reading `value`, or records an issue and returns nil when it is not an object.
    package init?(_ value: JSONValue, at path: FieldPath, issues: inout IssueCollector) {
        guard let members = value.objectValue else {
            issues.add(path, value, "is \(value.typeName); expected an object")
            return nil
        }
        self.path = path
        self.members = members
    }

    /// The raw member, treating `null` as absent.
    package mutating func raw(_ key: String) -> JSONValue? {
        if !used.contains(key) { used.append(key) }
        guard let value = members[key], value != .null else { return nil }
        return value
    }

    /// A member that must be present.
    package mutating func required<Value: JSONFieldValue>(
        _ key: String, as type: Value.Type = Value.self, hint: @autoclosure () -> String, issues: inout IssueCollector
    ) -> Value? {
        guard let value = raw(key) else {
            issues.add(path.appending(key), nil, "is required: \(hint())")
            return nil
        }
        return Value.read(from: value, at: path.appending(key), issues: &issues)
    }

    /// A member that may be absent or null.
    package mutating func optional<Value: JSONFieldValue>(
        _ key: String, as type: Value.Type = Value.self, issues: inout IssueCollector
    ) -> Value? {
        guard let value = raw(key) else { return nil }
        return Value.read(from: value, at: path.appending(key), issues: &issues)
    }

    /// Required free text.
    package mutating func requiredText(_ key: String, limit: Int, hint: @autoclosure () -> String, issues: inout IssueCollector) -> String? {
        guard let value = raw(key) else {
            issues.add(path.appending(key), nil, "is required: \(hint())")
            return nil
        }
        return FreeText.read(value, at: path.appending(key), limit: limit, issues: &issues)
    }

    /// Optional free text.
    package mutating func optionalText(_ key: String, limit: Int, issues: inout IssueCollector) -> String? {
        guard let value = raw(key) else { return nil }
        return FreeText.read(value, at: path.appending(key), limit: limit, issues: &issues)
    }

    /// A boolean; absent means `defaultValue`.
    package mutating func bool(_ key: String, default defaultValue: Bool, issues: inout IssueCollector) -> Bool {
        guard let value = raw(key) else { return defaultValue }
        guard case .bool(let flag) = value else {
            issues.add(path.appending(key), value, "is \(value.typeName); expected true or false")
            return defaultValue
        }
        return flag
    }

    /// An array of values; absent means empty. Duplicates are dropped, keeping the first.
    package mutating func list<Value: JSONFieldValue>(
        _ key: String, as type: Value.Type = Value.self, minimum: Int = 0, maximum: Int, hint: @autoclosure () -> String = "",
        issues: inout IssueCollector
    ) -> [Value] {
        readList(key, minimum: minimum, maximum: maximum, hint: hint(), issues: &issues) { element, elementPath, issues in
            Value.read(from: element, at: elementPath, issues: &issues)
        }
    }

    /// An array of free text; absent means empty. Duplicates are dropped, keeping the first.
    package mutating func textList(
        _ key: String, limit: Int, minimum: Int = 0, maximum: Int, hint: @autoclosure () -> String = "", issues: inout IssueCollector
    ) -> [String] {
        readList(key, minimum: minimum, maximum: maximum, hint: hint(), issues: &issues) { element, elementPath, issues in
            FreeText.read(element, at: elementPath, limit: limit, issues: &issues)
        }
    }

    private mutating func readList<Value: Equatable>(
        _ key: String, minimum: Int, maximum: Int, hint: @autoclosure () -> String, issues: inout IssueCollector,
        element read: (JSONValue, FieldPath, inout IssueCollector) -> Value?
    ) -> [Value] {
        let listPath = path.appending(key)
        guard let value = raw(key) else {
            if minimum > 0 { issues.add(listPath, nil, "is required: \(hint())") }
            return []
        }
        guard let elements = value.arrayValue else {
            issues.add(listPath, value, "is \(value.typeName); expected an array")
            return []
        }
        if elements.count > maximum {
            issues.add(listPath, nil, "has \(elements.count) entries; the limit is \(maximum)")
            return []
        }
        if elements.count < minimum {
            issues.add(listPath, value, "needs at least \(minimum) \(minimum == 1 ? "entry" : "entries"): \(hint())")
        }
        var result: [Value] = []
        for (index, element) in elements.enumerated() {
            if let parsed = read(element, listPath.appending(index: index), &issues), !result.contains(parsed) {
                result.append(parsed)
            }
        }
        return result
    }

    /// Reports every member that was never read: a typo or a field that this kind does not have.
    package func finish(issues: inout IssueCollector) {
        guard members.contains(where: { !used.contains($0.key) }) else { return }
        let unknown = members.keys.filter { !used.contains($0) }
        let expected = used.sorted().joined(separator: ", ")
        for key in unknown {
            issues.add(path.appending(key), nil, "is not a known field here; known fields are: \(expected)")
        }
    }
}

extension JSONValue {
    /// Builds an object from optional members, leaving out the nil ones and empty arrays.
    package static func compactObject(_ members: [(String, JSONValue?)]) -> JSONValue {
        .object(
            JSONObject(
                members.compactMap { key, value in
                    guard let value else { return nil }
                    if case .array(let elements) = value, elements.isEmpty { return nil }
                    return (key, value)
                }))
    }
}
