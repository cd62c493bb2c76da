import Foundation
import GRDB
import Testing
import VVECore
import VVETestSupport

@testable import VVEStore

@Suite struct CaseStoreRecordTests {
    @Test func addWritesRecordChangeAndAuditTogether() throws {
        let store = try CaseStore.inMemory(node: camden)
        let record = try store.add(drafts(1)[0], context: context())
        #expect(record.owner == camden)
        #expect(record.version == VersionVector(counters: [camden: 1]))
        #expect(try tableCounts(store) == [1, 1, 1])
        let change = try store.changes()[0]
        #expect(change.recordID == record.id && change.operation == .create && change.version == record.version)
        let audit = try store.auditEntries()[0]
        #expect(audit.event.action == .create && audit.event.recordID == record.id && audit.event.actor == "j.okafor")
        #expect(try store.record(id: record.id, context: context(1)) == record)
    }

    @Test func readsAndListsAreAudited() throws {
        let store = try CaseStore.inMemory(node: camden)
        let records = try store.importDrafts(drafts(30), context: context())
        _ = try store.record(id: records[3].id, context: context(1))
        let relocations = try store.records(matching: RecordFilter(kind: .relocation), context: context(2))
        #expect(!relocations.isEmpty && relocations.allSatisfy { $0.kind == .relocation })
        let reads = try store.auditEntries(action: .read)
        #expect(reads.count == 2)
        #expect(reads[0].event.recordID == records[3].id)
        #expect(reads[1].event.detail == "list kind=relocation: \(relocations.count) records")
    }

    @Test func filtersCombine() throws {
        let store = try CaseStore.inMemory(node: camden)
        let all = try store.importDrafts(drafts(200), context: context())
        let filter = RecordFilter(kind: .sharedPerpetrator, status: .active, riskLevel: .high)
        let expected = all.filter { $0.kind == .sharedPerpetrator && $0.status == .active && $0.fields?.riskLevel == .high }
        #expect(!expected.isEmpty)
        #expect(try store.records(matching: filter, context: context()).map(\.id) == expected.map(\.id).sorted())
    }

    @Test func anImportsIdsSortInImportOrderAcrossItsChunks() throws {
        let store = try CaseStore.inMemory(node: camden)
        // Three chunks, made on every core, all in one millisecond.
        let imported = try store.importDrafts(drafts(2500), context: context())
        #expect(imported.map(\.id) == imported.map(\.id).sorted())
        #expect(Set(imported.map(\.id)).count == 2500)
        #expect(try store.records(matching: RecordFilter(), context: context()).map(\.id) == imported.map(\.id))
    }

    @Test func updateAppliesAMergePatchAndBumpsTheVersion() throws {
        let store = try CaseStore.inMemory(node: camden)
        let record = try store.add(drafts(1, kind: .relocation)[0], context: context())
        let newRisk: RiskLevel = record.fields?.riskLevel == .low ? .veryHigh : .low
        let spoc: JSONValue = ["name": "Ama Mensah", "email": "ama.mensah@enfield.example.gov.uk"]
        let outcome = try store.update(
            id: record.id, patch: ["fields": ["riskLevel": newRisk.jsonValue, "receivingSpoc": spoc]], today: today, context: context(5))
        guard case .updated(let updated) = outcome, case .relocation(let relocation) = updated.fields else {
            Issue.record("expected an updated relocation, got \(outcome)")
            return
        }
        #expect(relocation.riskLevel == newRisk)
        #expect(relocation.receivingSpoc?.name == "Ama Mensah")
        #expect(updated.version == VersionVector(counters: [camden: 2]))
        #expect(updated.updatedAt == context(5).time && updated.createdAt == record.createdAt)
        #expect(try store.auditEntries(action: .update).first?.event.detail?.contains("fields.riskLevel") == true)
        #expect(try store.changes().map(\.operation) == [.create, .update])
    }

