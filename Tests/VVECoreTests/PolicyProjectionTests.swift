import Testing

@testable import VVECore

@Suite struct PolicyProjectionTests {
    let today = CalendarDate(year: 2026, month: 11, day: 25)!
    let time = Timestamp(millisecondsSinceEpoch: 1_764_000_000_000)
    let encoder = MatchKeyEncoder(key: LinkageKey(hex: String(repeating: "3c", count: 32))!)
    let camden = AuthorityName("camden")!

    func records(seed: UInt64, count: Int) -> [CaseRecord] {
        var generator = SyntheticRecords(seed: seed, owner: camden, today: today)
        var random = SeededGenerator(seed: seed)
        return (0..<count).map { index in
            // Missing episodes are not in the generator's usual mix; every fifth record is one.
            let draft = generator.nextDraft(kind: index % 5 == 4 ? .missingEpisode : nil)
            return CaseRecord(draft: draft, id: RecordID.make(at: time, owner: camden, using: &random), node: camden, at: time)
        }
    }

    /// Every string in a JSON value, with the path where it sits.
    func strings(_ value: JSONValue, path: String = "") -> [(String, String)] {
        switch value {
        case .string(let text): [(path, text)]
        case .array(let elements): elements.flatMap { strings($0, path: path + "[]") }
        case .object(let members): members.flatMap { strings($0.value, path: path + "." + $0.key) }
        default: []
        }
    }

    func people(_ record: CaseRecord) -> [Person] {
        switch record.fields {
        case .relocation(let relocation)?: [relocation.youngPerson]
        case .sharedPerpetrator(let perpetrator)?: [perpetrator.person]
        case .missingEpisode(let episode)?: [episode.person]
        case .countyLinesLink(let link)?: link.linkedPeople.map(\.person)
        case nil: []
        }
    }

    @Test func aKindTableGivesEachKindItsOwnValue() {
        let names = KindTable { $0.rawValue }
        for kind in RecordKind.allCases {
            #expect(names[kind] == kind.rawValue)
            #expect(names.map { $0.count }[kind] == kind.rawValue.count)
        }
    }

