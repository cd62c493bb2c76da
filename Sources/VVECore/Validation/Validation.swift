/// Where a value sits inside a record, written the way a person would type it:
/// `fields.linkedPeople[2].person.dateOfBirth`.
package struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    /// The path as its steps, spelled out only when asked: a path is made for every member
    /// read, and is needed only for the few that break a rule.
    private indirect enum Step: Sendable {
        case root
        case text(String)
        case member(Step, String)
        case index(Step, Int)
    }

    private let step: Step

    private init(step: Step) {
        self.step = step
    }

    /// The path of the document itself.
    package static let root = FieldPath(step: .root)

    package init(text: String) {
        step = text.isEmpty ? .root : .text(text)
    }

    /// The dotted path text.
    package var text: String { Self.text(of: step) }

    private static func text(of step: Step) -> String {
        switch step {
        case .root: ""
        case .text(let text): text
        case .member(.root, let key): key
        case .member(let parent, let key): text(of: parent) + "." + key
        case .index(let parent, let index): text(of: parent) + "[\(index)]"
        }
    }

    /// The path of a member of the object at this path.
    package func appending(_ key: String) -> FieldPath {
        FieldPath(step: .member(step, key))
    }

    /// The path of an element of the array at this path.
    package func appending(index: Int) -> FieldPath {
        FieldPath(step: .index(step, index))
    }

    package static func == (lhs: FieldPath, rhs: FieldPath) -> Bool { lhs.text == rhs.text }
    package func hash(into hasher: inout Hasher) { hasher.combine(text) }

    package var description: String { text.isEmpty ? "(document)" : text }
}

/// One broken rule: which field, which value, and what the rule is.
package struct ValidationIssue: Sendable, Hashable, CustomStringConvertible {
    /// The field that is wrong.
    package var path: FieldPath
    /// The offending value as the user wrote it (shortened), or nil when the field is missing.
    package var value: String?
    /// The rule, phrased so that it also says how to fix the value.
    package var rule: String

    package init(path: FieldPath, value: String?, rule: String) {
        self.path = path
        self.value = value
        self.rule = rule
    }

    package var description: String {
        if let value { return "\(path): \(value) \(rule)" }
        return "\(path): \(rule)"
    }

    /// The same issue without the value, for places where case data must not appear (logs, peers).
    package var redactedDescription: String { "\(path): \(rule)" }
}

/// A record, patch or payload that breaks one or more rules. Every issue is reported, not just the first.
package struct ValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Every broken rule, in document order where possible.
    package var issues: [ValidationIssue]

    package init(issues: [ValidationIssue]) {
        self.issues = issues
    }

    package var description: String {
        issues.map(\.description).joined(separator: "\n")
    }
}

/// Gathers issues while a document is read, so that one pass reports all of them.
package struct IssueCollector: Sendable {
    /// The issues found so far.
    package private(set) var issues: [ValidationIssue] = []

    package init() {}

    /// Records a broken rule. `value` is rendered and shortened for the message.
    package mutating func add(_ path: FieldPath, _ value: JSONValue?, _ rule: String) {
        issues.append(ValidationIssue(path: path, value: value.map(Self.render), rule: rule))
    }

    /// Records an issue found by another collector.
    package mutating func add(_ issue: ValidationIssue) {
        issues.append(issue)
    }

    /// Whether nothing has been found.
    package var isEmpty: Bool { issues.isEmpty }

    /// Throws every issue found, if any.
    package func throwIfAny() throws(ValidationError) {
        if !issues.isEmpty { throw ValidationError(issues: issues) }
    }

    /// A value as it appears in an error message: JSON, cut to 60 characters.
    static func render(_ value: JSONValue) -> String {
        let text = JSONWriter.canonical(value)
        return text.count > 60 ? String(text.prefix(57)) + "..." : text
    }
}