    @Test func anEditThatChangesNothingWritesNothing() throws {
        let store = try CaseStore.inMemory(node: camden)
        let record = try store.add(drafts(1)[0], context: context())
        let before = try tableCounts(store)
        #expect(
            try store.update(id: record.id, patch: ["status": .string(record.status.rawValue)], today: today, context: context())
                == .unchanged(record))
        #expect(try tableCounts(store) == before)
    }

    @Test func anInvalidPatchChangesNothing() throws {
        let store = try CaseStore.inMemory(node: camden)
        let record = try store.add(drafts(1, kind: .countyLinesLink)[0], context: context())
        let before = try tableCounts(store)
        #expect(throws: ValidationError.self) {
            try store.update(id: record.id, patch: ["fields": ["importingAreas": []]], today: today, context: context())
        }
        #expect(try tableCounts(store) == before)
        #expect(try store.record(id: record.id, context: context()) == record)
    }

    @Test func closeSetsTheStatusOnce() throws {
        let store = try CaseStore.inMemory(node: camden)
        let record = try store.add(drafts(1, kind: .relocation)[0], context: context())
        guard case .updated(let closed) = try store.close(id: record.id, today: today, context: context()) else {
            Issue.record("expected the first close to change the record")
            return
        }
        #expect(closed.status == .closed)
        #expect(try store.close(id: record.id, today: today, context: context()) == .unchanged(closed))
    }

    @Test func eraseLeavesATombstoneWithoutTheBody() throws {
        let store = try CaseStore.inMemory(node: camden)
        let record = try store.add(drafts(1, kind: .relocation)[0], context: context())
        guard case .relocation(let relocation) = record.fields, let surname = relocation.youngPerson.surname else {
            Issue.record("expected a relocation with a surname")
            return
        }
        let reason = try Justification("retention period ended, case closed")
        let tombstone = try store.erase(id: record.id, justification: reason, context: context(9))
        #expect(tombstone.isErased && tombstone.version.dominates(record.version))
        let document = try store.reading { db in try String.fetchOne(db, sql: "SELECT document FROM record")! }
        #expect(!document.contains(surname))
        #expect(!document.contains("\"fields\""))
        #expect(try store.records(matching: RecordFilter(), context: context()).isEmpty)
        #expect(try store.records(matching: RecordFilter(includeErased: true), context: context()).map(\.id) == [record.id])
        let erasure = try store.auditEntries(action: .erase)
        #expect(erasure.map(\.event.justification) == ["retention period ended, case closed"])
        #expect(throws: StoreError.recordErased(record.id, at: context(9).time)) {
            try store.erase(id: record.id, justification: reason, context: context())
        }
        #expect(throws: StoreError.recordErased(record.id, at: context(9).time)) {
            try store.update(id: record.id, patch: ["status": "closed"], today: today, context: context())
        }
    }

    @Test func unknownRecordsAreReported() throws {
        let store = try CaseStore.inMemory(node: camden)
        let id = RecordID("01a209d4-e4af-71d9-9c1a-2533df440516")!
        #expect(throws: StoreError.recordNotFound(id)) { try store.record(id: id, context: context()) }
        #expect(try tableCounts(store) == [0, 0, 0])
    }

    @Test func exportAuditsEveryRecordWithItsReason() throws {
        let store = try CaseStore.inMemory(node: camden)
        let records = try store.importDrafts(drafts(12), context: context())
        let exported = try store.export(
            matching: RecordFilter(kind: .relocation), justification: try Justification("subject access request 2291"), context: context())
        #expect(exported.map(\.record.id) == records.filter { $0.kind == .relocation }.map(\.id).sorted())
        let entries = try store.auditEntries(action: .export)
        #expect(entries.map(\.event.recordID) == exported.map(\.record.id))
        #expect(entries.allSatisfy { $0.event.justification == "subject access request 2291" })
    }

    @Test func theAuditChainVerifiesAcrossOperations() throws {
        let store = try CaseStore.inMemory(node: camden)
        let records = try store.importDrafts(drafts(40), context: context())
        _ = try store.close(id: records[0].id, today: today, context: context(1))
        _ = try store.erase(id: records[1].id, justification: try Justification("entered in error by duty desk"), context: context(2))
        _ = try store.records(matching: RecordFilter(), context: context(3))
        guard case .intact(let count, let head) = try store.verifyAudit() else {
            Issue.record("the chain should verify")
            return
        }
        #expect(count == 43)
        #expect(head == (try store.auditEntries(limit: 1)).first?.hash)
    }
}

