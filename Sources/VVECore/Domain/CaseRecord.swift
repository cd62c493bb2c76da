/// What a record holds: its fields, or nothing but the fact and time of its erasure.
package enum RecordContent: Sendable, Hashable {
    case fields(RecordFields)
    /// A tombstone: the body is gone, the id and envelope remain so erasure can propagate.
    case erased(at: Timestamp)
}

/// A record with its common envelope: identity, owner (the data controller), times, review
/// date, status and version vector.
package struct CaseRecord: Sendable, Hashable {
    package var id: RecordID
    package var kind: RecordKind
    /// The node that created the record; its authority is the data controller.
    package var owner: AuthorityName
    package var createdAt: Timestamp
    package var updatedAt: Timestamp
    /// When the record must be reviewed, or erased everywhere it was shared.
    package var reviewDate: CalendarDate
    package var status: RecordStatus
    package var version: VersionVector
    package var content: RecordContent

    package init(
        id: RecordID, kind: RecordKind, owner: AuthorityName, createdAt: Timestamp, updatedAt: Timestamp,
        reviewDate: CalendarDate, status: RecordStatus, version: VersionVector, content: RecordContent
    ) {
        self.id = id
        self.kind = kind
        self.owner = owner
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.reviewDate = reviewDate
        self.status = status
        self.version = version
        self.content = content
    }

    /// A new record made from a validated draft by `node`, at version `{node: 1}`.
    package init(draft: RecordDraft, id: RecordID, node: AuthorityName, at time: Timestamp) {
        self.init(
            id: id, kind: draft.kind, owner: node, createdAt: time, updatedAt: time, reviewDate: draft.reviewDate,
            status: draft.status, version: VersionVector.empty.incremented(by: node), content: .fields(draft.fields))
    }

    /// The fields, or nil for a tombstone.
    package var fields: RecordFields? {
        if case .fields(let fields) = content { return fields }
        return nil
    }

    /// Whether the record has been erased.
    package var isErased: Bool { fields == nil }

    /// The user-editable part (`reviewDate`, `status`, `fields`), the document a patch applies to.
    package var editableJSON: JSONValue {
        .compactObject([
            ("reviewDate", reviewDate.jsonValue),
            ("status", status.jsonValue),
            ("fields", fields?.jsonValue),
        ])
    }

    /// This record after a local edit by `node`; nil when the draft changes nothing.
    package func updated(with draft: RecordDraft, by node: AuthorityName, at time: Timestamp) -> CaseRecord? {
        guard draft.reviewDate != reviewDate || draft.status != status || draft.fields != fields else { return nil }
        var copy = self
        copy.reviewDate = draft.reviewDate
        copy.status = draft.status
        copy.content = .fields(draft.fields)
        copy.updatedAt = time
        copy.version = version.incremented(by: node)
        return copy
    }

    /// This record's tombstone, erased by `node`.
    package func erased(by node: AuthorityName, at time: Timestamp) -> CaseRecord {
        var copy = self
        copy.content = .erased(at: time)
        copy.updatedAt = time
        copy.version = version.incremented(by: node)
        return copy
    }

    /// The whole record in canonical JSON form.
    package var jsonValue: JSONValue {
        var erasedAt: JSONValue?
        if case .erased(let time) = content { erasedAt = time.jsonValue }
        return .compactObject([
            ("id", id.jsonValue),
            ("kind", kind.jsonValue),
            ("owner", owner.jsonValue),
            ("createdAt", createdAt.jsonValue),
            ("updatedAt", updatedAt.jsonValue),
            ("reviewDate", reviewDate.jsonValue),
            ("status", status.jsonValue),
            ("version", version.jsonValue),
            ("fields", fields?.jsonValue),
            ("erasedAt", erasedAt),
        ])
    }

    /// Reads a whole record, as stored or as received, checking its schema (not its dates
    /// against today, which only local input is held to).
    package static func read(from value: JSONValue) throws(ValidationError) -> CaseRecord {
        var issues = IssueCollector()
        guard var reader = ObjectReader(value, at: .root, issues: &issues) else { throw ValidationError(issues: issues.issues) }
        let envelope = RecordEnvelope(&reader, issues: &issues)
        let (id, kind, owner, createdAt, updatedAt) = (envelope.id, envelope.kind, envelope.owner, envelope.createdAt, envelope.updatedAt)
        let (reviewDate, status, version, erasedAt) = (envelope.reviewDate, envelope.status, envelope.version, envelope.erasedAt)
        var content: RecordContent?
        if let erasedAt {
            if reader.raw("fields") != nil {
                issues.add(FieldPath.root.appending("fields"), nil, "must be absent on an erased record")
            }
            content = .erased(at: erasedAt)
        } else if let kind, let rawFields = reader.raw("fields") {
            content = RecordFields.read(kind: kind, from: rawFields, at: FieldPath.root.appending("fields"), issues: &issues)
                .map(RecordContent.fields)
        } else if kind != nil {
            issues.add(FieldPath.root.appending("fields"), nil, "is required unless the record is erased")
        }
        reader.finish(issues: &issues)
        if let kind, let status, !kind.allowedStatuses.contains(status) {
            issues.add(FieldPath.root.appending("status"), status.jsonValue, "is not a status of \(kind.rawValue)")
        }
        guard let id, let kind, let owner, let createdAt, let updatedAt, let reviewDate, let status, let version, let content,
            issues.isEmpty
        else { throw ValidationError(issues: issues.issues) }
        return CaseRecord(
            id: id, kind: kind, owner: owner, createdAt: createdAt, updatedAt: updatedAt, reviewDate: reviewDate, status: status,
            version: version, content: content)
    }
}

