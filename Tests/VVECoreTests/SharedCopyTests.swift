import Testing

@testable import VVECore

/// What a holder may do to its copy of a peer's record, decided before anything is written.
@Suite struct SharedCopyEditTests {
    let today = CalendarDate(year: 2026, month: 11, day: 25)!
    let time = Timestamp(millisecondsSinceEpoch: 1_764_000_000_000)
    let encoder = MatchKeyEncoder(key: LinkageKey(hex: String(repeating: "3c", count: 32))!)
    let camden = AuthorityName("camden")!
    let haringey = AuthorityName("haringey")!

    /// A relocation from camden to haringey, and haringey's copy under a policy that sends
    /// `groups` and accepts `accepted` back.
    func copy(groups: Set<String>, accepted: Set<String>) throws -> (CaseRecord, SharedCopy) {
        var generator = SyntheticRecords(seed: 5, owner: camden, today: today)
        var random = SeededGenerator(seed: 5)
        var draft = generator.nextDraft(kind: .relocation)
        guard case .relocation(var fields) = draft.fields else { throw Failure() }
        fields.receivingAuthority = haringey
        fields.acknowledgement = nil
        draft.fields = .relocation(fields)
        let record = CaseRecord(draft: draft, id: RecordID.make(at: time, owner: camden, using: &random), node: camden, at: time)
        let policy = SharingPolicy(
            share: [.relocation: KindGrant(audience: [.receivingAuthority], groups: groups)], reviewDays: 30, accept: [.relocation: accepted],
            lookups: false, aggregates: false)
        let document = try #require(
            PolicyProjection.project(
                record, replica: ReplicatedRecord(implicit: record), to: haringey, role: .borough, policy: policy, encoder: encoder, today: today
            ).document)
        return (record, try SharedCopy.read(from: document))
    }

    struct Failure: Error {}

    /// Why `SharedCopy.receive` refuses a document, as its audit entry would say; empty when
    /// it is accepted.
    func receiveRefusals(_ document: JSONValue) -> [String] {
        do {
            _ = try SharedCopy.receive(document)
            return []
        } catch {
            return error.issues.map(\.redactedDescription)
        }
    }

    func problems(_ copy: SharedCopy, _ patch: JSONValue) -> [String] {
        do {
            _ = try copy.changes(patch: patch)
            return []
        } catch {
            return error.issues.map(\.description)
        }
    }

    @Test func theOwnerSaysWhichGroupsItAcceptsAndTheCopyKeepsIt() throws {
        let (_, copy) = try copy(groups: ["placement", "follow-up", "status"], accepted: ["follow-up", "identity"])
        // identity is never writable on a copy: people are match keys there.
        #expect(copy.writable == ["follow-up"])
        #expect(copy.refusal(ofEditTo: "acknowledgement") == nil)
        #expect(
            copy.refusal(ofEditTo: "riskLevel")
                == "is in group placement, which camden does not accept from this node (it accepts edits to follow-up); only camden can change it")
        #expect(
            copy.refusal(ofEditTo: "originatingSpoc")
                == "is not in the groups this copy holds (placement, follow-up, status); only the owner, camden, can change it")
    }

    @Test func anAcceptedEditBecomesRegisterWritesAndAnUnchangedOneNone() throws {
        let (_, copy) = try copy(groups: ["placement", "follow-up", "status"], accepted: ["follow-up"])
        let acknowledgement: JSONValue = ["by": "Duty manager", "date": .string(today.description)]
        let changes = try copy.changes(patch: ["fields": ["acknowledgement": acknowledgement]])
        #expect(changes.map(\.field) == ["fields.acknowledgement"])
        #expect(changes.first?.value == acknowledgement)
        var edited = copy
        edited.replica.apply(changes, by: haringey)
        #expect(try edited.changes(patch: ["fields": ["acknowledgement": acknowledgement]]).isEmpty)
    }

    @Test func refusedEditsNameTheFieldAndTheFix() throws {
        let (_, copy) = try copy(groups: ["placement", "follow-up", "status"], accepted: ["follow-up"])
        #expect(
            problems(copy, ["fields": ["acknowledgement": ["by": "Duty manager", "date": "25/11/2026"]]]) == [
                #"fields.acknowledgement.date: "25/11/2026" is not a real date; write it as YYYY-MM-DD (for example 2026-03-14)"#
            ])
        #expect(
            problems(copy, ["fields": ["youngPerson": ["surname": "Smith"]]]) == [
                "fields.youngPerson: holds people, as match keys or names as the owner grants; only the owner, camden, can change it"
            ])
        #expect(
            problems(copy, ["status": "closed"]) == [#"status: "closed" is not a group camden accepts from this node; only camden can change it"#])
        #expect(problems(copy, ["reviewDate": "2027-01-01"]) == [#"reviewDate: cannot be edited on a shared copy: use "fields" or "status""#])
        #expect(problems(copy, "closed") == [#"(document): is a string; an edit is a merge patch object such as {"fields": {...}}"#])
    }

    @Test func aNarrowedPolicyLeavesNoRegisterOfAGroupNoLongerSent() throws {
        let (record, wide) = try copy(groups: ["placement", "follow-up", "status"], accepted: ["follow-up"])
        let policy = SharingPolicy(
            share: [.relocation: KindGrant(audience: [.receivingAuthority], groups: ["follow-up"])], reviewDays: 30, accept: [:],
            lookups: false, aggregates: false)
        let narrow = try SharedCopy.read(
            from: try #require(
                PolicyProjection.project(
                    record, replica: ReplicatedRecord(implicit: record), to: haringey, role: .borough, policy: policy, encoder: encoder,
                    today: today
                ).document))
        let merged = wide.merged(with: narrow)
        #expect(merged.groups == ["follow-up"])
        #expect(merged.writable.isEmpty)
        #expect(!merged.replica.registers.keys.contains("fields.riskLevel"))
        #expect(!merged.replica.registers.keys.contains("status"))
        // What is left still reads back as a valid copy.
        #expect(try SharedCopy.read(from: merged.jsonValue) == merged)
    }
}