@Suite struct PeerWriteTests {
    let haringey = AuthorityName("haringey")!
    let policy = SharingPolicy(
        share: [.relocation: KindGrant(audience: [.receivingAuthority], groups: ["placement", "follow-up", "status"])], reviewDays: 90,
        accept: [.relocation: ["follow-up"]], lookups: false, aggregates: false)
    let later = Timestamp(millisecondsSinceEpoch: 1_795_460_340_000 + 60_000)

    /// camden's relocation, and haringey's copy of its registers.
    func relocation() throws -> (CaseStore, CaseRecord, ReplicatedRecord) {
        let store = try CaseStore.inMemory(node: camden)
        let record = try store.add(drafts(1, kind: .relocation)[0], context: context())
        return (store, record, try store.replica(id: record.id))
    }

    @Test func anAcceptedWriteMergesWithAConcurrentLocalEdit() throws {
        let (store, record, copy) = try relocation()
        var theirs = copy
        theirs.apply([("fields.acknowledgement", ["by": "Duty manager, Haringey", "date": .string(today.description)])], by: haringey)
        // Meanwhile camden raises the risk.
        let newRisk: JSONValue = record.fields?.riskLevel == .veryHigh ? "high" : "very-high"
        _ = try store.update(id: record.id, patch: ["fields": ["riskLevel": newRisk]], today: today, context: context(1))
        guard case .applied(let merged) = try store.applyPeerWrites(theirs, from: haringey, policy: policy, at: later) else {
            Issue.record("not applied")
            return
        }
        guard case .relocation(let fields)? = merged.fields else {
            Issue.record("expected a relocation's fields")
            return
        }
        #expect(fields.acknowledgement?.by == "Duty manager, Haringey")
        #expect(fields.riskLevel.jsonValue == newRisk)
        #expect(merged.version == VersionVector(counters: [camden: 2, haringey: 1]))
        #expect(try store.replica(id: record.id).version == merged.version)
        let audit = try store.auditEntries(action: .update).last
        #expect(audit?.event.actor == "peer:haringey")
        #expect(audit?.event.detail == "written by haringey: fields.acknowledgement")
        // The same batch again changes nothing.
        #expect(try store.applyPeerWrites(theirs, from: haringey, policy: policy, at: later) == .unchanged)
    }