/// What a person supplies to create or edit a record: kind, review date, status and fields.
package struct RecordDraft: Sendable, Hashable {
    package var kind: RecordKind
    package var reviewDate: CalendarDate
    package var status: RecordStatus
    package var fields: RecordFields
    /// Dates of birth outside their kind's plausible ages that the writer confirmed
    /// (`--allow-unusual-ages`), by path: the audit entry of the write names them.
    package var acceptedUnusualAges: [String] = []

    /// What the audit entry of a write of this draft says of it, if anything.
    package var auditNote: String? {
        acceptedUnusualAges.isEmpty ? nil : "unusual age accepted (--allow-unusual-ages): \(acceptedUnusualAges.joined(separator: ", "))"
    }

    package init(kind: RecordKind, reviewDate: CalendarDate, status: RecordStatus, fields: RecordFields) {
        self.kind = kind
        self.reviewDate = reviewDate
        self.status = status
        self.fields = fields
    }

    /// The furthest ahead a review date may be set: records must be reviewed at least this often.
    package static let maximumReviewPeriodDays = 3653

    /// Reads and fully validates a draft, including its dates against `today`.
    ///
    /// `kind` is the kind named on the command line; the document may repeat it in a `kind`
    /// member, which must then agree. When `kind` is nil the document must name it.
    /// `editing` is the record before an edit: an edit that leaves an overdue review date or
    /// an unusual date of birth alone (closing an overdue record, say) is not refused for it.
    /// Dates of birth are held to `PlausibleAges`; `allowUnusualAges` accepts one outside
    /// its range, never one in the future.
    package static func read(
        from value: JSONValue, kind expectedKind: RecordKind?, today: CalendarDate, editing: CaseRecord? = nil,
        allowUnusualAges: Bool = false
    ) throws(ValidationError) -> RecordDraft {
        let previousReviewDate = editing?.reviewDate
        var issues = IssueCollector()
        guard var reader = ObjectReader(value, at: .root, issues: &issues) else { throw ValidationError(issues: issues.issues) }
        var kind = expectedKind
        if let raw = reader.raw("kind") {
            let named = RecordKind.read(from: raw, at: FieldPath.root.appending("kind"), issues: &issues)
            if let named, let expectedKind, named != expectedKind {
                issues.add(FieldPath.root.appending("kind"), raw, "does not match the kind named on the command line (\(expectedKind.rawValue))")
            }
            kind = kind ?? named
        } else if expectedKind == nil {
            issues.add(FieldPath.root.appending("kind"), nil, "is required: one of \(RecordKind.allowedValues)")
        }
        let reviewDate = reader.required(
            "reviewDate", as: CalendarDate.self, hint: "every record needs a review date, as YYYY-MM-DD", issues: &issues)
        let namedStatus = reader.optional("status", as: RecordStatus.self, issues: &issues)
        var fields: RecordFields?
        if let rawFields = reader.raw("fields") {
            if let kind {
                fields = RecordFields.read(kind: kind, from: rawFields, at: FieldPath.root.appending("fields"), issues: &issues)
            }
        } else {
            issues.add(FieldPath.root.appending("fields"), nil, "is required: an object with the record's fields")
        }
        reader.finish(issues: &issues)
        // Fields that did not read give no default: the kind's first status stands in, so that
        // their issues are not joined by one about a status nobody wrote.
        let status = namedStatus ?? fields?.defaultStatus ?? kind?.allowedStatuses.first ?? .active
        if let kind, !kind.allowedStatuses.contains(status) {
            let allowed = kind.allowedStatuses.map(\.rawValue).joined(separator: ", ")
            issues.add(FieldPath.root.appending("status"), status.jsonValue, "is not a status of \(kind.rawValue); use one of: \(allowed)")
        }
        // What a peer wrote back may leave the record lacking what a rule asks for (an offer
        // before the return is recorded): an edit that leaves it so is not refused for it.
        var completeness = IssueCollector()
        fields?.completenessIssues(issues: &completeness)
        var lacking = IssueCollector()
        editing?.fields?.completenessIssues(issues: &lacking)
        for issue in completeness.issues where !lacking.issues.contains(issue) { issues.add(issue) }
        if let rule = fields?.statusIssue(status) {
            issues.add(FieldPath.root.appending("status"), status.jsonValue, rule)
        }
        if let reviewDate, reviewDate != previousReviewDate {
            if reviewDate < today {
                issues.add(FieldPath.root.appending("reviewDate"), reviewDate.jsonValue, "is in the past; set a review date of \(today) or later")
            } else if reviewDate > today.adding(days: maximumReviewPeriodDays) {
                issues.add(
                    FieldPath.root.appending("reviewDate"), reviewDate.jsonValue,
                    "is more than 10 years ahead; records must be reviewed by \(today.adding(days: maximumReviewPeriodDays))")
            }
        }
        for (path, date) in fields?.pastDates ?? [] where date > today {
            issues.add(FieldPath(text: path), date.jsonValue, "is in the future; it records something that has happened, so use \(today) or earlier")
        }
        var accepted: [String] = []
        if let fields {
            // What the record held already was checked when it was written.
            let before = Set((editing?.fields).map { PlausibleAges.findings(in: $0, today: today) } ?? [])
            for finding in PlausibleAges.findings(in: fields, today: today) where !before.contains(finding) {
                if finding.unusualAge && allowUnusualAges {
                    accepted.append(finding.path)
                } else {
                    issues.add(FieldPath(text: finding.path), .string(finding.dateOfBirth.description), finding.rule)
                }
            }
        }
        guard let kind, let reviewDate, let fields, issues.isEmpty else { throw ValidationError(issues: issues.issues) }
        var draft = RecordDraft(kind: kind, reviewDate: reviewDate, status: status, fields: fields)
        draft.acceptedUnusualAges = accepted
        return draft
    }
}

