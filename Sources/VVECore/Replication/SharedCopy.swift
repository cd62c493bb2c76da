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
        _ = reader.raw("fields")
        _ = reader.raw("updatedAt")
        _ = reader.raw("version")
        _ = reader.raw("status")
        reader.finish(issues: &issues)
        guard issues.issues.isEmpty, let kind, let reviewDate else { throw ValidationError(issues: issues.issues) }
        let replica = try ReplicatedRecord.read(from: .object(JSONObject(replicaMembers)))
        var allowed = Set(PolicyProjection.sentMembers(of: kind, groups: groups).map { "fields." + $0 })
        if groups.contains("status") { allowed.insert("status") }
        for name in replica.registers.keys.sorted() where !allowed.contains(name) {
            issues.add(FieldPath.root.appending("registers").appending(name), nil, "is outside the groups the copy holds")
        }
        guard issues.issues.isEmpty else { throw ValidationError(issues: issues.issues) }
        return SharedCopy(replica: replica, groups: groups, reviewDate: reviewDate)
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
        return .object(members)
    }
}

extension SharedCopy {
    /// The register writes a local edit makes, from an RFC 7396 merge patch on
    /// `{"status", "fields"}`. Only registers the copy holds may change, people not at all (the
    /// copy holds match keys, and a person is the owner's to describe), and each changed value
    /// must be valid for its field: the owner would refuse anything else, and with it every
    /// later batch from this node. Unchanged values make no write.
    public func changes(patch: JSONValue) throws(ValidationError) -> [(field: String, value: JSONValue)] {
        var issues = IssueCollector()
        guard let members = patch.objectValue else {
            throw ValidationError(issues: [ValidationIssue(path: .root, value: patch.typeName, rule: "must be an object such as {\"fields\": {...}}")])
        }
        let kind = replica.kind
        let held = Set(PolicyProjection.sentMembers(of: kind, groups: groups))
        let current = values
        var changes: [(field: String, value: JSONValue)] = []
        for (key, value) in members {
            switch key {
            case "status":
                guard groups.contains("status") else {
                    issues.add(FieldPath.root.appending("status"), value, "is not held by this copy; the owner, \(owner), keeps the status")
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
                    guard held.contains(member) else {
                        let groupNames = kind.orderedGroupNames(groups).joined(separator: ", ")
                        issues.add(path, nil, "is not in the groups this copy holds (\(groupNames)); only the owner, \(owner), can change it")
                        continue
                    }
                    guard member != kind.personMember else {
                        issues.add(path, nil, "holds a person, as match keys on a shared copy; only the owner, \(owner), can change it")
                        continue
                    }
                    let next = (current["fields." + member] ?? .null).merging(patch: fieldPatch)
                    if current["fields." + member] ?? .null != next { changes.append(("fields." + member, next)) }
                }
            default:
                issues.add(FieldPath.root.appending(key), nil, "cannot be edited on a shared copy: use \"fields\" or \"status\"")
            }
        }
        // Validate the edited fields in the context of the rest: other fields' issues (a
        // person held as match keys, groups not held) are not this edit's to fix.
        let edited = changes.map(\.field).filter { $0.hasPrefix("fields.") }
        if !edited.isEmpty {
            var fields = JSONObject()
            for (name, value) in current where name.hasPrefix("fields.") { fields[String(name.dropFirst(7))] = value }
            for (field, value) in changes where field.hasPrefix("fields.") {
                if value == .null { fields.removeValue(forKey: String(field.dropFirst(7))) } else { fields[String(field.dropFirst(7))] = value }
            }
            var fieldIssues = IssueCollector()
            _ = RecordFields.read(kind: kind, from: .object(fields), at: FieldPath.root.appending("fields"), issues: &fieldIssues)
            for issue in fieldIssues.issues
            where edited.contains(where: { issue.path.text == $0 || issue.path.text.hasPrefix($0 + ".") || issue.path.text.hasPrefix($0 + "[") }) {
                issues.add(issue)
            }
        }
        try issues.throwIfAny()
        return changes.sorted { $0.field < $1.field }
    }
}