    /// A holder can have seen no edits of the owner's record but those the owner made or
    /// accepted: a write whose version claims more is forged, and refused whole. A counter
    /// past the ceiling does not even read, so nothing a peer sends can overflow an edit.
    @Test func writesWithForgedVersionsAreRefusedAndTheOwnerEditsOnUnharmed() throws {
        let (store, record, copy) = try relocation()
        let enfield = AuthorityName("enfield")!
        let acknowledgement: JSONValue = ["by": "Duty manager, Haringey", "date": .string(today.description)]
        func refusal(_ counters: [AuthorityName: UInt64]) throws -> String? {
            let forged = ReplicatedRecord(
                id: copy.id, kind: copy.kind, owner: copy.owner, createdAt: copy.createdAt,
                registers: copy.registers.merging(
                    [
                        "fields.acknowledgement": FieldRegister(
                            FieldWrite(value: acknowledgement, version: VersionVector(counters: counters), writer: haringey))
                    ]
                ) { $1 })
            do {
                _ = try store.applyPeerWrites(forged, from: haringey, policy: policy, at: later)
                return nil
            } catch StoreError.writeRefused(_, _, let reason) {
                return reason
            }
        }
        let before = try tableCounts(store)
        #expect(
            try refusal([camden: 1000, haringey: 1])
                == "its write to fields.acknowledgement has a version counting 1000 edits by camden, of which this node has seen 1: {camden:1000,haringey:1}"
        )
        #expect(
            try refusal([camden: 1, enfield: 3, haringey: 1])
                == "its write to fields.acknowledgement has a version naming enfield, whose edits this node has never seen: {camden:1,enfield:3,haringey:1}"
        )
        #expect(try tableCounts(store)[0...1] == before[0...1], "no record or change written")
        #expect(try store.auditEntries(action: .refuse).count == 2)

        // On the wire, a counter near overflow is refused as it is read.
        var wire = try #require(copy.jsonValue.objectValue)
        var registers = try #require(wire["registers"]?.objectValue)
        let name = try #require(registers.keys.first)
        let forgedJSON = try JSONParser.parse(
            Array(
                #"[{"value":"x","writer":"haringey","version":{"camden":9223372036854775807,"haringey":1}}]"#.utf8))
        registers[name] = forgedJSON
        wire["registers"] = .object(registers)
        #expect(throws: ValidationError.self) { try ReplicatedRecord.read(from: .object(wire)) }
        var issues = IssueCollector()
        #expect(VersionVector.read(from: ["camden": .integer(Int64.max)], at: .root, issues: &issues) == VersionVector.empty)
        #expect(issues.issues.map(\.description).joined().contains("is not a whole number of edits from 1 to 1099511627776"))

        // The owner edits, closes and erases its record as ever.
        _ = try store.update(id: record.id, patch: ["status": "closed"], today: today, context: context(2))
        let erased = try store.erase(id: record.id, justification: try Justification("retention period has ended"), context: context(3))
        #expect(erased.isErased)
    }

    @Test func writesOutsideWhatIsAcceptedAreRefusedWholeAndAudited() throws {
        let (store, record, copy) = try relocation()
        let before = try tableCounts(store)
        func refusal(_ change: (inout ReplicatedRecord) -> Void) throws -> String? {
            var theirs = copy
            change(&theirs)
            do {
                _ = try store.applyPeerWrites(theirs, from: haringey, policy: policy, at: later)
                return nil
            } catch let error as StoreError {
                guard case .writeRefused(_, _, let reason) = error else { return "\(error)" }
                return reason
            }
        }
        #expect(
            try refusal {
                $0.apply([("fields.moveDate", "2026-01-01"), ("fields.acknowledgement", ["by": "x y", "date": "2026-01-01"])], by: haringey)
            }
                == "haringey may not write `fields.moveDate` (group placement) of a relocation; this node accepts follow-up from it")
        #expect(
            try refusal { $0.apply([("fields.acknowledgement", ["by": "x y", "date": "2026-01-01"])], by: AuthorityName("enfield")!) }
                == "it carries writes by enfield, which haringey did not make; a write reaches the owner from its writer only")
        #expect(try refusal { $0.erase(at: later, by: haringey) } == "haringey may not erase a record camden owns")
        #expect(
            try refusal { $0.apply([("reviewDate", "2030-01-01")], by: haringey) }
                == "haringey may not change the review date; only the owner reviews its records")
        #expect(
            try refusal { $0.apply([("fields.acknowledgement", ["by": "x y", "date": "31/01/2026"])], by: haringey) }?
                .hasPrefix("the merged record would be invalid: fields.acknowledgement.date") == true)
        // Nothing applied: the record and its replica are as they were; only refusals were audited.
        #expect(try store.record(id: record.id, context: context(5)) == record)
        #expect(try store.replica(id: record.id) == copy)
        let after = try tableCounts(store)
        #expect(after[0] == before[0] && after[1] == before[1])
        #expect(try store.auditEntries(action: .refuse).count == 5)
    }
}

@Suite struct ReplicaStateTests {
    @Test func aNewRecordsReplicaIsImplicitAndEditsMaterialiseOnlyWhatChanged() throws {
        let store = try CaseStore.inMemory(node: camden)
        let record = try store.add(drafts(1, kind: .relocation)[0], context: context())
        let implicit = try store.replica(id: record.id)
        #expect(implicit.version == record.version)
        #expect(implicit.registers["fields.riskLevel"]?.writes.map(\.version) == [record.version])
        #expect(try store.reading { db in try String.fetchOne(db, sql: "SELECT registers FROM record") } == nil)

        let newRisk: JSONValue = record.fields?.riskLevel == .veryHigh ? "low" : "very-high"
        guard
            case .updated(let updated) = try store.update(
                id: record.id, patch: ["fields": ["riskLevel": newRisk, "allocatedWorker": nil]], today: today, context: context(1))
        else {
            Issue.record("the edit changed nothing")
            return
        }
        let replica = try store.replica(id: record.id)
        #expect(replica.version == updated.version)
        #expect(replica.registers["fields.riskLevel"]?.writes.first?.value == newRisk)
        #expect(replica.registers["fields.riskLevel"]?.writes.first?.version == updated.version)
        // Untouched fields keep the version they were written at.
        #expect(replica.registers["fields.moveDate"]?.writes.first?.version == record.version)
        // What the registers resolve to is what the record says.
        let values = replica.resolved().values
        #expect(values == ReplicatedRecord.registerValues(of: updated))

        _ = try store.erase(id: record.id, justification: try Justification("entered in error by duty desk"), context: context(2))
        let erased = try store.replica(id: record.id)
        #expect(erased.erasure != nil && erased.registers.isEmpty)
        #expect(erased.version == VersionVector(counters: [camden: 3]))
    }
}

