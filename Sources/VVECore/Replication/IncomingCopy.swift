/// A copy as it arrives from its owner, checked as `SharedCopy.receive` checks it, with what
/// a holder needs to store it. A copy sent implicit, as fields and one version (most of a
/// first sync), is kept as it was read: its stored form is written straight from it, and its
/// registers are built only when a copy is already held and the two must merge.
package struct IncomingCopy: Sendable {
    private let parts: SharedCopy.Parts

    /// The copy's stored form: `SharedCopy.storedBytes` of the copy received.
    package let storedBytes: [UInt8]

    /// Whether a register holds concurrent writes, whose conflicts a holder indexes.
    package let isConflicted: Bool

    /// The record's id.
    package var id: RecordID {
        switch parts.body {
        case .implicit(let implicit): implicit.id
        case .registers(let replica): replica.id
        }
    }

    /// The record's owner, the only node a copy may come from.
    package var owner: AuthorityName {
        switch parts.body {
        case .implicit(let implicit): implicit.owner
        case .registers(let replica): replica.owner
        }
    }

    /// The record's kind.
    package var kind: RecordKind { parts.kind }

    /// The groups the copy holds.
    package var groups: Set<String> { parts.groups }

    /// When the copy must be reviewed.
    package var reviewDate: CalendarDate { parts.reviewDate }

    /// The copy with its registers, as `SharedCopy.receive` reads it.
    package var sharedCopy: SharedCopy { parts.copy }

    /// Reads and checks a copy as its owner sent it: it is refused exactly when
    /// `SharedCopy.receive` refuses it, with the same issues, and `sharedCopy` and
    /// `storedBytes` are what that copy and its `storedBytes` would be.
    package static func receive(_ document: JSONValue) throws(ValidationError) -> IncomingCopy {
        let parts = try SharedCopy.readParts(from: document)
        if case .implicit(let implicit) = parts.body, implicit.isStoredAsSent {
            let issues = SharedCopy.implicitValueIssues(implicit, kind: parts.kind)
            guard issues.isEmpty else { throw ValidationError(issues: issues) }
            let bytes = SharedCopy.implicitBytes(
                implicit, kind: parts.kind, groups: parts.groups, reviewDate: parts.reviewDate, writable: parts.writable)
            return IncomingCopy(parts: parts, storedBytes: bytes, isConflicted: false)
        }
        let copy = parts.copy
        let issues = copy.valueIssues()
        guard issues.isEmpty else { throw ValidationError(issues: issues) }
        return IncomingCopy(parts: parts, storedBytes: copy.storedBytes, isConflicted: copy.replica.registers.values.contains(where: \.isConflicted))
    }
}

extension SharedCopy.ImplicitReplica {
    /// Whether the copy is stored as it was sent, as fields and one version: when it has a
    /// field or a status, and no null among them (`SharedCopy.implicitVersion`).
    var isStoredAsSent: Bool {
        guard !fields.isEmpty || status != nil else { return false }
        return status != JSONValue.null && !fields.contains { $0.value == .null }
    }
}
