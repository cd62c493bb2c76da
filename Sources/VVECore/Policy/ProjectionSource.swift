/// What a projection reads of a record: its envelope and its fields as canonical JSON. The
/// store reads it straight from a stored document, without validating fields it validated
/// when it wrote them and without building the typed record only to write it out again: a
/// first sync projects every record once, and that was a fifth of the owner's work.
///
/// It holds because a stored document is always the canonical JSON of a validated
/// `CaseRecord` (`CaseStore` writes nothing else), which reads back to the same JSON. A
/// change to how fields are normalised must therefore rewrite stored documents in a
/// migration, or projections and registers would disagree about an untouched record.
package struct ProjectionSource: Sendable, Hashable {
    package let id: RecordID
    package let kind: RecordKind
    package let owner: AuthorityName
    package let createdAt: Timestamp
    package let updatedAt: Timestamp
    package let reviewDate: CalendarDate
    package let status: RecordStatus
    package let version: VersionVector
    /// The fields, as the record's canonical JSON holds them; nil once the record is erased.
    package let fields: JSONObject?
    /// When the record was erased; nil while it lives.
    package let erasedAt: Timestamp?

    /// The source of a typed record.
    package init(_ record: CaseRecord) {
        id = record.id
        kind = record.kind
        owner = record.owner
        createdAt = record.createdAt
        updatedAt = record.updatedAt
        reviewDate = record.reviewDate
        status = record.status
        version = record.version
        fields = record.fields?.jsonValue.objectValue
        if case .erased(let time) = record.content { erasedAt = time } else { erasedAt = nil }
    }

    /// Reads a document the store wrote: the envelope typed and checked, the fields taken as
    /// they are. Anything else in the document, or a missing part, is refused.
    package static func stored(_ document: JSONValue) throws(ValidationError) -> ProjectionSource {
        var issues = IssueCollector()
        guard var reader = ObjectReader(document, at: .root, issues: &issues) else { throw ValidationError(issues: issues.issues) }
        let envelope = RecordEnvelope(&reader, issues: &issues)
        let erasedAt = envelope.erasedAt
        let fields = reader.raw("fields")
        if (erasedAt == nil) == (fields?.objectValue == nil) {
            issues.add(FieldPath.root.appending("fields"), nil, "must be an object on a live record, and absent on an erased one")
        }
        reader.finish(issues: &issues)
        guard let id = envelope.id, let kind = envelope.kind, let owner = envelope.owner, let createdAt = envelope.createdAt,
            let updatedAt = envelope.updatedAt, let reviewDate = envelope.reviewDate, let status = envelope.status, let version = envelope.version,
            issues.isEmpty
        else { throw ValidationError(issues: issues.issues) }
        return ProjectionSource(
            id: id, kind: kind, owner: owner, createdAt: createdAt, updatedAt: updatedAt, reviewDate: reviewDate, status: status,
            version: version, fields: fields?.objectValue, erasedAt: erasedAt)
    }

    private init(
        id: RecordID, kind: RecordKind, owner: AuthorityName, createdAt: Timestamp, updatedAt: Timestamp, reviewDate: CalendarDate,
        status: RecordStatus, version: VersionVector, fields: JSONObject?, erasedAt: Timestamp?
    ) {
        self.id = id
        self.kind = kind
        self.owner = owner
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.reviewDate = reviewDate
        self.status = status
        self.version = version
        self.fields = fields
        self.erasedAt = erasedAt
    }

    /// Whether the record has been erased.
    package var isErased: Bool { fields == nil }

    /// The register values the record holds: `status`, `reviewDate` and each `fields.MEMBER`,
    /// as `ReplicatedRecord.registerValues(of:)` gives them for the typed record.
    package var registerValues: [String: JSONValue] {
        var values: [String: JSONValue] = ["status": status.jsonValue, "reviewDate": reviewDate.jsonValue]
        for (member, value) in fields ?? JSONObject() { values["fields." + member] = value }
        return values
    }
}

/// The parts of a record's fields that audience rules test, as its canonical JSON writes them.
struct AudienceFacts {
    var originatingAuthority: String?
    var receivingAuthority: String?
    var exportingArea: String?
    var importingAreas: [String] = []
    var areasOfActivity: [String] = []
    var homeAuthority: String?
    var hostArea: String?
    var foundIn: String?

    init(kind: RecordKind, fields: JSONObject) {
        func names(_ member: String) -> [String] { fields[member]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        switch kind {
        case .relocation:
            originatingAuthority = fields["originatingAuthority"]?.stringValue
            receivingAuthority = fields["receivingAuthority"]?.stringValue
        case .countyLinesLink:
            exportingArea = fields["exportingArea"]?.stringValue
            importingAreas = names("importingAreas")
        case .sharedPerpetrator:
            areasOfActivity = names("areasOfActivity")
        case .missingEpisode:
            homeAuthority = fields["homeAuthority"]?.stringValue
            hostArea = fields["hostArea"]?.stringValue
            foundIn = fields["foundIn"]?.stringValue
        }
    }
}