/// Two stores, two nodes: camden owns a relocation to haringey; haringey holds the copy
/// camden's policy grants, acknowledges it, and camden merges the acknowledgement.
@Suite struct SharedCopyTests {
    let haringey = AuthorityName("haringey")!
    let encoder = MatchKeyEncoder(key: LinkageKey(bytes: Array(repeating: 7, count: 32))!)
    let policy = SharingPolicy(
        share: [.relocation: KindGrant(audience: [.receivingAuthority], groups: ["placement", "follow-up", "status"])], reviewDays: 90,
        accept: [.relocation: ["follow-up"]], lookups: false, aggregates: false)
    let later = Timestamp(millisecondsSinceEpoch: 1_795_460_340_000 + 60_000)

    func projection(of record: CaseRecord, in store: CaseStore) throws -> JSONValue {
        let projection = PolicyProjection.project(
            record, replica: try store.replica(id: record.id), to: haringey, role: .borough, policy: policy, encoder: encoder, today: today)
        return try #require(projection.document)
    }

    /// A relocation from camden to haringey, not yet acknowledged.
    func relocationToHaringey(in store: CaseStore) throws -> CaseRecord {
        var draft = drafts(1, kind: .relocation)[0]
        guard case .relocation(var fields) = draft.fields else { throw TestError() }
        fields.receivingAuthority = haringey
        fields.acknowledgement = nil
        draft.fields = .relocation(fields)
        return try store.add(draft, context: context())
    }

    struct TestError: Error {}