    /// `encodedCopyItem`, which sync sends, writes `project`'s document byte for byte, for
    /// any policy, peer and stored state: sent as fields (implicit or not), with registers,
    /// withheld, erased, and with a person that cannot be read.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func theEncodedCopyItemIsTheProjectedDocumentsCanonicalJSON(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed &* 104_729)
        let peers: [(AuthorityName, PeerRole)] =
            DemoRegion.boroughs.map { ($0, .borough) } + [(AuthorityName("met-police")!, .police), (AuthorityName("london-vru")!, .vru)]
        let haringey = AuthorityName("haringey")!
        var sources: [(ProjectionSource, [StoredReplica?])] = []
        for record in records(seed: seed, count: 60) {
            // With a holder's write the registers go as they are; the owner's own sent
            // register by register stays implicit.
            let owners = ReplicatedRecord(implicit: record)
            var registers = owners.registers
            let name = try #require(registers.keys.sorted().first { $0.hasPrefix("fields.") })
            let write = registers[name]!.writes[0]
            registers[name] = FieldRegister(
                normalising: [write, FieldWrite(value: write.value, version: VersionVector(counters: [haringey: 1]), writer: haringey)])
            let edited = ReplicatedRecord(id: owners.id, kind: owners.kind, owner: owners.owner, createdAt: owners.createdAt, registers: registers)
            sources.append((ProjectionSource(record), [nil, .implicit, .registers(owners), .registers(edited)]))
            if sources.count % 10 == 0 {
                sources.append((ProjectionSource(record.erased(by: camden, at: time)), [.implicit]))
            }
        }
        // A person that cannot be read is sent as null, never as a guess.
        let relocation = try #require(records(seed: seed, count: 20).first { $0.kind == .relocation })
        var document = try #require(relocation.jsonValue.objectValue)
        var fields = try #require(document["fields"]?.objectValue)
        fields["youngPerson"] = ["forenames": 7]
        document["fields"] = .object(fields)
        let unreadable = try ProjectionSource.stored(.object(document))
        let placement = SharingPolicy(
            share: [.relocation: KindGrant(audience: [.all], groups: ["placement"])], reviewDays: 30, accept: [:], lookups: false, aggregates: false)
        let projected = try #require(
            PolicyProjection.project(unreadable, stored: .implicit, to: haringey, role: .borough, policy: placement, encoder: encoder, today: today)
                .document)
        #expect(projected["fields"]?["youngPerson"] == .null)
        #expect(
            PolicyProjection.encodedCopyItem(
                unreadable, stored: .implicit, plan: ProjectionPlan(peer: haringey, role: .borough, policy: placement, today: today), encoder: encoder
            )
                == JSONWriter.canonicalBytes(["copy": projected]))

        var sent = 0
        var withheld = 0
        for (source, states) in sources {
            let kind = source.kind
            let groups = Set(kind.fieldGroups.map(\.name).filter { _ in Bool.random(using: &random) })
            let accepted = Set(groups.filter { _ in Bool.random(using: &random) })
            let audience = Array(kind.audienceRules.filter { _ in Int.random(in: 0..<3, using: &random) == 0 })
            let policy = SharingPolicy(
                share: [kind: KindGrant(audience: audience.isEmpty ? [.all] : audience, groups: groups)],
                reviewDays: Int.random(in: 1...400, using: &random),
                accept: [kind: accepted], lookups: false, aggregates: false)
            for stored in states {
                for (peer, role) in peers {
                    let projection = PolicyProjection.project(
                        source, stored: stored, to: peer, role: role, policy: policy, encoder: encoder, today: today)
                    let plan = ProjectionPlan(peer: peer, role: role, policy: policy, today: today)
                    let item = PolicyProjection.encodedCopyItem(source, stored: stored, plan: plan, encoder: encoder)
                    #expect(
                        item == projection.document.map { JSONWriter.canonicalBytes(["copy": $0]) }, "\(kind) to \(peer) holding \(groups.sorted())")
                    if item == nil { withheld += 1 } else { sent += 1 }
                }
            }
        }
        #expect(sent > 500 && withheld > 100)
    }

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func generatedPoliciesNeverLeakWhatTheyWithhold(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed &* 7919)
        let peers: [(AuthorityName, PeerRole)] =
            DemoRegion.boroughs.map { ($0, .borough) } + [(AuthorityName("met-police")!, .police), (AuthorityName("london-vru")!, .vru)]
        var sent = 0
        var withheldChecked = 0
        for record in records(seed: seed, count: 400) {
            let kind = record.kind
            let (peer, role) = peers.randomElement(using: &random)!
            var groups = Set(kind.fieldGroups.map(\.name).filter { _ in Bool.random(using: &random) })
            if kind == .countyLinesLink, groups.contains("identity") { groups.insert("people") }
            let audience = Array(kind.audienceRules.filter { _ in Int.random(in: 0..<3, using: &random) == 0 })
            let grant = KindGrant(audience: audience.isEmpty ? [.all] : audience, groups: groups)
            let policy = SharingPolicy(share: [kind: grant], reviewDays: 30, accept: [:], lookups: false, aggregates: false)
            let projection = PolicyProjection.project(record, to: peer, role: role, policy: policy, encoder: encoder, today: today)
            let admitted = grant.audience.contains { $0.admits(peer, role: role, record: record.fields!) }
            #expect((projection.document != nil) == admitted, "\(projection.reason)")
            guard let document = projection.document else { continue }
            sent += 1
            let bytes = String(decoding: JSONWriter.canonicalBytes(document), as: UTF8.self)
            let included = Set(strings(document).map(\.1))
            // Values of withheld groups appear nowhere, unless the same value is also in a part
            // that was granted (an authority name, say).
            let source = record.fields!.jsonValue.objectValue!
            for group in kind.fieldGroups where !groups.contains(group.name) {
                for member in group.members {
                    guard let value = source[member] else { continue }
                    for (_, text) in strings(value) where !included.contains(text) {
                        #expect(!bytes.contains(JSONWriter.canonical(.string(text))), "group \(group.name) leaked \(text)")
                        withheldChecked += 1
                    }
                }
            }
            // Without identity, no name, alias or date of birth of any person is in the bytes.
            if !groups.contains("identity") {
                for person in people(record) {
                    // As JSON strings: a forename may also be part of a contact's name, which is not a leak.
                    for text in [person.forenames, person.surname, person.dateOfBirth?.description].compactMap({ $0 }) + person.aliases
                    where !included.contains(text) {
                        #expect(!bytes.contains(JSONWriter.canonical(.string(text))), "identity leaked: \(text)")
                        withheldChecked += 1
                    }
                }
            }
            #expect(document["reviewDate"]?.stringValue.flatMap(CalendarDate.init).map { $0 <= today.adding(days: 30) } == true)
            let expectedStatus: JSONValue? = groups.contains("status") ? .string(record.status.rawValue) : Optional<JSONValue>.none
            #expect(document["status"] == expectedStatus)
        }
        #expect(sent > 50)
        #expect(withheldChecked > 500)
    }

    /// Registers carry every concurrent write of a field, so the projection of each write
    /// must hold back what the projection of the record holds back.
    @Test(arguments: [21, 22] as [UInt64])
    func projectedRegistersNeverLeakWhatTheyWithhold(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let haringey = AuthorityName("haringey")!
        let all = records(seed: seed, count: 240)
        var checked = 0
        for (index, record) in all.enumerated() {
            // A concurrent edit elsewhere, with the values of another record of the same kind.
            guard let donor = all[(index + 1)...].first(where: { $0.kind == record.kind }) else { continue }
            let base = ReplicatedRecord(implicit: record)
            var local = base
            var remote = base
            let donorValues = ReplicatedRecord.registerValues(of: donor).filter { _ in Bool.random(using: &random) }
            remote.apply(donorValues.map { ($0.key, $0.value) }, by: haringey)
            local.apply([("status", "disrupted")], by: camden)
            let replica = local.merged(with: remote)
            let groups = Set(record.kind.fieldGroups.map(\.name).filter { _ in Bool.random(using: &random) })
            let policy = SharingPolicy(
                share: [record.kind: KindGrant(audience: [.all], groups: groups)], reviewDays: 30, accept: [:], lookups: false, aggregates: false)
            let projection = PolicyProjection.project(
                record, replica: replica, to: haringey, role: .borough, policy: policy, encoder: encoder, today: today)
            let document = try #require(projection.document)
            let bytes = String(decoding: JSONWriter.canonicalBytes(document), as: UTF8.self)
            // What may appear: the values of the record-level projection (itself held to the
            // same rules by the test above), never anything only the registers would add.
            var recordPart = document.objectValue!
            recordPart["registers"] = nil
            let sent = Set(record.kind.fieldGroups.filter { groups.contains($0.name) }.flatMap(\.members))
            // Also legitimate: the values of registers that are sent as they are, and node
            // names, which appear as writers and in versions.
            var included = Set(strings(.object(recordPart)).map(\.1))
            for (name, register) in replica.registers
            where (name == "status" && groups.contains("status")) || sent.contains(String(name.dropFirst("fields.".count))) {
                if ["fields.youngPerson", "fields.person", "fields.linkedPeople"].contains(name) { continue }
                for write in register.writes { included.formUnion(strings(write.value).map(\.1)) }
            }
            for write in replica.registers.values.flatMap(\.writes) {
                included.insert(write.writer.rawValue)
                included.formUnion(write.version.nodes.map(\.rawValue))
            }
            for (name, register) in replica.registers {
                let member = String(name.dropFirst("fields.".count))
                let isPerson = name == "fields.youngPerson" || name == "fields.person" || name == "fields.linkedPeople"
                let withheld = !(name == "status" && groups.contains("status")) && !(name.hasPrefix("fields.") && sent.contains(member)) && !isPerson
                for write in register.writes {
                    if withheld {
                        for (_, text) in strings(write.value) where !included.contains(text) {
                            #expect(!bytes.contains(JSONWriter.canonical(.string(text))), "register \(name) leaked \(text)")
                            checked += 1
                        }
                    } else if isPerson, !groups.contains("identity") {
                        for (path, text) in strings(write.value) where !path.hasSuffix(".role") && !included.contains(text) {
                            #expect(!bytes.contains(JSONWriter.canonical(.string(text))), "identity in \(name) leaked \(text)")
                            checked += 1
                        }
                    }
                }
            }
            #expect(document["registers"]?["reviewDate"] == Optional<JSONValue>.none)
        }
        #expect(checked > 300)
    }

    @Test func aKeysOnlyProjectionCarriesKeysAndNoIdentity() throws {
        let relocation = try #require(records(seed: 9, count: 60).first { $0.kind == .relocation })
        guard case .relocation(let fields)? = relocation.fields else {
            Issue.record("expected a relocation's fields")
            return
        }
        let policy = SharingPolicy(
            share: [.relocation: KindGrant(audience: [.all], groups: ["placement"])], reviewDays: 365, accept: [:], lookups: false, aggregates: false)
        let projection = PolicyProjection.project(
            relocation, to: fields.receivingAuthority, role: .borough, policy: policy, encoder: encoder, today: today)
        let document = try #require(projection.document)
        // The exact key alone: a fuzzy encoding would give the name and date of birth up to
        // any node holding the linkage key, token by token.
        let exact = try #require(encoder.keys(for: fields.youngPerson).exact)
        #expect(document["fields"]?["youngPerson"] == ["matchKeys": ["exact": .string(Hex.encode(exact))]])
        #expect(document["fields"]?["originatingSpoc"] == Optional<JSONValue>.none)
        #expect(document["groups"] == ["placement"])
        #expect(projection.groups.first { $0.group == "identity" }?.reason == "not granted: people are sent as match keys only")
        let bytes = JSONWriter.canonical(document)
        for text in [fields.youngPerson.forenames, fields.youngPerson.surname].compactMap({ $0 }) {
            #expect(!bytes.contains(text))
        }
        #expect(!bytes.contains("fuzzy"))
        // Without a full date of birth there is no exact key, and the person is sent as `{}`.
        var undated = fields
        undated.youngPerson.dateOfBirth = nil
        var undatedRecord = relocation
        undatedRecord.content = .fields(.relocation(undated))
        let undatedDocument = try #require(
            PolicyProjection.project(undatedRecord, to: fields.receivingAuthority, role: .borough, policy: policy, encoder: encoder, today: today)
                .document)
        #expect(undatedDocument["fields"]?["youngPerson"] == ["matchKeys": [:]])
    }

    @Test func aRelocationReachesOnlyItsTwoAuthoritiesAndPolice() {
        let policy = SharingPolicy(
            share: [.relocation: KindGrant(audience: [.originatingAuthority, .receivingAuthority, .police], groups: ["identity", "placement"])],
            reviewDays: 90, accept: [:], lookups: false, aggregates: false)
        var checked = 0
        for record in records(seed: 5, count: 300) where record.kind == .relocation {
            guard case .relocation(let fields)? = record.fields else { continue }
            for borough in DemoRegion.boroughs + DemoRegion.countyAreas {
                let sent =
                    PolicyProjection.project(record, to: borough, role: .borough, policy: policy, encoder: encoder, today: today).document != nil
                #expect(sent == (borough == fields.originatingAuthority || borough == fields.receivingAuthority))
                checked += 1
            }
            #expect(
                PolicyProjection.project(record, to: AuthorityName("met-police")!, role: .police, policy: policy, encoder: encoder, today: today)
                    .document != nil)
        }
        #expect(checked > 100)
        let unshared = PolicyProjection.project(
            records(seed: 5, count: 1)[0], to: camden, role: .borough, policy: .denyAll, encoder: encoder, today: today)
        #expect(unshared.document == nil)
        #expect(unshared.reason.hasSuffix("its peer file does not grant the kind (deny by default)"))
    }

    @Test func writesOutsideTheAcceptedGroupsAreRefusedWhole() {
        let policy = SharingPolicy(
            share: [.relocation: KindGrant(audience: [.receivingAuthority], groups: ["placement", "follow-up", "contacts"])], reviewDays: 90,
            accept: [.relocation: ["follow-up"]], lookups: false, aggregates: false)
        let enfield = AuthorityName("enfield")!
        #expect(
            PolicyProjection.refusal(
                ofWriteTo: .relocation, members: ["acknowledgement", "allocatedWorker"], changesStatus: false, from: enfield, policy: policy) == nil)
        #expect(
            PolicyProjection.refusal(
                ofWriteTo: .relocation, members: ["acknowledgement", "originatingSpoc", "youngPerson"], changesStatus: true, from: enfield,
                policy: policy)
                == "enfield may not write `fields.originatingSpoc` (group contacts), `fields.youngPerson` (group identity), the status (group status) of a relocation; this node accepts follow-up from it"
        )
        #expect(
            PolicyProjection.refusal(ofWriteTo: .countyLinesLink, members: ["lineName"], changesStatus: false, from: enfield, policy: policy)
                == "enfield may not write `fields.lineName` (group line) of a county-lines-link; this node accepts nothing from it")
        #expect(
            PolicyProjection.refusal(ofWriteTo: .relocation, members: ["shoeSize"], changesStatus: false, from: enfield, policy: policy)
                == "enfield may not write `fields.shoeSize` (not a relocation field) of a relocation; this node accepts follow-up from it")
    }
}

