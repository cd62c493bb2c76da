// What a received copy may hold: its values read as the kind's schema reads them.

extension SharedCopy {
    /// What is wrong with the values this copy holds, each read as the kind's schema reads it
    /// in a record of its own: the status, every write of every field (a conflict's siblings
    /// too), and people as the owner may send them, as exact keys or, with `identity`, by
    /// name. Members the copy does not hold are not asked for; rules across two members apply
    /// to the values shown, when the copy holds both.
    package func valueIssues() -> [ValidationIssue] {
        var issues = IssueCollector()
        let kind = replica.kind
        if let status = replica.registers["status"] {
            for (index, write) in status.writes.enumerated() where write.value != .null {
                if write.value.stringValue.flatMap(RecordStatus.init(rawValue:)) == nil {
                    let path =
                        status.writes.count == 1 ? FieldPath.root.appending("status") : FieldPath.root.appending("status").appending(index: index)
                    issues.add(path, write.value, "must be one of \(RecordStatus.allowedValues)")
                }
            }
        }
        // The values the copy shows, read together: the owner keeps them a valid record, and
        // the holder resolves the same registers to the same values. Every other write (a
        // conflict's losing value, kept for a person to review) is read alone: it must be a
        // value the field can hold, but it need not fit beside the values shown.
        let shown = replica.registers.values.allSatisfy { $0.writes.count == 1 } ? nil : replica.resolved().values
        var members: [JSONObject.Element] = []
        var others: [(member: String, value: JSONValue)] = []
        for (member, name) in ReplicatedRecord.fieldRegisters(of: kind) {
            guard let register = replica.registers[name] else { continue }
            if PolicyProjection.dependsOnIdentity(member, of: kind) {
                for write in register.writes where write.value != .null { Self.checkPeople(member, write.value, kind: kind, issues: &issues) }
                continue
            }
            let value = shown.map { $0[name] ?? .null } ?? register.writes[0].value
            if value != .null { members.append((member, value)) }
            for write in register.writes where write.value != .null && write.value != value {
                others.append((member, write.value))
            }
        }
        Self.checkFields(JSONObject(sortedUniqueMembers: members), kind: kind, issues: &issues)
        for (member, value) in others {
            Self.checkFields(JSONObject(sortedUniqueMembers: [(member, value)]), kind: kind, issues: &issues)
        }
        return issues.issues
    }

    /// `valueIssues()` of an implicit copy, read from the fields as sent rather than from
    /// registers built for them: the same issues, in the same order.
    static func implicitValueIssues(_ implicit: ImplicitReplica, kind: RecordKind) -> [ValidationIssue] {
        var issues = IssueCollector()
        if let status = implicit.status, status != .null, status.stringValue.flatMap(RecordStatus.init(rawValue:)) == nil {
            issues.add(FieldPath.root.appending("status"), status, "must be one of \(RecordStatus.allowedValues)")
        }
        var members: [JSONObject.Element] = []
        for (member, value) in implicit.fields where value != .null {
            if PolicyProjection.dependsOnIdentity(member, of: kind) {
                Self.checkPeople(member, value, kind: kind, issues: &issues)
            } else {
                members.append((member, value))
            }
        }
        Self.checkFields(JSONObject(sortedUniqueMembers: members), kind: kind, issues: &issues)
        return issues.issues
    }

    /// Reads `fields` as the kind's schema does, keeping the issues of the members given: the
    /// issues of members absent are not the copy's.
    private static func checkFields(_ fields: JSONObject, kind: RecordKind, issues: inout IssueCollector) {
        guard !fields.isEmpty else { return }
        var found = IssueCollector()
        // People, which the copy may hold as match keys, are checked on their own
        // (`checkPeople`), and so are not among `fields`: their issues here are dropped.
        _ = RecordFields.read(kind: kind, from: .object(fields), at: FieldPath.root.appending("fields"), issues: &found)
        for issue in found.issues {
            // "fields.MEMBER", "fields.MEMBER.part" or "fields.MEMBER[index]".
            let member = issue.path.text.dropFirst("fields.".count).prefix { $0 != "." && $0 != "[" }
            guard fields[String(member)] != nil else { continue }
            issues.add(issue)
        }
    }

    /// Checks a member holding people: the kind's person, or a line's linked people.
    private static func checkPeople(_ member: String, _ value: JSONValue, kind: RecordKind, issues: inout IssueCollector) {
        let path = FieldPath.root.appending("fields").appending(member)
        if member == kind.personMember {
            checkPerson(value, at: path, issues: &issues)
            return
        }
        guard let people = value.arrayValue else {
            issues.add(path, value, "is \(value.typeName); expected an array of linked people")
            return
        }
        if people.count > CountyLinesLink.maximumLinkedPeople {
            issues.add(path, nil, "has \(people.count) entries; at most \(CountyLinesLink.maximumLinkedPeople) are allowed")
        }
        for (index, linked) in people.enumerated() {
            let at = path.appending(index: index)
            guard var reader = ObjectReader(linked, at: at, issues: &issues) else { continue }
            _ = reader.required("role", as: LinkedPersonRole.self, hint: "one of \(LinkedPersonRole.allowedValues)", issues: &issues)
            if let person = reader.raw("person") {
                checkPerson(person, at: at.appending("person"), issues: &issues)
            } else {
                issues.add(at.appending("person"), nil, "is required: the person's exact key, or names when identity is granted")
            }
            reader.finish(issues: &issues)
        }
    }

    /// A person as an owner sends one: its exact key (`SharedPersonKey`), or the person by
    /// name.
    private static func checkPerson(_ value: JSONValue, at path: FieldPath, issues: inout IssueCollector) {
        if value.objectValue?["matchKeys"] != nil {
            _ = SharedPersonKey.read(from: value, at: path, issues: &issues)
        } else {
            _ = Person.read(from: value, at: path, issues: &issues)
        }
    }

}