extension SharedCopyEditTests {
    @Test func anUntouchedRecordTravelsAsFieldsAndAVersionAndReadsBackAsItsRegisters() throws {
        let (record, copy) = try copy(groups: ["placement", "follow-up", "status"], accepted: ["follow-up"])
        let policy = SharingPolicy(
            share: [.relocation: KindGrant(audience: [.receivingAuthority], groups: ["placement", "follow-up", "status"])], reviewDays: 30,
            accept: [.relocation: ["follow-up"]], lookups: false, aggregates: false)
        let document = try #require(
            PolicyProjection.project(
                record, replica: ReplicatedRecord(implicit: record), to: haringey, role: .borough, policy: policy, encoder: encoder, today: today
            ).document)
        #expect(document["implicit"] == true && document["registers"] == nil)
        // Every register the holder rebuilds is the owner's one write at the record's version.
        let fields = try #require(document["fields"]?.objectValue)
        #expect(Set(copy.replica.registers.keys) == Set(fields.keys.map { "fields." + $0 } + ["status"]))
        for (name, register) in copy.replica.registers {
            #expect(register.writes.count == 1 && register.writes[0].writer == camden && register.writes[0].version == record.version)
            let expected = name == "status" ? document["status"] : fields[String(name.dropFirst("fields.".count))]
            #expect(register.writes[0].value == expected, "\(name)")
        }
        // Once edited by a peer, the record travels with its registers again.
        var edited = ReplicatedRecord(implicit: record)
        edited.apply([("fields.acknowledgement", ["by": "Duty manager", "date": .string(today.description)])], by: haringey)
        let full = try #require(
            PolicyProjection.project(record, replica: edited, to: haringey, role: .borough, policy: policy, encoder: encoder, today: today).document)
        #expect(full["implicit"] == nil && full["registers"] != nil && full["fields"] == nil)
        // An implicit copy without its version is refused.
        var broken = try #require(document.objectValue)
        _ = broken.removeValue(forKey: "version")
        #expect(throws: ValidationError.self) { try SharedCopy.read(from: .object(broken)) }
    }
}