extension PolicyProjectionTests {
    /// Sync projects records as the store reads them, from their stored JSON without the typed
    /// record: the same source, the same audience, the same bytes as from the typed record.
    @Test func aStoredDocumentProjectsExactlyAsItsTypedRecord() throws {
        let peers: [(AuthorityName, PeerRole)] =
            DemoRegion.boroughs.map { ($0, .borough) } + [(AuthorityName("met-police")!, .police), (AuthorityName("london-vru")!, .vru)]
        var random = SeededGenerator(seed: 31)
        var all = records(seed: 11, count: 300)
        all.append(
            contentsOf: all.prefix(5).map { record in
                var erased = record
                erased.content = .erased(at: time)
                return erased
            })
        var sent = 0
        for record in all {
            let stored = try ProjectionSource.stored(try JSONParser.parse(JSONWriter.canonical(record.jsonValue)))
            #expect(stored == ProjectionSource(record))
            let kind = record.kind
            for (peer, role) in peers {
                for rule in kind.audienceRules where !record.isErased {
                    #expect(
                        rule.admits(peer, role: role, facts: AudienceFacts(kind: kind, fields: stored.fields!))
                            == rule.admits(peer, role: role, record: record.fields!), "\(rule) \(peer)")
                }
                let groups = Set(kind.fieldGroups.map(\.name).filter { _ in Bool.random(using: &random) })
                let audience = Array(kind.audienceRules.filter { _ in Int.random(in: 0..<3, using: &random) == 0 })
                let policy = SharingPolicy(
                    share: [kind: KindGrant(audience: audience.isEmpty ? [.all] : audience, groups: groups)], reviewDays: 30, accept: [:],
                    lookups: false, aggregates: false)
                let typed = PolicyProjection.project(
                    record, replica: ReplicatedRecord(implicit: record), to: peer, role: role, policy: policy, encoder: encoder, today: today)
                let fromStore = PolicyProjection.project(
                    stored, stored: .implicit, to: peer, role: role, policy: policy, encoder: encoder, today: today)
                #expect(typed.document.map(JSONWriter.canonical) == fromStore.document.map(JSONWriter.canonical))
                #expect(typed.reason == fromStore.reason && typed.groups == fromStore.groups)
                if typed.document != nil { sent += 1 }
            }
        }
        #expect(sent > 300)
    }

    @Test func aStoredDocumentThatIsNotARecordIsRefused() throws {
        let record = records(seed: 12, count: 1)[0]
        let document = try #require(record.jsonValue.objectValue)
        func refusal(_ change: (inout JSONObject) -> Void) -> [String] {
            var changed = document
            change(&changed)
            do {
                _ = try ProjectionSource.stored(.object(changed))
                return []
            } catch {
                return error.issues.map(\.description)
            }
        }
        #expect(refusal { _ in }.isEmpty)
        #expect(refusal { $0["fields"] = nil } == ["fields: must be an object on a live record, and absent on an erased one"])
        #expect(refusal { $0["erasedAt"] = .string(time.description) } == ["fields: must be an object on a live record, and absent on an erased one"])
        #expect(refusal { $0["version"] = nil } == ["version: is required: the version vector"])
        #expect(refusal { $0["colour"] = "red" }.first?.hasPrefix("colour: is not a known field here") == true)
    }
}
