/// A peer's record as this node holds it: the groups the owner's policy grants this node,
/// with their registers, so edits on both sides merge. People are match keys unless the
/// owner granted `identity`.
public struct SharedCopy: Sendable, Hashable {
    /// The owner's record, restricted to the registers sent.
    public var replica: ReplicatedRecord
    /// The groups this copy holds.
    public var groups: Set<String>
    /// When this copy must be reviewed: set by the owner's policy for shared copies.
    public var reviewDate: CalendarDate
    /// The groups the owner accepts edits of from this node.
    public var writable: Set<String> = []

    public var id: RecordID { replica.id }
    public var owner: AuthorityName { replica.owner }

    /// Reads what an owner sent (a projection with registers), checking that it is
    /// well-formed and holds no register outside the groups it says it carries.
    public static func read(from document: JSONValue) throws(ValidationError) -> SharedCopy {
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
        // The envelope and registers are read as a replicated record; the rest of the
        // projection (the resolved fields, times, version) is derived again from them.
        var replicaMembers: [(String, JSONValue)] = []
        for key in ["id", "kind", "owner", "createdAt", "registers", "erasure"] {
            if let value = reader.raw(key) { replicaMembers.append((key, value)) }
        }
        // An implicit copy (`"implicit": true`) carries fields and a version instead of
        // registers: every field written by the owner at that version. Its registers are
        // rebuilt here and then read like any others.
        let fields = reader.raw("fields")
        let version = reader.raw("version")
        let status = reader.raw("status")
        if reader.raw("implicit") == .bool(true) {
            guard let members = fields?.objectValue, let version, let owner = document["owner"] else {
                issues.add(FieldPath.root.appending("implicit"), nil, "needs fields, a version and an owner")
                throw ValidationError(issues: issues.issues)
            }
            let write: (JSONValue) -> JSONValue = { value in .array([["value": value, "version": version, "writer": owner]]) }
            var registers = JSONObject()
            for (member, value) in members { registers["fields." + member] = write(value) }
            if let status { registers["status"] = write(status) }
            replicaMembers.append(("registers", .object(registers)))
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
        let replica = try ReplicatedRecord.read(from: .object(JSONObject(replicaMembers)))
        let allowed = registerNames(of: kind, groups: groups)
        for name in replica.registers.keys.sorted() where !allowed.contains(name) {
            issues.add(FieldPath.root.appending("registers").appending(name), nil, "is outside the groups the copy holds")
        }
        guard issues.issues.isEmpty else { throw ValidationError(issues: issues.issues) }
        return SharedCopy(replica: replica, groups: groups, reviewDate: reviewDate, writable: writable)
    }

    /// This copy updated by a newer one from the owner: registers merged, and the owner's
    /// current groups, review date and writable groups taken. Registers of groups the owner no
    /// longer sends are dropped, so a narrowed policy leaves nothing behind that it withholds.
    public func merged(with incoming: SharedCopy) -> SharedCopy {
        let allowed = Self.registerNames(of: replica.kind, groups: incoming.groups)
        let both = replica.merged(with: incoming.replica)
        var registers = both.registers.filter { allowed.contains($0.key) }
        // People are projected by the owner as match keys or names, as its grant says now:
        // its register replaces this copy's, whatever was held before.
        for name in registers.keys where name.hasPrefix("fields.") {
            guard PolicyProjection.dependsOnIdentity(String(name.dropFirst("fields.".count)), of: replica.kind) else { continue }
            registers[name] = incoming.replica.registers[name]
        }
        var kept = ReplicatedRecord(id: both.id, kind: both.kind, owner: both.owner, createdAt: both.createdAt, registers: registers)
        kept.erasure = both.erasure
        return SharedCopy(replica: kept, groups: incoming.groups, reviewDate: incoming.reviewDate, writable: incoming.writable)
    }

    /// The registers a copy holding `groups` may have.
    static func registerNames(of kind: RecordKind, groups: Set<String>) -> Set<String> {
        var allowed = Set(PolicyProjection.sentMembers(of: kind, groups: groups).map { "fields." + $0 })
        if groups.contains("status") { allowed.insert("status") }
        return allowed
    }

    /// What this copy shows: each register resolved by the merge rules.
    public var values: [String: JSONValue] { replica.resolved().values }

    /// The writes this node made, to send back to the owner: the registers where this node
    /// holds a write of its own.
    public func ownWrites(by node: AuthorityName) -> ReplicatedRecord {
        ReplicatedRecord(
            id: replica.id, kind: replica.kind, owner: replica.owner, createdAt: replica.createdAt,
            registers: replica.registers.filter { $0.value.writes.contains { $0.writer == node } })
    }

    /// The copy as stored: the envelope, the groups and the registers.
    public var jsonValue: JSONValue {
        var members = replica.jsonValue.objectValue ?? JSONObject()
        members["reviewDate"] = reviewDate.jsonValue
        members["groups"] = .array(replica.kind.orderedGroupNames(groups).map { .string($0) })
        if !writable.isEmpty { members["writable"] = .array(replica.kind.orderedGroupNames(writable).map { .string($0) }) }
        return .object(members)
    }
}

extension SharedCopy {
    /// Why this node may not edit `member` of the copy, or nil when the owner accepts it: the
    /// copy must hold it, and the owner must accept its group from this node.
    public func refusal(ofEditTo member: String) -> String? {
        let kind = replica.kind
        if PolicyProjection.dependsOnIdentity(member, of: kind) {
            return "holds people, as match keys or names as the owner grants; only the owner, \(owner), can change it"
        }
        guard let group = kind.fieldGroups.first(where: { groups.contains($0.name) && $0.members.contains(member) })?.name else {
            return "is not in the groups this copy holds (\(kind.orderedGroupNames(groups).joined(separator: ", "))); only the owner, \(owner), can change it"
        }
        guard writable.contains(group) else {
            let accepted = writable.isEmpty ? "no edits" : "edits to " + kind.orderedGroupNames(writable).joined(separator: ", ")
            return "is in group \(group), which \(owner) does not accept from this node (it accepts \(accepted)); only \(owner) can change it"
        }
        return nil
    }