extension SharedCopyEditTests {
    @Test func aWithdrawnIdentityGrantLeavesNoNameInTheCopy() throws {
        let (record, named) = try copy(groups: ["identity", "placement", "status"], accepted: [])
        guard case .relocation(let fields)? = record.fields, let surname = fields.youngPerson.surname else { throw Failure() }
        #expect(JSONWriter.canonical(named.jsonValue).contains(surname))
        let (_, keysOnly) = try copy(groups: ["placement", "status"], accepted: [])
        let merged = named.merged(with: keysOnly)
        #expect(!JSONWriter.canonical(merged.jsonValue).contains(surname))
        #expect(merged.values["fields.youngPerson"]?["matchKeys"] != nil)
        #expect(merged.replica.registers["fields.youngPerson"]?.isConflicted == false)
        // And back: granted again, the name returns from the owner, not from what was held.
        #expect(keysOnly.merged(with: named).values["fields.youngPerson"]?["surname"] == .string(surname))
    }
}

extension SharedCopyEditTests {
    @Test func anUntouchedCopyIsStoredAsItTravelsAndAnEditedOneWithItsRegisters() throws {
        let (_, copy) = try copy(groups: ["placement", "follow-up", "status"], accepted: ["follow-up"])
        // Stored as fields and one version, and read back to the very same registers.
        let stored = copy.jsonValue
        #expect(stored["implicit"] == true && stored["registers"] == nil && stored["version"] != nil)
        #expect(try SharedCopy.read(from: stored) == copy)
        #expect(try SharedCopy.read(from: try JSONParser.parse(JSONWriter.canonical(stored))) == copy)
        // A holder's write makes a register the fields cannot say: stored with its registers.
        var edited = copy
        edited.replica.apply(
            try copy.changes(patch: ["fields": ["acknowledgement": ["by": "Duty manager", "date": .string(today.description)]]]), by: haringey)
        let full = edited.jsonValue
        #expect(full["implicit"] == nil && full["registers"] != nil && full["fields"] == nil)
        #expect(try SharedCopy.read(from: full) == edited)
        // The owner's removal of a field (a null write) is no implicit field either.
        var removed = copy
        removed.replica.apply([("fields.accommodationType", .null)], by: camden)
        #expect(removed.jsonValue["implicit"] == nil)
        #expect(try SharedCopy.read(from: removed.jsonValue) == removed)
    }

    @Test func anImplicitCopyIsReadWithTheChecksOfItsRegisters() throws {
        let (_, copy) = try copy(groups: ["placement", "status"], accepted: [])
        let stored = try #require(copy.jsonValue.objectValue)
        func refusals(_ change: (inout JSONObject) -> Void) -> [String] {
            var document = stored
            change(&document)
            do {
                _ = try SharedCopy.read(from: .object(document))
                return []
            } catch {
                return error.issues.map(\.description)
            }
        }
        #expect(refusals { _ in }.isEmpty)
        var fields = try #require(stored["fields"]?.objectValue)
        fields["eyeColour"] = "brown"
        #expect(refusals { $0["fields"] = .object(fields) } == ["fields.eyeColour: is not a field of relocation"])
        fields["eyeColour"] = nil
        fields["receivingSpoc"] = ["name": "A Person", "phone": "07700900123"]
        #expect(refusals { $0["fields"] = .object(fields) } == ["registers.fields.receivingSpoc: is outside the groups the copy holds"])
        #expect(refusals { $0["version"] = [:] } == ["version: {} is empty; every write has a version"])
        #expect(refusals { $0["registers"] = [:] } == ["registers: is not allowed in an implicit copy, which carries fields and a version instead"])
        #expect(refusals { $0["fields"] = nil } == ["fields: is required in an implicit copy: an object of the fields sent"])
    }