    @Test func theReceivingAuthorityHoldsItsGroupsAcknowledgesAndTheOwnerSeesIt() throws {
        let camdenStore = try CaseStore.inMemory(node: camden)
        let haringeyStore = try CaseStore.inMemory(node: haringey)
        let record = try relocationToHaringey(in: camdenStore)

        guard case .created(let copy) = try haringeyStore.receiveSharedCopy(try projection(of: record, in: camdenStore), from: camden, at: later)
        else {
            Issue.record("no copy made")
            return
        }
        #expect(copy.groups == ["placement", "follow-up", "status"])
        #expect(copy.values["fields.receivingAuthority"] == "haringey")
        #expect(copy.values["fields.originatingSpoc"] == Optional<JSONValue>.none)
        #expect(copy.values["fields.youngPerson"]?["matchKeys"] != nil)
        #expect(try haringeyStore.auditEntries(action: .create).last?.event.actor == "peer:camden")

        let acknowledgement: JSONValue = ["by": "Duty manager, Haringey", "date": .string(today.description)]
        let edited = try haringeyStore.editSharedCopy(id: record.id, changes: [("fields.acknowledgement", acknowledgement)], context: context(1))
        let payload = edited.ownWrites(by: haringey)
        #expect(Array(payload.registers.keys) == ["fields.acknowledgement"])
        guard case .applied(let acknowledged) = try camdenStore.applyPeerWrites(payload, from: haringey, policy: policy, at: later) else {
            Issue.record("the acknowledgement was not applied")
            return
        }
        guard case .relocation(let merged)? = acknowledged.fields else {
            Issue.record("expected a relocation's fields")
            return
        }
        #expect(merged.acknowledgement?.by == "Duty manager, Haringey")

        // camden's next projection carries the acknowledgement back; haringey already has it.
        #expect(try haringeyStore.receiveSharedCopy(try projection(of: acknowledged, in: camdenStore), from: camden, at: later) == .unchanged)
        // A copy of camden's record sent by someone else is refused and audited.
        #expect(throws: StoreError.self) {
            try haringeyStore.receiveSharedCopy(try projection(of: acknowledged, in: camdenStore), from: AuthorityName("enfield")!, at: later)
        }
        #expect(try haringeyStore.auditEntries(action: .refuse).count == 1)
    }

    @Test func aCopyHoldingMoreThanItsGroupsIsRefused() throws {
        let camdenStore = try CaseStore.inMemory(node: camden)
        let haringeyStore = try CaseStore.inMemory(node: haringey)
        let record = try relocationToHaringey(in: camdenStore)
        var document = try projection(of: record, in: camdenStore).objectValue!
        document["groups"] = ["placement"]
        _ = document.removeValue(forKey: "writable")
        #expect(throws: StoreError.self) { try haringeyStore.receiveSharedCopy(.object(document), from: camden, at: later) }
        #expect(
            try haringeyStore.auditEntries(action: .refuse).first?.event.detail?.hasPrefix("write refused: shared copy malformed: registers.") == true
        )
        #expect(throws: StoreError.self) { try haringeyStore.sharedCopy(id: record.id, context: context(2)) }
    }

    @Test func aCopyOfAnotherOwnersRecordFromAnyOtherPeerIsRefused() throws {
        let camdenStore = try CaseStore.inMemory(node: camden)
        let haringeyStore = try CaseStore.inMemory(node: haringey)
        let record = try relocationToHaringey(in: camdenStore)
        let document = try projection(of: record, in: camdenStore)
        // enfield, a pinned peer, learnt the id from a lookup and sends it as its own record,
        // with another risk level, before camden's copy arrives, and again after it: either
        // way it would stand in for camden's record here.
        let enfield = AuthorityName("enfield")!
        var forged = try #require(document.objectValue)
        forged["owner"] = .string(enfield.rawValue)
        forged["version"] = ["enfield": 9]
        var fields = try #require(forged["fields"]?.objectValue)
        fields["riskLevel"] = "low"
        forged["fields"] = .object(fields)
        let refusal = "write refused: enfield sent a copy of \(record.id), an id enfield did not make; a node sends copies of its own records only"
        #expect(throws: StoreError.self) { try haringeyStore.receiveSharedCopy(.object(forged), from: enfield, at: later) }
        #expect(try haringeyStore.auditEntries(action: .refuse).last?.event.detail == refusal)
        #expect(try haringeyStore.reading { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM shared_copy") } == 0)
        #expect(try haringeyStore.receiveSharedCopy(document, from: camden, at: later) != .unchanged)
        let held = try haringeyStore.sharedCopy(id: record.id, context: context(2))
        #expect(held.owner == camden && held.values["fields.riskLevel"] == document["fields"]?["riskLevel"])
        #expect(held.values["fields.riskLevel"] != "low")
        #expect(throws: StoreError.self) { try haringeyStore.receiveSharedCopy(.object(forged), from: enfield, at: later) }
        #expect(try haringeyStore.auditEntries(action: .refuse).last?.event.detail == refusal)
        // The owner itself cannot change a record's kind either.
        var otherKind = try #require(document.objectValue)
        otherKind["kind"] = "shared-perpetrator"
        otherKind["fields"] = [:]
        otherKind["groups"] = ["status"]
        otherKind["writable"] = nil
        #expect(throws: StoreError.self) { try haringeyStore.receiveSharedCopy(.object(otherKind), from: camden, at: later) }
        #expect(
            try haringeyStore.auditEntries(action: .refuse).last?.event.detail
                == "write refused: camden sent \(record.id) as a shared-perpetrator record; this node holds it as a relocation record, and a record's kind never changes"
        )
        #expect(try haringeyStore.sharedCopy(id: record.id, context: context(3)) == held)
    }

    @Test func aCopyWithTheIdOfARecordOfThisNodesOwnIsRefused() throws {
        let camdenStore = try CaseStore.inMemory(node: camden)
        let haringeyStore = try CaseStore.inMemory(node: haringey)
        let own = try haringeyStore.add(drafts(1, seed: 9, kind: .relocation)[0], context: context())
        var document = try projection(of: try relocationToHaringey(in: camdenStore), in: camdenStore).objectValue!
        document["id"] = .string(own.id.description)
        #expect(throws: StoreError.self) { try haringeyStore.receiveSharedCopy(.object(document), from: camden, at: later) }
        #expect(
            try haringeyStore.auditEntries(action: .refuse).last?.event.detail
                == "write refused: camden sent a copy of \(own.id), an id camden did not make; a node sends copies of its own records only")
        #expect(try haringeyStore.reading { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM shared_copy") } == 0)
    }
}

