/// The person responsible for an operation, as the audit log names them (`j.okafor`, `PC 4471 Hale`).
package struct OperatorName: Sendable, Hashable, CustomStringConvertible {
    /// The name as given, trimmed.
    package let rawValue: String

    /// Accepts 2 to 64 printable characters.
    package init(_ text: String) throws(ValidationError) {
        let trimmed = text.trimmingWhitespace()
        let path = FieldPath(text: "operator")
        guard (2...64).contains(trimmed.count),
            !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw ValidationError(issues: [
                ValidationIssue(path: path, value: "\"\(text)\"", rule: "must be 2-64 printable characters naming the person, such as j.okafor")
            ])
        }
        rawValue = trimmed
    }

    package var description: String { rawValue }
}

/// Why an operation is done, recorded in the audit log. Erasure, export and lookups need one.
package struct Justification: Sendable, Hashable, CustomStringConvertible {
    /// The reason as given, trimmed.
    package let text: String

    /// The fewest words a reason may have: enough to say why, not just "test".
    package static let minimumWords = 3

    /// Accepts a reason of at least three words and at most 500 characters. `field` names the
    /// option in error messages (`reason`).
    package init(_ raw: String, field: String = "reason") throws(ValidationError) {
        let trimmed = raw.trimmingWhitespace()
        let words = trimmed.split(whereSeparator: { $0.isWhitespace }).count
        let path = FieldPath(text: field)
        if words < Self.minimumWords || trimmed.count < 10 {
            throw ValidationError(issues: [
                ValidationIssue(
                    path: path, value: "\"\(trimmed)\"",
                    rule: "is too short: say why in at least \(Self.minimumWords) words, such as \"retention period ended, case closed\"")
            ])
        }
        if trimmed.count > 500 || trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw ValidationError(issues: [
                ValidationIssue(path: path, value: nil, rule: "must be one line of at most 500 characters")
            ])
        }
        text = trimmed
    }

    package var description: String { text }
}