    @Test func everyProjectionAnOwnerSendsPassesTheValueChecks() throws {
        var generator = SyntheticRecords(seed: 11, owner: camden, today: today)
        var random = SeededGenerator(seed: 11)
        for kind in RecordKind.allCases {
            let groups = kind.fieldGroups.map(\.name)
            for index in 0..<40 {
                let record = CaseRecord(
                    draft: generator.nextDraft(kind: kind), id: RecordID.make(at: time, owner: camden, using: &random), node: camden, at: time)
                // Every group alone, then every group together (with identity, names are sent).
                let held: Set<String> = index < groups.count ? [groups[index]] : Set(groups)
                let policy = SharingPolicy(
                    share: [kind: KindGrant(audience: [.all], groups: held)], reviewDays: 30, accept: [:], lookups: false, aggregates: false)
                let document = try #require(
                    PolicyProjection.project(
                        record, replica: ReplicatedRecord(implicit: record), to: haringey, role: .borough, policy: policy, encoder: encoder,
                        today: today
                    ).document)
                let copy = try SharedCopy.read(from: document)
                #expect(copy.valueIssues() == [], "\(kind) holding \(held.sorted())")
                #expect(try SharedCopy.receive(document) == copy)
                // In register form, with a concurrent write of the same value, too.
                let edited = copy.withRegisters { registers in
                    for (name, register) in registers {
                        registers[name] = FieldRegister(
                            normalising: register.writes + [
                                FieldWrite(value: register.writes[0].value, version: VersionVector(counters: [haringey: 1]), writer: haringey)
                            ])
                    }
                }
                #expect(edited.valueIssues() == [], "\(kind) holding \(held.sorted()), in register form")
                // The stored form, written directly for an implicit copy, is its document's
                // canonical JSON, with writable groups or without.
                var writable = copy
                writable.writable = held.subtracting(["identity"])
                for stored in [copy, writable, edited] {
                    #expect(stored.storedBytes == JSONWriter.canonicalBytes(stored.jsonValue))
                }
                // Implicit unless nothing is held (a line's `identity` alone holds no field).
                #expect((copy.jsonValue["implicit"] == true) == !copy.replica.registers.isEmpty, "\(kind) holding \(held.sorted())")
                #expect(edited.jsonValue["implicit"] == nil)
            }
        }
    }

    @Test func aReceivedCopyWithAValueItsKindCannotHoldIsRefusedNamingTheField() throws {
        let (_, copy) = try copy(groups: ["placement", "follow-up", "status"], accepted: [])
        let stored = try #require(copy.jsonValue.objectValue)
        func refusals(_ change: (inout JSONObject, inout JSONObject) -> Void) -> [String] {
            var document = stored
            var fields = stored["fields"]?.objectValue ?? JSONObject()
            change(&document, &fields)
            document["fields"] = .object(fields)
            return receiveRefusals(.object(document))
        }
        #expect(refusals { _, _ in } == [])
        #expect(refusals { _, fields in fields["riskLevel"] = "catastrophic" } == ["fields.riskLevel: is not one of: low, medium, high, very-high"])
        #expect(refusals { _, fields in fields["moveDate"] = "yesterday" }.first?.hasPrefix("fields.moveDate: ") == true)
        #expect(refusals { document, _ in document["status"] = "sleeping" } == ["status: must be one of \(RecordStatus.allowedValues)"])
        #expect(
            refusals { _, fields in fields["receivingAuthority"] = fields["originatingAuthority"] }
                == ["fields.receivingAuthority: is the same as originatingAuthority; a relocation crosses a border"])
        // The person, as its exact key: a broken key is refused, and so is anything beside it;
        // a person without one is `{}`; a name is read as a person.
        #expect(
            refusals { _, fields in fields["youngPerson"] = ["matchKeys": ["exact": "zz"]] }
                == ["fields.youngPerson.matchKeys.exact: must be 64 lowercase hex digits (HMAC-SHA256)"])
        #expect(
            refusals { _, fields in fields["youngPerson"] = ["matchKeys": [:], "surname": "Boateng"] }.first?.hasPrefix(
                "fields.youngPerson.surname: ") == true)
        #expect(refusals { _, fields in fields["youngPerson"] = ["matchKeys": [:]] } == [])
        #expect(refusals { _, fields in fields["youngPerson"] = ["forenames": "Ama", "surname": "Boateng"] } == [])
        #expect(refusals { _, fields in fields["youngPerson"] = ["forenames": "Ama"] }.first?.hasPrefix("fields.youngPerson.surname: ") == true)
        // A conflict's sibling is checked as well as the value shown.
        let register = try #require(copy.replica.registers["fields.riskLevel"])
        let conflicted = copy.withRegisters {
            $0["fields.riskLevel"] = FieldRegister(
                normalising: register.writes + [FieldWrite(value: "catastrophic", version: VersionVector(counters: [haringey: 1]), writer: haringey)])
        }
        #expect(conflicted.valueIssues().map(\.redactedDescription) == ["fields.riskLevel: is not one of: low, medium, high, very-high"])
        #expect(throws: ValidationError.self) { try SharedCopy.receive(conflicted.jsonValue) }
    }

    /// A generated county lines link from camden as haringey receives it, holding `groups`.
    func projectedLine(seed: UInt64, groups: Set<String>) throws -> JSONValue {
        var generator = SyntheticRecords(seed: seed, owner: camden, today: today)
        var random = SeededGenerator(seed: seed)
        let record = CaseRecord(
            draft: generator.nextDraft(kind: .countyLinesLink), id: RecordID.make(at: time, owner: camden, using: &random), node: camden, at: time)
        let policy = SharingPolicy(
            share: [.countyLinesLink: KindGrant(audience: [.all], groups: groups)], reviewDays: 30, accept: [:], lookups: false, aggregates: false)
        return try #require(
            PolicyProjection.project(
                record, replica: ReplicatedRecord(implicit: record), to: haringey, role: .borough, policy: policy, encoder: encoder, today: today
            )
            .document)
    }

    /// A conflict's losing value need only be a value its field can hold: an owner keeps it
    /// for a person to review, and refusing it would stop every later batch from that owner.
    /// Rules across two fields hold for the values shown.
    @Test func aConflictsLosingValueIsCheckedAloneAndTheValuesShownTogether() throws {
        let copy = try SharedCopy.receive(try projectedLine(seed: 8, groups: ["activity"]))
        let firstSeen = try #require(copy.values["fields.firstSeen"]?.stringValue.flatMap(CalendarDate.init))
        let lastSeen = try #require(copy.replica.registers["fields.lastSeen"], "the generated line has a lastSeen")
        let firstSeenRegister = try #require(copy.replica.registers["fields.firstSeen"])
        let tooEarly = JSONValue.string(firstSeen.adding(days: -10).description)
        // A concurrent lastSeen before firstSeen, by either of two writers: whichever value
        // is shown must fit beside firstSeen; a losing one need not.
        var outcomes: Set<Bool> = []
        for writer in ["aaa", "haringey", "zzz"].map({ AuthorityName($0)! }) {
            let conflicted = copy.withRegisters {
                $0["fields.lastSeen"] = FieldRegister(
                    normalising: lastSeen.writes + [FieldWrite(value: tooEarly, version: VersionVector(counters: [writer: 1]), writer: writer)])
            }
            let shownTooEarly = conflicted.values["fields.lastSeen"] == tooEarly
            outcomes.insert(shownTooEarly)
            #expect(
                conflicted.valueIssues().isEmpty == !shownTooEarly, "\(writer): shown \(String(describing: conflicted.values["fields.lastSeen"]))")
        }
        // Both cases came up: the early date lost to the owner's once and won once.
        #expect(outcomes == [true, false])
        // A losing value that is no date at all is refused, whatever is shown.
        let broken = copy.withRegisters {
            $0["fields.firstSeen"] = FieldRegister(
                normalising: firstSeenRegister.writes + [
                    FieldWrite(value: "sometime", version: VersionVector(counters: [haringey: 1]), writer: haringey)
                ])
        }
        #expect(broken.valueIssues().map(\.path.text) == ["fields.firstSeen"])
    }

    /// vve before exact-only copies sent each person's fuzzy encoding too: such a copy is
    /// still applied, and the encoding is never kept, in a copy sent as fields or as registers.
    @Test func aFuzzyEncodingSentWithAPersonIsDroppedAndNeverStored() throws {
        let fuzzy = JSONValue.string(String(repeating: "0f", count: FuzzyEncoding.encodedBits / 8))
        func withFuzzy(_ person: JSONValue?) -> JSONValue {
            guard case .object(var members)? = person, case .object(var keys)? = members["matchKeys"] else { return person ?? .null }
            keys["fuzzy"] = fuzzy
            members["matchKeys"] = .object(keys)
            return .object(members)
        }
        // A county lines link sent as fields: each linked person.
        let line = try #require(try projectedLine(seed: 3, groups: ["people", "line"]).objectValue)
        var lineFields = try #require(line["fields"]?.objectValue)
        let linked = try #require(lineFields["linkedPeople"]?.arrayValue)
        try #require(!linked.isEmpty)
        lineFields["linkedPeople"] = .array(
            linked.map { entry in
                var members = entry.objectValue ?? JSONObject()
                members["person"] = withFuzzy(members["person"])
                return .object(members)
            })
        var oldLine = line
        oldLine["fields"] = .object(lineFields)
        // A relocation sent as registers: each write of the person's register.
        let (_, relocation) = try copy(groups: ["placement", "status"], accepted: [])
        var registers = try #require(relocation.replica.jsonValue["registers"]?.objectValue)
        let writes = try #require(registers["fields.youngPerson"]?.arrayValue)
        registers["fields.youngPerson"] = .array(
            writes.map { write in
                var members = write.objectValue ?? JSONObject()
                members["value"] = withFuzzy(members["value"])
                return .object(members)
            })
        var oldRelocation = try #require(relocation.jsonValue.objectValue)
        for key in ["fields", "implicit", "version", "status"] { oldRelocation[key] = nil }
        oldRelocation["registers"] = .object(registers)

        for (old, current) in [(JSONValue.object(oldLine), JSONValue.object(line)), (.object(oldRelocation), relocation.jsonValue)] {
            #expect(JSONWriter.canonical(old).contains("\"fuzzy\""))
            let received = try SharedCopy.receive(old)
            let incoming = try IncomingCopy.receive(old)
            #expect(received.storedBytes == (try SharedCopy.receive(current)).storedBytes)
            #expect(incoming.storedBytes == received.storedBytes)
            #expect(!String(decoding: received.storedBytes, as: UTF8.self).contains("fuzzy"))
        }
    }

    @Test func linkedPeopleAreCheckedAsMatchKeysOrNames() throws {
        let document = try #require(try projectedLine(seed: 3, groups: ["people", "line"]).objectValue)
        var fields = try #require(document["fields"]?.objectValue)
        var people = try #require(fields["linkedPeople"]?.arrayValue)
        try #require(!people.isEmpty && people[0]["person"]?["matchKeys"] != nil)
        #expect(try SharedCopy.receive(.object(document)).valueIssues() == [])
        func refusals(_ first: JSONValue) -> [String] {
            people[0] = first
            fields["linkedPeople"] = .array(people)
            var changed = document
            changed["fields"] = .object(fields)
            return receiveRefusals(.object(changed))
        }
        let keys = try #require(people[0]["person"])
        #expect(refusals(["role": "kingpin", "person": keys]).first?.hasPrefix("fields.linkedPeople[0].role: ") == true)
        #expect(
            refusals(["role": "victim"]) == ["fields.linkedPeople[0].person: is required: the person's exact key, or names when identity is granted"]
        )
        #expect(refusals(["role": "victim", "person": keys, "phone": "0"]).first?.hasPrefix("fields.linkedPeople[0].phone: ") == true)
        #expect(refusals(["role": "victim", "person": ["surname": "Mensah"]]) == [])
    }

    @Test func whetherACopyHoldsARegisterAgreesWithTheSetOfItsRegisterNames() {
        for kind in RecordKind.allCases {
            let groups = kind.fieldGroups.map(\.name)
            let names = ReplicatedRecord.registerNames(of: kind).union(["fields.nonsense", "nonsense", "fields."])
            for mask in 0..<(1 << groups.count) {
                let held = Set(groups.indices.filter { mask & (1 << $0) != 0 }.map { groups[$0] })
                let allowed = SharedCopy.registerNames(of: kind, groups: held)
                for name in names {
                    #expect(SharedCopy.holds(name, kind: kind, groups: held) == allowed.contains(name), "\(kind) \(held) \(name)")
                }
            }
        }
    }
}

extension SharedCopy {
    /// This copy with its registers changed.
    func withRegisters(_ change: (inout [String: FieldRegister]) -> Void) -> SharedCopy {
        var registers = replica.registers
        change(&registers)
        var copy = self
        copy.replica = ReplicatedRecord(id: replica.id, kind: replica.kind, owner: replica.owner, createdAt: replica.createdAt, registers: registers)
        return copy
    }
}