@Suite struct ReleaseQueryTests {
    /// Every batch a peer asks for releases what it acknowledged; a full scan of the holdings
    /// there made a first sync quadratic in its records.
    @Test func acknowledgingReadsOnlyTheHoldingsWaitingForIt() throws {
        let store = try CaseStore.inMemory(node: camden)
        let plans = try store.reading { db in
            try [
                "DELETE FROM holder WHERE peer = ? AND release_after IS NOT NULL AND release_after <= ?",
                "DELETE FROM pending_writes WHERE owner = ? AND release_after IS NOT NULL AND release_after <= ?",
            ].map { sql in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: ["haringey", 10]).map { $0["detail"] as String }.joined(
                    separator: "; ")
            }
        }
        #expect(
            plans == [
                "SEARCH holder USING INDEX holder_release (peer=? AND release_after>? AND release_after<?)",
                "SEARCH pending_writes USING INDEX pending_writes_release (owner=? AND release_after>? AND release_after<?)",
            ])
    }

    /// Tokens read the exact keys of own entries alone, and the people of county-lines links
    /// without reading their documents; indexing a record must still find its entries by
    /// record, not scan every own entry (which made indexing quadratic).
    @Test func theMatchIndexIsReadByRecordAndOwnExactKeysByTheirOwnIndex() throws {
        let store = try CaseStore.inMemory(node: camden)
        let plans = try store.reading { db in
            try [
                ("DELETE FROM match_entry WHERE record_id = ? AND source = ?", ["01", "own"]),
                ("SELECT exact FROM match_entry WHERE source = 'own' AND alias = 0 AND exact IS NOT NULL", []),
                (
                    "SELECT SUM(json_array_length(document, '$.fields.linkedPeople')) FROM record WHERE owner = ? AND erased = 0 AND kind = 'county-lines-link'",
                    ["camden"]
                ),
            ].map { sql, arguments in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: StatementArguments(arguments)).map { $0["detail"] as String }
                    .joined(separator: "; ")
            }
        }
        #expect(
            plans == [
                "SEARCH match_entry USING INDEX match_entry_record (record_id=? AND source=?)",
                "SEARCH match_entry USING COVERING INDEX match_entry_own_exact (source=? AND alias=? AND exact>?)",
                "SEARCH record USING INDEX record_people (owner=? AND kind=? AND erased=?)",
            ])
    }
}

/// Retention trusts the clock only so far: erasures reach every holder and cannot be undone.
@Suite struct RetentionSweepTests {
    @Test func aSweepRefusesAClockThatWentBackCapsEachPassAndPassesOverWhatFails() throws {
        let store = try CaseStore.inMemory(node: camden)
        let records = try store.importDrafts(drafts(150, seed: 12, kind: .relocation), context: context())
        let policy = RetentionPolicy()
        // Far enough on that every record is past review and grace.
        let later = Timestamp(millisecondsSinceEpoch: context().time.millisecondsSinceEpoch + 800 * 86_400_000)

        // A clock that reads before the newest audit entry erases nothing.
        let behind = Timestamp(millisecondsSinceEpoch: context().time.millisecondsSinceEpoch - 120_000)
        #expect(throws: RetentionRefusal.self) { try store.sweepRetention(policy, today: later.calendarDate, at: behind) }
        #expect(try store.reading { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM record WHERE erased = 1") } == 0)

        // One record's stored document is broken: it is passed over, the rest go on.
        let broken = records[0].id
        try store.transaction { db in try db.execute(sql: "UPDATE record SET document = '{}' WHERE id = ?", arguments: [broken.description]) }
        let first = try store.sweepRetention(policy, today: later.calendarDate, at: later)
        #expect(first.failed == [broken])
        #expect(first.erased.count + first.failed.count == RetentionPolicy.erasureCap(live: 150))
        #expect(first.held == 150 - 100)
        let refusal = try store.auditEntries(action: .refuse).last?.event
        #expect(refusal?.recordID == broken && refusal?.detail?.hasPrefix("retention could not erase this record, and erased the others: ") == true)
        #expect(try store.verifyAudit() == .intact(entries: try store.auditEntries().count, headHash: try store.auditEntries().last!.hash))

        // Confirmed, the rest go in one pass.
        let second = try store.sweepRetention(policy, today: later.calendarDate, at: later, confirmed: true)
        #expect(second.erased.count == 50 && second.held == 0 && second.failed == [broken])
    }
}
