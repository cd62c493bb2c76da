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
    static func readParts(from document: JSONValue) throws(ValidationError) -> Parts {
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
    public static func receive(_ document: JSONValue) throws(ValidationError) -> SharedCopy {
        let copy = try read(from: document)
        let issues = copy.valueIssues()
        guard issues.isEmpty else { throw ValidationError(issues: issues) }
        return copy
    }

    /// What is wrong with the values this copy holds, each read as the kind's schema reads it
    /// in a record of its own: the status, every write of every field (a conflict's siblings
    /// too), and people as the owner may send them, as match keys or, with `identity`, by
    /// name. Members the copy does not hold are not asked for; rules across two members apply
    /// to the values shown, when the copy holds both.
    public func valueIssues() -> [ValidationIssue] {
        var issues = IssueCollector()
        let kind = replica.kind
        if let status = replica.registers["status"] {
            for (index, write) in status.writes.enumerated() where write.value != .null {
                if write.value.stringValue.flatMap(RecordStatus.init(rawValue:)) == nil {
                    let path = status.writes.count == 1 ? FieldPath.root.appending("status") : FieldPath.root.appending("status").appending(index: index)
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
                issues.add(at.appending("person"), nil, "is required: the person's match keys, or names when identity is granted")
            }
            reader.finish(issues: &issues)
        }
    }

    /// A person as an owner sends one: `{"matchKeys": {...}}`, or the person by name.
    private static func checkPerson(_ value: JSONValue, at path: FieldPath, issues: inout IssueCollector) {
        guard value.objectValue?["matchKeys"] != nil, var reader = ObjectReader(value, at: path, issues: &issues) else {
            _ = Person.read(from: value, at: path, issues: &issues)
            return
        }
        if let keys = reader.raw("matchKeys") { _ = MatchKeys.read(from: keys, at: path.appending("matchKeys"), issues: &issues) }
        reader.finish(issues: &issues)
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

    /// The version every register of this copy was written at by its owner, when that says it
    /// all (one write per register, none a removal, no erasure): the copy is then stored as
    /// it travels, as fields and that version, at about two thirds of the size. Nil otherwise.
    var implicitVersion: VersionVector? {
        guard replica.erasure == nil else { return nil }
        var shared: VersionVector?
        for (name, register) in replica.registers {
            guard register.writes.count == 1, name == "status" || name.hasPrefix("fields.") else { return nil }
            let write = register.writes[0]
            guard write.writer == owner, write.value != .null, shared == nil || shared == write.version else { return nil }
            shared = write.version
        }
        return shared
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

    /// Whether a copy of a `kind` record holding `groups` may have the register `name`: the
    /// same answer as `registerNames(of:groups:)`, without building the set for every copy.
    static func holds(_ name: String, kind: RecordKind, groups: Set<String>) -> Bool {
        if name == "status" { return groups.contains("status") }
        guard let group = registerGroups[kind][name] else { return false }
        return group.map(groups.contains) ?? true
    }

    /// The group of each `fields.MEMBER` register of a kind; nil for the person's, which
    /// travels with any group. Asked for every register of every copy received.
    private static let registerGroups = KindTable { kind in
        var groups: [String: String?] = [:]
        for group in kind.fieldGroups {
            for member in group.members { groups["fields." + member] = .some(group.name) }
        }
        if let person = kind.personMember { groups["fields." + person] = .some(nil) }
        return groups
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

    /// The copy as stored, as UTF-8: `JSONWriter.canonicalBytes(jsonValue)`. An implicit copy,
    /// most of what a first sync brings, is written directly, without building its document.
    public var storedBytes: [UInt8] {
        guard let version = implicitVersion else { return JSONWriter.canonicalBytes(jsonValue) }
        let fields = ReplicatedRecord.fieldRegisters(of: replica.kind).compactMap { member, name in
            replica.registers[name].map { (key: member, value: $0.writes[0].value) }
        }
        let implicit = ImplicitReplica(
            id: replica.id, owner: replica.owner, createdAt: replica.createdAt, version: version, fields: JSONObject(sortedUniqueMembers: fields),
            status: replica.registers["status"]?.writes[0].value)
        return Self.implicitBytes(implicit, kind: replica.kind, groups: groups, reviewDate: reviewDate, writable: writable)
    }

    /// The stored form of an implicit copy: written alike from a copy's registers
    /// (`storedBytes`) and from a copy as it arrived (`IncomingCopy`).
    static func implicitBytes(
        _ replica: ImplicitReplica, kind: RecordKind, groups: Set<String>, reviewDate: CalendarDate, writable: Set<String>
    ) -> [UInt8] {
        var writer = CanonicalJSONWriter(capacity: 1536)
        writer.object { writer in
            writer.member("createdAt", replica.createdAt)
            writer.key("fields")
            writer.object { writer in
                for (member, value) in replica.fields {
                    writer.key(text: member)
                    writer.value(value)
                }
            }
            writer.key("groups")
            writer.strings(kind.orderedGroupNames(groups))
            writer.member("id", replica.id)
            writer.member("implicit", true)
            writer.member("kind", kind)
            writer.member("owner", replica.owner)
            writer.member("reviewDate", reviewDate)
            if let status = replica.status {
                writer.key("status")
                writer.value(status)
            }
            writer.member("version", replica.version)
            writer.member("writable", strings: kind.orderedGroupNames(writable))
        }
        return writer.bytes
    }

    /// The copy as stored: the envelope, the groups and the registers.
    public var jsonValue: JSONValue {
        var members: JSONObject
        if let version = implicitVersion {
            var fields = JSONObject()
            for (name, register) in replica.registers where name.hasPrefix("fields.") {
                fields[String(name.dropFirst("fields.".count))] = register.writes[0].value
            }
            members = [
                "id": replica.id.jsonValue, "kind": replica.kind.jsonValue, "owner": replica.owner.jsonValue,
                "createdAt": replica.createdAt.jsonValue, "implicit": true, "version": version.jsonValue, "fields": .object(fields),
            ]
            members["status"] = replica.registers["status"]?.writes[0].value
        } else {
            members = replica.jsonValue.objectValue ?? JSONObject()
        }
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