    /// The register writes a local edit makes, from an RFC 7396 merge patch on
    /// `{"status", "fields"}`. Only registers the copy holds may change, people not at all (the
    /// copy holds match keys, and a person is the owner's to describe), and each changed value
    /// must be valid for its field: the owner would refuse anything else, and with it every
    /// later batch from this node. Unchanged values make no write.
    public func changes(patch: JSONValue) throws(ValidationError) -> [(field: String, value: JSONValue)] {
        var issues = IssueCollector()
        guard let members = patch.objectValue else {
            throw ValidationError(
                issues: [ValidationIssue(path: .root, value: nil, rule: "is \(patch.typeName); an edit is a merge patch object such as {\"fields\": {...}}")])
        }
        let current = values
        var changes: [(field: String, value: JSONValue)] = []
        for (key, value) in members {
            switch key {
            case "status":
                guard writable.contains("status") else {
                    issues.add(FieldPath.root.appending("status"), value, "is not a group \(owner) accepts from this node; only \(owner) can change it")
                    continue
                }
                guard let text = value.stringValue, RecordStatus(rawValue: text) != nil else {
                    issues.add(FieldPath.root.appending("status"), value, "must be one of \(RecordStatus.allowedValues)")
                    continue
                }
                if current["status"] != value { changes.append(("status", value)) }
            case "fields":
                guard let fields = value.objectValue else {
                    issues.add(FieldPath.root.appending("fields"), value, "must be an object of field names and values")
                    continue
                }
                for (member, fieldPatch) in fields {
                    let path = FieldPath.root.appending("fields").appending(member)
                    if let refusal = refusal(ofEditTo: member) {
                        issues.add(path, nil, refusal)
                        continue
                    }
                    let next = Self.normalised(member, (current["fields." + member] ?? .null).merging(patch: fieldPatch), kind: replica.kind)
                    if current["fields." + member] ?? .null != next { changes.append(("fields." + member, next)) }
                }
            default:
                issues.add(FieldPath.root.appending(key), nil, "cannot be edited on a shared copy: use \"fields\" or \"status\"")
            }
        }
        try issues.throwIfAny()
        try validate(changes)
        return changes.sorted { $0.field < $1.field }
    }

    /// A field's value as a typed record holds it: text trimmed, repeated list entries once,
    /// an empty list as no value (null). The owner stores its record that way, so a holder
    /// writes it that way too, or its register and the owner's record would disagree. The
    /// value is read inside a valid record of the kind; a value that does not read is left
    /// as it is, for validation to refuse.
    public static func normalised(_ member: String, _ value: JSONValue, kind: RecordKind) -> JSONValue {
        guard value != .null, var fields = skeletons[kind] else { return value }
        fields[member] = value
        var issues = IssueCollector()
        guard let typed = RecordFields.read(kind: kind, from: .object(fields), at: .root, issues: &issues) else { return value }
        return typed.jsonValue[member] ?? .null
    }

    /// One valid record's fields per kind, to read a single value in context.
    private static let skeletons: [RecordKind: JSONObject] = {
        var generator = SyntheticRecords(seed: 1, owner: AuthorityName("camden")!, today: CalendarDate(year: 2026, month: 1, day: 1)!)
        var skeletons: [RecordKind: JSONObject] = [:]
        for kind in RecordKind.allCases {
            skeletons[kind] = generator.nextDraft(kind: kind).fields.jsonValue.objectValue
        }
        return skeletons
    }()

    /// Checks that register writes leave valid values: each edited field is validated in the
    /// context of the rest, whose own issues (a person held as match keys, groups not held)
    /// are not this edit's to fix.
    public func validate(_ changes: [(field: String, value: JSONValue)]) throws(ValidationError) {
        var issues = IssueCollector()
        for (field, value) in changes where field == "status" {
            if value.stringValue.flatMap(RecordStatus.init(rawValue:)) == nil {
                issues.add(FieldPath.root.appending("status"), value, "must be one of \(RecordStatus.allowedValues)")
            }
        }
        let edited = changes.map(\.field).filter { $0.hasPrefix("fields.") }
        if !edited.isEmpty {
            var fields = JSONObject()
            for (name, value) in values where name.hasPrefix("fields.") { fields[String(name.dropFirst(7))] = value }
            for (field, value) in changes where field.hasPrefix("fields.") {
                if value == .null { _ = fields.removeValue(forKey: String(field.dropFirst(7))) } else { fields[String(field.dropFirst(7))] = value }
            }
            var fieldIssues = IssueCollector()
            _ = RecordFields.read(kind: replica.kind, from: .object(fields), at: FieldPath.root.appending("fields"), issues: &fieldIssues)
            for issue in fieldIssues.issues
            where edited.contains(where: { issue.path.text == $0 || issue.path.text.hasPrefix($0 + ".") || issue.path.text.hasPrefix($0 + "[") }) {
                issues.add(issue)
            }
        }
        try issues.throwIfAny()
    }
}
