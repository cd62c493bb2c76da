import Crypto

/// One line of `vve record import`: a record as `vve record add` reads it, with a `kind`
/// member, and optionally its `source` reference.
///
/// A line with a source the node already knows is applied to that record as a merge patch of
/// `{reviewDate, status, fields}` (members replace, objects merge, null removes), so what
/// peers and officers wrote to the record and the source does not carry (an
/// acknowledgement, a follow-up) stays. Only a line whose source is new is read as a new
/// record, through `draft(today:)`.
package struct ImportLine: Sendable {
    /// The line's source reference, when it has one.
    package let source: SourceReference?
    /// The kind the line names; nil when it names none or none that exists.
    package let kind: RecordKind?
    /// The line without `source`.
    private let document: JSONValue
    /// The merge patch the line applies to the record its source names: the line without
    /// `kind` and `source`.
    package let patch: JSONValue
    /// SHA-256 over a label and the line's canonical JSON without `source`: equal for a line
    /// met again unchanged, so that an import can tell, without reading the record, that a
    /// record the line left and nobody changed since would not change.
    package let digest: [UInt8]

    /// The line read as a new record, fully validated against `today`.
    package func draft(today: CalendarDate, allowUnusualAges: Bool = false) throws(ValidationError) -> RecordDraft {
        try RecordDraft.read(from: document, kind: nil, today: today, allowUnusualAges: allowUnusualAges)
    }

    /// Reads a line's shape: an object, with a valid source if it has one. Its fields are
    /// checked by `draft(today:)` for a new record, or against the record its source names:
    /// a line met again unchanged (the same `digest`) was checked when it was applied.
    package static func read(_ value: JSONValue) throws(ValidationError) -> ImportLine {
        var issues = IssueCollector()
        guard var members = value.objectValue else {
            issues.add(.root, value, "is \(value.typeName); expected an object: one record per line")
            throw ValidationError(issues: issues.issues)
        }
        var source: SourceReference?
        if let raw = members.removeValue(forKey: "source"), raw != .null {
            source = SourceReference.read(from: raw, at: FieldPath.root.appending("source"), issues: &issues)
            guard source != nil else { throw ValidationError(issues: issues.issues) }
        }
        let document = JSONValue.object(members)
        var patch = members
        let kind = patch.removeValue(forKey: "kind")?.stringValue.flatMap(RecordKind.init(rawValue:))
        var hash = SHA256()
        hash.update(data: Array("vve import line\u{0}".utf8))
        hash.update(data: JSONWriter.canonicalBytes(document))
        return ImportLine(source: source, kind: kind, document: document, patch: .object(patch), digest: Array(hash.finalize()))
    }
}
