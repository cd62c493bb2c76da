/// A peer's record as this node holds it: the groups the owner's policy grants this node,
/// with their registers, so edits on both sides merge. People are match keys unless the
/// owner granted `identity`.
package struct SharedCopy: Sendable, Hashable {
    /// The owner's record, restricted to the registers sent.
    package var replica: ReplicatedRecord
    /// The groups this copy holds.
    package var groups: Set<String>
    /// When this copy must be reviewed: set by the owner's policy for shared copies.
    package var reviewDate: CalendarDate
    /// The groups the owner accepts edits of from this node.
    package var writable: Set<String> = []

    package var id: RecordID { replica.id }
    package var owner: AuthorityName { replica.owner }

    /// Reads what an owner sent (a projection with registers), checking that it is
    /// well-formed and holds no register outside the groups it says it carries. A fuzzy
    /// encoding sent with a person is dropped (`SharedPersonKey.droppingFuzzyEncodings`).
    package static func read(from document: JSONValue) throws(ValidationError) -> SharedCopy {
        try readParts(from: document).copy
    }

    /// What `read(from:)` reads, before an implicit copy's registers are built: a holder
    /// storing a copy it has not held yet needs none (`IncomingCopy`).
    struct Parts {
        let kind: RecordKind
        let reviewDate: CalendarDate
        let groups: Set<String>
        let writable: Set<String>
        let body: Body

        enum Body {
            case implicit(ImplicitReplica)
            case registers(ReplicatedRecord)
        }

        /// The copy, its registers built.
        var copy: SharedCopy {
            let replica: ReplicatedRecord
            switch body {
            case .implicit(let implicit): replica = implicit.replica(kind: kind)
            case .registers(let registers): replica = registers
            }
            return SharedCopy(replica: replica, groups: groups, reviewDate: reviewDate, writable: writable)
        }
    }

    /// The replica of an implicit copy as sent: fields and one version, every field (and the
    /// status) written by the owner at that version.
    struct ImplicitReplica {
        let id: RecordID
        let owner: AuthorityName
        let createdAt: Timestamp
        let version: VersionVector
        /// Every member a field of the kind, checked when read.
        let fields: JSONObject
        let status: JSONValue?

        func replica(kind: RecordKind) -> ReplicatedRecord {
            var registers: [String: FieldRegister] = [:]
            registers.reserveCapacity(fields.count + 1)
            for (member, value) in fields {
                guard let name = ReplicatedRecord.registerName(ofField: member, kind: kind) else { continue }
                registers[name] = FieldRegister(FieldWrite(value: value, version: version, writer: owner))
            }
            if let status { registers["status"] = FieldRegister(FieldWrite(value: status, version: version, writer: owner)) }
            return ReplicatedRecord(id: id, kind: kind, owner: owner, createdAt: createdAt, registers: registers)
        }
    }

    /// `read(from:)` up to building an implicit copy's registers, with every check it makes.
    static func readParts(from sent: JSONValue) throws(ValidationError) -> Parts {
        let document = SharedPersonKey.droppingFuzzyEncodings(from: sent)
        var issues = IssueCollector()
        guard var reader = ObjectReader(document, at: .root, issues: &issues) else { throw ValidationError(issues: issues.issues) }
        let kind = reader.required("kind", as: RecordKind.self, hint: "one of \(RecordKind.allowedValues)", issues: &issues)
        let reviewDate = reader.required("reviewDate", as: CalendarDate.self, hint: "the copy's review date", issues: &issues)
        var groups = Set<String>()
        for (index, name) in (reader.raw("groups")?.arrayValue ?? []).enumerated() {
            guard let text = name.stringValue, kind?.fieldGroup(named: text) != nil else {
                issues.add(FieldPath.root.appending("groups").appending(index: index), name, "is not a group of this kind")
                continue
            }
            groups.insert(text)
        }
        var implicitReplica: ImplicitReplica?
        var replicaMembers: [(String, JSONValue)] = []
        let implicit = reader.raw("implicit") == .bool(true)
        if implicit {
            implicitReplica = readImplicit(&reader, kind: kind, issues: &issues)
        } else {
            // The envelope and registers are read as a replicated record; the rest of the
            // projection (the resolved fields, times, version) is derived again from them.
            for key in ["id", "kind", "owner", "createdAt", "registers", "erasure"] {
                if let value = reader.raw(key) { replicaMembers.append((key, value)) }
            }
            _ = reader.raw("fields")
            _ = reader.raw("version")
            _ = reader.raw("status")
        }
        var writable = Set<String>()
        for (index, name) in (reader.raw("writable")?.arrayValue ?? []).enumerated() {
            guard let text = name.stringValue, groups.contains(text) else {
                issues.add(FieldPath.root.appending("writable").appending(index: index), name, "is not a group the copy holds")
                continue
            }
            writable.insert(text)
        }
        _ = reader.raw("updatedAt")
        reader.finish(issues: &issues)
        guard issues.issues.isEmpty, let kind, let reviewDate else { throw ValidationError(issues: issues.issues) }
        let body: Parts.Body
        var registerNames: [String]
        if let implicitReplica {
            body = .implicit(implicitReplica)
            registerNames = implicitReplica.fields.compactMap { ReplicatedRecord.registerName(ofField: $0.key, kind: kind) }
            if implicitReplica.status != nil { registerNames.append("status") }
        } else if !implicit {
            let replica = try ReplicatedRecord.read(from: .object(JSONObject(replicaMembers)))
            body = .registers(replica)
            registerNames = Array(replica.registers.keys)
        } else {
            throw ValidationError(issues: issues.issues)
        }
        let outside = registerNames.filter { !Self.holds($0, kind: kind, groups: groups) }
        for name in outside.sorted() {
            issues.add(FieldPath.root.appending("registers").appending(name), nil, "is outside the groups the copy holds")
        }
        guard issues.issues.isEmpty else { throw ValidationError(issues: issues.issues) }
        return Parts(kind: kind, reviewDate: reviewDate, groups: groups, writable: writable, body: body)
    }

    /// Reads a copy as it arrives from its owner: `read(from:)`, and then every value it holds
    /// checked against its kind's schema (`valueIssues`), so a broken or hostile owner cannot
    /// leave a value in this node's store that its own records could never hold.
    package static func receive(_ document: JSONValue) throws(ValidationError) -> SharedCopy {
        let copy = try read(from: document)
        let issues = copy.valueIssues()
        guard issues.isEmpty else { throw ValidationError(issues: issues) }
        return copy
    }

    /// The replica of an implicit copy (`"implicit": true`): fields and one version instead of
    /// registers, every field (and the status) written by the owner at that version. It is
    /// how an owner sends a record no edit has touched since it wrote it (most of a first
    /// sync), and how a holder stores such a copy. Its registers are built from it
    /// (`ImplicitReplica.replica(kind:)`) after the same checks a register-by-register read makes.
    private static func readImplicit(_ reader: inout ObjectReader, kind: RecordKind?, issues: inout IssueCollector) -> ImplicitReplica? {
        let id = reader.required("id", as: RecordID.self, hint: "the record's UUID", issues: &issues)
        let owner = reader.required("owner", as: AuthorityName.self, hint: "the node that created the record", issues: &issues)
        let createdAt = reader.required("createdAt", as: Timestamp.self, hint: "when the record was created", issues: &issues)
        let version = reader.required("version", as: VersionVector.self, hint: "the version every field was written at", issues: &issues)
        for key in ["registers", "erasure"] where reader.raw(key) != nil {
            issues.add(FieldPath.root.appending(key), nil, "is not allowed in an implicit copy, which carries fields and a version instead")
        }
        if version == .empty { issues.add(FieldPath.root.appending("version"), version?.jsonValue, "is empty; every write has a version") }
        let fields = reader.raw("fields")
        let status = reader.raw("status")
        guard let members = fields?.objectValue else {
            issues.add(FieldPath.root.appending("fields"), fields, "is required in an implicit copy: an object of the fields sent")
            return nil
        }
        guard let id, let kind, let owner, let createdAt, let version, version != .empty else { return nil }
        for (member, _) in members where ReplicatedRecord.registerName(ofField: member, kind: kind) == nil {
            issues.add(FieldPath.root.appending("fields").appending(member), nil, "is not a field of \(kind.rawValue)")
        }
        return ImplicitReplica(id: id, owner: owner, createdAt: createdAt, version: version, fields: members, status: status)
    }
}
