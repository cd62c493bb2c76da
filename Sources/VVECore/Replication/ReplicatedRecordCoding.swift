extension FieldWrite {
    /// The write as JSON: `{"value", "version", "writer"}`; a removal's value is `null`.
    package var jsonValue: JSONValue {
        ["value": value, "version": version.jsonValue, "writer": writer.jsonValue]
    }

    static func read(from json: JSONValue, at path: FieldPath, issues: inout IssueCollector) -> FieldWrite? {
        guard let object = json.objectValue else {
            issues.add(path, json, "is \(json.typeName); expected a write {value, version, writer}")
            return nil
        }
        var reader = ObjectReader(json, at: path, issues: &issues)
        let version = reader?.required("version", as: VersionVector.self, hint: "the version the write was made at", issues: &issues)
        let writer = reader?.required("writer", as: AuthorityName.self, hint: "the node that wrote it", issues: &issues)
        // `value` may be JSON null (a removal), which the reader's `raw` treats as absent.
        _ = reader?.raw("value")
        reader?.finish(issues: &issues)
        guard let value = object["value"] else {
            issues.add(path.appending("value"), nil, "is required: the value written, or null for a removal")
            return nil
        }
        guard let version, let writer else { return nil }
        if version == .empty {
            issues.add(path.appending("version"), version.jsonValue, "is empty; every write has a version")
            return nil
        }
        return FieldWrite(value: value, version: version, writer: writer)
    }
}

extension ReplicatedRecord {
    /// The most concurrent writes one register may carry on the wire; more means a broken
    /// or hostile peer.
    package static let maximumWritesPerRegister = 64

    /// The names a register of this kind may have: `status`, `reviewDate`, `fields.MEMBER`.
    package static func registerNames(of kind: RecordKind) -> Set<String> { registerNameTable[kind] }

    /// The register names of every kind, built once: every register received is checked against them.
    private static let registerNameTable = KindTable(makeRegisterNames(of:))

    /// The register of a `fields` member (`fields.MEMBER`), or nil when the kind has no such
    /// field: the name is looked up, not built, for every field of every copy received.
    static func registerName(ofField member: String, kind: RecordKind) -> String? { fieldRegisterTable[kind][member] }

    /// Every `fields` member of a kind with its register name, in the order `JSONObject`
    /// keeps members: a copy's fields are read out of its registers in this order.
    static func fieldRegisters(of kind: RecordKind) -> [(member: String, register: String)] { sortedFieldRegisterTable[kind] }

    private static let sortedFieldRegisterTable = fieldRegisterTable.map { table in
        table.map { (member: $0.key, register: $0.value) }.sorted { $0.member < $1.member }
    }

    private static let fieldRegisterTable = KindTable { kind in
        Dictionary(
            uniqueKeysWithValues: registerNames(of: kind).filter { $0.hasPrefix("fields.") }.map { (String($0.dropFirst("fields.".count)), $0) })
    }

    private static func makeRegisterNames(of kind: RecordKind) -> Set<String> {
        var names: Set<String> = ["status", "reviewDate"]
        for group in kind.fieldGroups { names.formUnion(group.members.map { "fields." + $0 }) }
        if let person = kind.personMember { names.insert("fields." + person) }
        return names
    }

    /// The record with its registers, as replicas exchange and store it.
    package var jsonValue: JSONValue {
        var registerMembers: [(String, JSONValue)] = []
        for (name, register) in registers { registerMembers.append((name, .array(register.writes.map(\.jsonValue)))) }
        return .compactObject([
            ("id", id.jsonValue),
            ("kind", kind.jsonValue),
            ("owner", owner.jsonValue),
            ("createdAt", createdAt.jsonValue),
            ("registers", .object(JSONObject(registerMembers))),
            ("erasure", erasure?.jsonValue),
        ])
    }

    /// Reads a replicated record, checking its structure: known registers for its kind,
    /// well-formed writes, and no more than `maximumWritesPerRegister` in one register.
    /// Whether the merged values make a valid record is checked after merging.
    package static func read(from json: JSONValue) throws(ValidationError) -> ReplicatedRecord {
        var issues = IssueCollector()
        guard var reader = ObjectReader(json, at: .root, issues: &issues) else { throw ValidationError(issues: issues.issues) }
        let id = reader.required("id", as: RecordID.self, hint: "the record's UUID", issues: &issues)
        let kind = reader.required("kind", as: RecordKind.self, hint: "one of \(RecordKind.allowedValues)", issues: &issues)
        let owner = reader.required("owner", as: AuthorityName.self, hint: "the node that created the record", issues: &issues)
        let createdAt = reader.required("createdAt", as: Timestamp.self, hint: "when the record was created", issues: &issues)
        var registers: [String: FieldRegister] = [:]
        let registersPath = FieldPath.root.appending("registers")
        if let raw = reader.raw("registers") {
            if let members = raw.objectValue {
                let allowed = kind.map(registerNames(of:)) ?? []
                for (name, value) in members {
                    let path = registersPath.appending(name)
                    if kind != nil, !allowed.contains(name) {
                        issues.add(path, nil, "is not a field of \(kind!.rawValue)")
                        continue
                    }
                    guard let writes = value.arrayValue, !writes.isEmpty else {
                        issues.add(path, value, "must be a non-empty array of writes")
                        continue
                    }
                    guard writes.count <= maximumWritesPerRegister else {
                        issues.add(path, nil, "has \(writes.count) concurrent writes; at most \(maximumWritesPerRegister) are accepted")
                        continue
                    }
                    let read = writes.enumerated().compactMap {
                        FieldWrite.read(from: $0.element, at: path.appending(index: $0.offset), issues: &issues)
                    }
                    if read.count == writes.count { registers[name] = FieldRegister(normalising: read) }
                }
            } else {
                issues.add(registersPath, raw, "is \(raw.typeName); expected an object of registers")
            }
        }
        let erasure = reader.raw("erasure").flatMap { FieldWrite.read(from: $0, at: FieldPath.root.appending("erasure"), issues: &issues) }
        reader.finish(issues: &issues)
        guard let id, let kind, let owner, let createdAt, issues.issues.isEmpty else { throw ValidationError(issues: issues.issues) }
        var record = ReplicatedRecord(id: id, kind: kind, owner: owner, createdAt: createdAt, registers: erasure == nil ? registers : [:])
        record.erasure = erasure
        return record
    }
}
