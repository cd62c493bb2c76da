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