/// A record's envelope as its JSON holds it, read by `CaseRecord.read` and by
/// `ProjectionSource.stored`: each part nil where it broke a rule (the issue is recorded),
/// so that a reader goes on and reports every problem at once.
struct RecordEnvelope {
    let id: RecordID?
    let kind: RecordKind?
    let owner: AuthorityName?
    let createdAt: Timestamp?
    let updatedAt: Timestamp?
    let reviewDate: CalendarDate?
    let status: RecordStatus?
    let version: VersionVector?
    let erasedAt: Timestamp?

    init(_ reader: inout ObjectReader, issues: inout IssueCollector) {
        id = reader.required("id", as: RecordID.self, hint: "the record's UUID", issues: &issues)
        kind = reader.required("kind", as: RecordKind.self, hint: "one of \(RecordKind.allowedValues)", issues: &issues)
        owner = reader.required("owner", as: AuthorityName.self, hint: "the node that created the record", issues: &issues)
        createdAt = reader.required("createdAt", as: Timestamp.self, hint: "when the record was created", issues: &issues)
        updatedAt = reader.required("updatedAt", as: Timestamp.self, hint: "when the record last changed", issues: &issues)
        reviewDate = reader.required("reviewDate", as: CalendarDate.self, hint: "the review date", issues: &issues)
        status = reader.required("status", as: RecordStatus.self, hint: "one of \(RecordStatus.allowedValues)", issues: &issues)
        version = reader.required("version", as: VersionVector.self, hint: "the version vector", issues: &issues)
        erasedAt = reader.optional("erasedAt", as: Timestamp.self, issues: &issues)
    }
}
