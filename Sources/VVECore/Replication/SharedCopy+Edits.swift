extension SharedCopy {
    /// Why this node may not edit `member` of the copy, or nil when the owner accepts it: the
    /// copy must hold it, and the owner must accept its group from this node.
    package func refusal(ofEditTo member: String) -> String? {
        let kind = replica.kind
        if PolicyProjection.dependsOnIdentity(member, of: kind) {
            return "holds people, as match keys or names as the owner grants; only the owner, \(owner), can change it"
        }
        guard let group = kind.fieldGroups.first(where: { groups.contains($0.name) && $0.members.contains(member) })?.name else {
            return
                "is not in the groups this copy holds (\(kind.orderedGroupNames(groups).joined(separator: ", "))); only the owner, \(owner), can change it"
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
    package func changes(patch: JSONValue) throws(ValidationError) -> [(field: String, value: JSONValue)] {
        var issues = IssueCollector()
        guard let members = patch.objectValue else {
            throw ValidationError(
                issues: [
                    ValidationIssue(
                        path: .root, value: nil, rule: "is \(patch.typeName); an edit is a merge patch object such as {\"fields\": {...}}")
                ])
        }
        let current = values
        var changes: [(field: String, value: JSONValue)] = []
        for (key, value) in members {
            switch key {
            case "status":
                guard writable.contains("status") else {
                    issues.add(
                        FieldPath.root.appending("status"), value, "is not a group \(owner) accepts from this node; only \(owner) can change it")
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
    package static func normalised(_ member: String, _ value: JSONValue, kind: RecordKind) -> JSONValue {
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
    package func validate(_ changes: [(field: String, value: JSONValue)]) throws(ValidationError) {
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
