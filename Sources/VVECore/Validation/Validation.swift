/// Where a value sits inside a record, written the way a person would type it:
/// `fields.linkedPeople[2].person.dateOfBirth`.
public struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    /// The dotted path text.
    public let text: String

    /// The path of the document itself.
    public static let root = FieldPath(text: "")

    public init(text: String) {
        self.text = text
    }

    /// The path of a member of the object at this path.
    public func appending(_ key: String) -> FieldPath {
        FieldPath(text: text.isEmpty ? key : "\(text).\(key)")
    }

    /// The path of an element of the array at this path.
    public func appending(index: Int) -> FieldPath {
        FieldPath(text: "\(text)[\(index)]")
    }

    public var description: String { text.isEmpty ? "(document)" : text }
}

/// One broken rule: which field, which value, and what the rule is.
public struct ValidationIssue: Sendable, Hashable, CustomStringConvertible {
    /// The field that is wrong.
    public var path: FieldPath
    /// The offending value as the user wrote it (shortened), or nil when the field is missing.
    public var value: String?
    /// The rule, phrased so that it also says how to fix the value.
    public var rule: String

    public init(path: FieldPath, value: String?, rule: String) {
        self.path = path
        self.value = value
        self.rule = rule
    }

    public var description: String {
        if let value { return "\(path): \(value) \(rule)" }
        return "\(path): \(rule)"
    }

    /// The same issue without the value, for places where case data must not appear (logs, peers).
    public var redactedDescription: String { "\(path): \(rule)" }
}

/// A record, patch or payload that breaks one or more rules. Every issue is reported, not just the first.
public struct ValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Every broken rule, in document order where possible.
    public var issues: [ValidationIssue]

    public init(issues: [ValidationIssue]) {
        self.issues = issues
    }

    public var description: String {
        issues.map(\.description).joined(separator: "\n")
    }
}

/// Gathers issues while a document is read, so that one pass reports all of them.
public struct IssueCollector: Sendable {
    /// The issues found so far.
    public private(set) var issues: [ValidationIssue] = []

    public init() {}

    /// Records a broken rule. `value` is rendered and shortened for the message.
    public mutating func add(_ path: FieldPath, _ value: JSONValue?, _ rule: String) {
        issues.append(ValidationIssue(path: path, value: value.map(Self.render), rule: rule))
    }

    /// Records an issue found by another collector.
    public mutating func add(_ issue: ValidationIssue) {
        issues.append(issue)
    }

    /// Whether nothing has been found.
    public var isEmpty: Bool { issues.isEmpty }

    /// Throws every issue found, if any.
    public func throwIfAny() throws(ValidationError) {
        if !issues.isEmpty { throw ValidationError(issues: issues) }
    }

    /// A value as it appears in an error message: JSON, cut to 60 characters.
    static func render(_ value: JSONValue) -> String {
        let text = JSONWriter.canonical(value)
        return text.count > 60 ? String(text.prefix(57)) + "..." : text
    }
}
