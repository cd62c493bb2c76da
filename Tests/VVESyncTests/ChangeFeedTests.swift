import Testing
import VVECore
import VVESync
import VVETestSupport

@testable import VVEStore

/// Two nodes' stores exchanging batches through the change feed, without the network.
@Suite struct ChangeFeedTests {
    let camden = AuthorityName("camden")!
    let haringey = AuthorityName("haringey")!
    let enfield = AuthorityName("enfield")!
    let today = CalendarDate("2026-11-23")!
    let encoder = MatchKeyEncoder(key: LinkageKey(bytes: Array(repeating: 9, count: 32))!)
    /// camden's policy for haringey: relocations it receives, and its follow-up back.
    let haringeyPolicy = SharingPolicy(
        share: [.relocation: KindGrant(audience: [.receivingAuthority], groups: ["placement", "follow-up", "status"])], reviewDays: 90,
        accept: [.relocation: ["follow-up"]], lookups: false, aggregates: false)

    func context(_ millis: Int64 = 0) -> OperationContext {
        OperationContext(actor: try! OperatorName("j.okafor"), time: Timestamp(millisecondsSinceEpoch: 1_795_460_340_000 + millis))
    }

    /// camden's relocations: two to haringey, one to enfield, and a county lines link.
    func camdenStore() throws -> (CaseStore, [CaseRecord]) {
        let store = try CaseStore.inMemory(node: camden)
        var generator = SyntheticRecords(seed: 3, owner: camden, today: today)
        var records: [CaseRecord] = []
        for receiving in [haringey, enfield, haringey] {
            var draft = generator.nextDraft(kind: .relocation)
            guard case .relocation(var fields) = draft.fields else { continue }
            fields.receivingAuthority = receiving
            fields.acknowledgement = nil
            draft.fields = .relocation(fields)
            records.append(try store.add(draft, context: context()))
        }
        records.append(try store.add(generator.nextDraft(kind: .countyLinesLink), context: context()))
        return (store, records)
    }

    func batch(_ store: CaseStore, for peer: AuthorityName, policy: SharingPolicy, after cursor: Int64, limit: Int = 100) throws -> ChangeBatch {
        try ChangeFeed(store: store, encoder: encoder).batch(
            for: peer, role: .borough, policy: policy, after: cursor, limit: limit, today: today, at: context(10).time)
    }

    @Test func aRelocationReachesItsReceivingAuthorityOnlyAndTheAcknowledgementComesBack() throws {
        let (camdenStore, records) = try camdenStore()
        let haringeyStore = try CaseStore.inMemory(node: haringey)

        // Prepared, a batch is not yet disclosed: the server audits it before sending it. A
        // sink receives its body as it is built, each batch's afresh.
        let sink = CollectingSink()
        let feed = ChangeFeed(store: camdenStore, encoder: encoder)
        _ = try feed.prepare(
            for: haringey, role: .borough, policy: haringeyPolicy, after: 3, limit: 100, today: today, at: context(10).time, sink: sink)
        let prepared = try feed.prepare(
            for: haringey, role: .borough, policy: haringeyPolicy, after: 0, limit: 100, today: today, at: context(10).time, sink: sink)
        #expect(prepared.batch.items.count == 2)
        #expect(sink.bytes == prepared.batch.encoded() && sink.writes > 2)
        #expect(try camdenStore.auditEntries(action: .disclose).isEmpty)
        let first = try batch(camdenStore, for: haringey, policy: haringeyPolicy, after: 0)
        // The answer's bytes, written item by item where the items were projected, are the
        // batch's canonical JSON; so are they once a test changes the items.
        #expect(first.encoded() == JSONWriter.canonicalBytes(first.jsonValue))
        var changed = first
        changed.items.removeLast()
        #expect(changed.encoded() == JSONWriter.canonicalBytes(changed.jsonValue) && changed.encoded() != first.encoded())
        let sentIDs = first.items.compactMap { $0["copy"]?["id"]?.stringValue }
        #expect(sentIDs == [records[0].id.description, records[2].id.description])
        #expect(first.cursor == 4 && !first.hasMore)
        let disclosure = try camdenStore.auditEntries(action: .disclose).last?.event
        #expect(disclosure?.detail == "to haringey: \(records[0].id), \(records[2].id)")
        // enfield's relocation and the county lines link: not for haringey, but passed.
        #expect(try batch(camdenStore, for: haringey, policy: haringeyPolicy, after: first.cursor).items.isEmpty)

        #expect(
            try haringeyStore.applyBatch(first.items, from: camden, policy: .denyAll, cursor: first.cursor, at: context(20).time)
                == BatchOutcome(applied: 2, unchanged: 0))
        #expect(try haringeyStore.cursor(for: camden) == 4)
        // A crash after applying and before acknowledging: the same batch comes again.
        #expect(
            try haringeyStore.applyBatch(first.items, from: camden, policy: .denyAll, cursor: first.cursor, at: context(21).time)
                == BatchOutcome(applied: 0, unchanged: 2))

        _ = try haringeyStore.editSharedCopy(
            id: records[0].id, changes: [("fields.acknowledgement", ["by": "Duty manager, Haringey", "date": .string(today.description)])],
            context: context(30))
        let back = try batch(haringeyStore, for: camden, policy: .denyAll, after: 0)
        #expect(back.items.count == 1 && back.items[0]["writes"] != nil)
        #expect(
            try camdenStore.applyBatch(back.items, from: haringey, policy: haringeyPolicy, cursor: back.cursor, at: context(40).time).applied == 1)
        guard case .relocation(let acknowledged)? = try camdenStore.record(id: records[0].id, context: context(41)).fields else {
            Issue.record("expected a relocation's fields")
            return
        }
        #expect(acknowledged.acknowledgement?.by == "Duty manager, Haringey")

        // camden's next batch carries the acknowledged record back; haringey already has it all.
        let echo = try batch(camdenStore, for: haringey, policy: haringeyPolicy, after: first.cursor)
        #expect(echo.items.count == 1)
        #expect(
            try haringeyStore.applyBatch(echo.items, from: camden, policy: .denyAll, cursor: echo.cursor, at: context(50).time)
                == BatchOutcome(applied: 0, unchanged: 1))
    }

    @Test func aRefusedItemIsSetAsideAndRetriedWhenThePolicyChanges() throws {
        let (camdenStore, records) = try camdenStore()
        let haringeyStore = try CaseStore.inMemory(node: haringey)
        let first = try batch(camdenStore, for: haringey, policy: haringeyPolicy, after: 0)
        _ = try haringeyStore.applyBatch(first.items, from: camden, policy: .denyAll, cursor: first.cursor, at: context(20).time)
        // One acceptable write, and one outside the accepted groups: haringey's own store
        // refuses to make it, so a misbehaving haringey forges it into the batch.
        _ = try haringeyStore.editSharedCopy(
            id: records[0].id, changes: [("fields.acknowledgement", ["by": "Duty manager", "date": .string(today.description)])], context: context(30)
        )
        #expect(throws: StoreError.self) {
            try haringeyStore.editSharedCopy(id: records[2].id, changes: [("fields.moveDate", .string(today.description))], context: context(31))
        }
        var forged = try haringeyStore.sharedCopy(id: records[2].id, context: context(31))
        forged.replica.apply([("fields.moveDate", .string(today.description))], by: haringey)
        var back = try batch(haringeyStore, for: camden, policy: .denyAll, after: 0)
        back.items.append(["writes": forged.ownWrites(by: haringey).jsonValue])
        #expect(back.items.count == 2)
        // The forged write is set aside; the acknowledgement behind it is applied, and the
        // cursor moves past both.
        #expect(
            try camdenStore.applyBatch(back.items, from: haringey, policy: haringeyPolicy, cursor: back.cursor, at: context(40).time)
                == BatchOutcome(applied: 1, setAside: 1))
        #expect(try camdenStore.cursor(for: haringey) == back.cursor)
        let reason = "haringey may not write `fields.moveDate` (group placement) of a relocation; this node accepts follow-up from it"
        #expect(
            try camdenStore.auditEntries(action: .refuse).map(\.event.detail) == [
                "write refused: \(reason); set aside, retried when this node's policy for haringey or its vve version changes"
            ])
        #expect(
            try camdenStore.setAsideItems()
                == [
                    SetAsideItem(
                        peer: haringey, recordID: records[2].id, reason: reason, refusedBy: SoftwareVersion.current, at: context(40).time, refusals: 1
                    )
                ]
        )
        func relocation(_ id: RecordID) throws -> Relocation? {
            guard case .relocation(let fields)? = try camdenStore.record(id: id, context: context(41)).fields else { return nil }
            return fields
        }
        #expect(try relocation(records[0].id)?.acknowledgement?.by == "Duty manager")
        #expect(try relocation(records[2].id)?.moveDate != today)
        // Under the same policy, a later batch does not retry it.
        let empty = try batch(haringeyStore, for: camden, policy: .denyAll, after: back.cursor)
        #expect(
            try camdenStore.applyBatch(empty.items, from: haringey, policy: haringeyPolicy, cursor: empty.cursor, at: context(42).time)
                == BatchOutcome())
        #expect(try camdenStore.setAsideItems().count == 1)
        // The agreement widens to placement: the next batch, empty as it is, applies it.
        var widened = haringeyPolicy
        widened.accept[.relocation] = ["follow-up", "placement"]
        #expect(
            try camdenStore.applyBatch(empty.items, from: haringey, policy: widened, cursor: empty.cursor, at: context(43).time)
                == BatchOutcome(retried: 1))
        #expect(try camdenStore.setAsideItems().isEmpty)
        #expect(try relocation(records[2].id)?.moveDate == today)
        #expect(try camdenStore.auditEntries(action: .update).last?.event.detail == "set-aside item applied on retry")
    }

    @Test func anItemSetAsideUnderAnotherVersionIsRetriedAndOneRefusedAgainStays() throws {
        let (camdenStore, _) = try camdenStore()
        let haringeyStore = try CaseStore.inMemory(node: haringey)
        var first = try batch(camdenStore, for: haringey, policy: haringeyPolicy, after: 0)
        var copy = try #require(first.items[1]["copy"]?.objectValue)
        var fields = try #require(copy["fields"]?.objectValue)
        fields["futureField"] = "what a later vve sends"
        copy["fields"] = .object(fields)
        first.items[1] = ["copy": .object(copy)]
        #expect(
            try haringeyStore.applyBatch(first.items, from: camden, policy: .denyAll, cursor: first.cursor, at: context(20).time)
                == BatchOutcome(applied: 1, setAside: 1))
        // Refused by another version of vve, it is tried again, and refused again by this one.
        try haringeyStore.transaction { db in try db.execute(sql: "UPDATE set_aside SET refused_by = '0.0.9'") }
        #expect(
            try haringeyStore.applyBatch([], from: camden, policy: .denyAll, cursor: first.cursor, at: context(21).time) == BatchOutcome())
        let kept = try #require(try haringeyStore.setAsideItems().first)
        #expect(kept.refusedBy == SoftwareVersion.current && kept.refusals == 2 && kept.at == context(21).time)
        #expect(
            try haringeyStore.auditEntries(action: .refuse).last?.event.detail?.hasPrefix(
                "write refused again on retry: shared copy malformed: fields") == true)
        // A later copy of the same record, as it should be, releases it.
        let again = try batch(camdenStore, for: haringey, policy: haringeyPolicy, after: 0)
        #expect(
            try haringeyStore.applyBatch(again.items, from: camden, policy: .denyAll, cursor: again.cursor, at: context(22).time)
                == BatchOutcome(applied: 1, unchanged: 1))
        #expect(try haringeyStore.setAsideItems().isEmpty)
        #expect(
            try haringeyStore.auditEntries(action: .update).last?.event.detail == "set-aside item released: a later item about the record was applied"
        )
        #expect(try haringeyStore.sharedCopies(context: context(23)).count == 2)
    }

    @Test func aCopyHoldingAValueItsKindCannotHoldIsSetAside() throws {
        let (camdenStore, _) = try camdenStore()
        let haringeyStore = try CaseStore.inMemory(node: haringey)
        var first = try batch(camdenStore, for: haringey, policy: haringeyPolicy, after: 0)
        #expect(first.items.count == 2)
        // A broken or hostile camden: its second copy says the move happened "last week".
        var copy = try #require(first.items[1]["copy"]?.objectValue)
        var fields = try #require(copy["fields"]?.objectValue)
        fields["moveDate"] = "last week"
        copy["fields"] = .object(fields)
        first.items[1] = ["copy": .object(copy)]
        #expect(
            try haringeyStore.applyBatch(first.items, from: camden, policy: .denyAll, cursor: first.cursor, at: context(20).time)
                == BatchOutcome(applied: 1, setAside: 1))
        // The first copy is held, the cursor has moved, and the refusal names the field
        // without its value.
        #expect(
            try haringeyStore.sharedCopies(context: context(21)).map(\.id) == [
                try #require(RecordID(first.items[0]["copy"]?["id"]?.stringValue ?? ""))
            ])
        #expect(try haringeyStore.cursor(for: camden) == first.cursor)
        let refusal = try #require(try haringeyStore.auditEntries(action: .refuse).last?.event.detail)
        #expect(refusal.hasPrefix("write refused: shared copy malformed: fields.moveDate: "))
        #expect(!refusal.contains("last week"))
        #expect(try haringeyStore.setAsideItems().map(\.recordID) == [RecordID(copy["id"]?.stringValue ?? "")])
    }

    @Test func aPeerAtTheSetAsideLimitHasItsBatchRefusedWhole() throws {
        let (camdenStore, _) = try camdenStore()
        let haringeyStore = try CaseStore.inMemory(node: haringey)
        var first = try batch(camdenStore, for: haringey, policy: haringeyPolicy, after: 0)
        first.items[1] = ["neither": "copy nor writes"]
        try haringeyStore.transaction { db in
            for _ in 0..<CaseStore.setAsideLimit {
                try db.execute(
                    sql: "INSERT INTO set_aside(peer, item, reason, refused_by, policy, at) VALUES ('camden', '{}', 'earlier', ?, '', ?)",
                    arguments: [SoftwareVersion.current, context(1).time.description])
            }
        }
        #expect(throws: StoreError.self) {
            try haringeyStore.applyBatch(first.items, from: camden, policy: .denyAll, cursor: first.cursor, at: context(20).time)
        }
        #expect(try haringeyStore.cursor(for: camden) == 0 && haringeyStore.sharedCopies(context: context(21)).isEmpty)
        #expect(
            try haringeyStore.auditEntries(action: .refuse).last?.event.detail
                == "write refused: batch refused whole: item 1 is not a copy, writes, an erasure or a withdrawal; camden already has 10000 items set aside here, the most a peer may: `vve status` lists them, and its admin has to fix what it sends"
        )
    }

    @Test func theCursorMovesPastWhatAPeerMayNotSee() throws {
        let (camdenStore, _) = try camdenStore()
        // A peer granted nothing: every batch is empty, and the cursor still reaches the end.
        var cursor: Int64 = 0
        var batches = 0
        repeat {
            let next = try batch(camdenStore, for: enfield, policy: .denyAll, after: cursor, limit: 1)
            #expect(next.items.isEmpty)
            cursor = next.cursor
            batches += 1
            if !next.hasMore { break }
        } while batches < 10
        #expect(cursor == 4)
        #expect(try camdenStore.auditEntries(action: .disclose).isEmpty)
    }
}

extension ChangeFeedTests {
    @Test func anErasureAndAWithdrawalReachExactlyTheHolders() throws {
        let (camdenStore, records) = try camdenStore()
        let haringeyStore = try CaseStore.inMemory(node: haringey)
        let enfieldStore = try CaseStore.inMemory(node: enfield)
        let first = try batch(camdenStore, for: haringey, policy: haringeyPolicy, after: 0)
        _ = try haringeyStore.applyBatch(first.items, from: camden, policy: .denyAll, cursor: first.cursor, at: context(20).time)
        let enfieldFirst = try batch(camdenStore, for: enfield, policy: haringeyPolicy, after: 0)
        _ = try enfieldStore.applyBatch(enfieldFirst.items, from: camden, policy: .denyAll, cursor: enfieldFirst.cursor, at: context(20).time)

        // camden erases one of haringey's records, and moves the other to enfield.
        _ = try camdenStore.erase(id: records[0].id, justification: try Justification("entered in error by duty desk"), context: context(30))
        _ = try camdenStore.update(id: records[2].id, patch: ["fields": ["receivingAuthority": "enfield"]], today: today, context: context(31))

        let lost = try batch(camdenStore, for: haringey, policy: haringeyPolicy, after: first.cursor)
        #expect(lost.items.map { $0.objectValue?.keys.first ?? "?" } == ["erase", "withdraw"])
        // That answer never arrived: haringey asks from the same cursor and is told again.
        let next = try batch(camdenStore, for: haringey, policy: haringeyPolicy, after: first.cursor)
        #expect(next.items.map { $0.objectValue?.keys.first ?? "?" } == ["erase", "withdraw"])
        #expect(try haringeyStore.applyBatch(next.items, from: camden, policy: .denyAll, cursor: next.cursor, at: context(40).time).applied == 2)
        #expect(throws: StoreError.self) { try haringeyStore.sharedCopy(id: records[0].id, context: context(41)) }
        #expect(throws: StoreError.self) { try haringeyStore.sharedCopy(id: records[2].id, context: context(42)) }
        let deletions = try haringeyStore.auditEntries(action: .erase).compactMap(\.event.detail)
        #expect(
            deletions == [
                "shared copy deleted: erased by its owner", "shared copy deleted: withdrawn by its owner: this node is no longer in its audience",
            ])

        // enfield never held the erased record, so it hears nothing of it; it gets the moved one.
        let enfieldNext = try batch(camdenStore, for: enfield, policy: haringeyPolicy, after: enfieldFirst.cursor)
        #expect(enfieldNext.items.map { $0.objectValue?.keys.first ?? "?" } == ["copy"])
        #expect(enfieldNext.items.first?["copy"]?["id"]?.stringValue == records[2].id.description)
        // Asking past that batch acknowledges it: haringey is no longer a holder, and even a
        // rescan from the old cursor says nothing more of the two records.
        #expect(try batch(camdenStore, for: haringey, policy: haringeyPolicy, after: next.cursor).items.isEmpty)
        #expect(try batch(camdenStore, for: haringey, policy: haringeyPolicy, after: first.cursor).items.isEmpty)

        // The lost answer, delivered late after all, is stale: it brings nothing back.
        let stale = try haringeyStore.applyBatch(first.items, from: camden, policy: .denyAll, cursor: first.cursor, at: context(50).time)
        #expect(stale == BatchOutcome(applied: 0, unchanged: first.items.count))
        #expect(throws: StoreError.self) { try haringeyStore.sharedCopy(id: records[0].id, context: context(51)) }
        #expect(try haringeyStore.cursor(for: camden) == next.cursor)
    }
}

extension ChangeFeedTests {
    /// camden's policy for haringey that also accepts placement edits back.
    var placementPolicy: SharingPolicy {
        SharingPolicy(
            share: [.relocation: KindGrant(audience: [.receivingAuthority], groups: ["placement", "follow-up", "status"])], reviewDays: 90,
            accept: [.relocation: ["follow-up", "placement"]], lookups: false, aggregates: false)
    }

    /// Pulls everything `from` has for `to` and applies it at `to`.
    func exchange(_ from: CaseStore, _ to: CaseStore, policy sending: SharingPolicy, accepting: SharingPolicy) throws {
        let batch = try batch(from, for: to.node, policy: sending, after: try to.cursor(for: from.node))
        _ = try to.applyBatch(batch.items, from: from.node, policy: accepting, cursor: batch.cursor, at: context(60).time)
    }

    @Test func aConflictIsListedOnBothSidesAndAResolutionSupersedesItEverywhere() throws {
        let (camdenStore, records) = try camdenStore()
        let haringeyStore = try CaseStore.inMemory(node: haringey)
        let id = records[0].id
        try exchange(camdenStore, haringeyStore, policy: placementPolicy, accepting: .denyAll)

        // Concurrent edits of the accommodation type: no rule merges them.
        _ = try camdenStore.update(id: id, patch: ["fields": ["accommodationType": "foster-placement"]], today: today, context: context(70))
        _ = try haringeyStore.editSharedCopy(id: id, changes: [("fields.accommodationType", "supported-accommodation")], context: context(71))
        try exchange(haringeyStore, camdenStore, policy: .denyAll, accepting: placementPolicy)
        try exchange(camdenStore, haringeyStore, policy: placementPolicy, accepting: .denyAll)

        let atCamden = try camdenStore.conflicts(context: context(80))
        let atHaringey = try haringeyStore.conflicts(context: context(80))
        #expect(atCamden.map(\.field) == ["fields.accommodationType"] && atHaringey.map(\.field) == ["fields.accommodationType"])
        // Both show the same value, chosen the same way, and keep the other.
        #expect(atCamden.first?.chosen == atHaringey.first?.chosen)
        #expect(Set(([atCamden[0].chosen] + atCamden[0].others).map(\.value)) == ["foster-placement", "supported-accommodation"])
        #expect(atCamden.first?.onCopy == false && atHaringey.first?.onCopy == true)

        // camden keeps haringey's value; the resolution dominates both and reaches haringey.
        let (_, kept) = try camdenStore.resolveConflict(id: atCamden[0].id, keeping: .remote, context: context(90))
        #expect(kept == "supported-accommodation")
        #expect(try camdenStore.conflicts(context: context(91)).isEmpty)
        guard case .relocation(let resolved)? = try camdenStore.record(id: id, context: context(92)).fields else {
            Issue.record("expected a relocation's fields")
            return
        }
        #expect(resolved.accommodationType.rawValue == "supported-accommodation")
        try exchange(camdenStore, haringeyStore, policy: placementPolicy, accepting: .denyAll)
        #expect(try haringeyStore.conflicts(context: context(93)).isEmpty)
        #expect(try haringeyStore.sharedCopy(id: id, context: context(94)).values["fields.accommodationType"] == "supported-accommodation")

        // Choices that cannot resolve are refused, naming why.
        #expect(throws: StoreError.conflictNotFound(atCamden[0].id)) {
            try camdenStore.resolveConflict(id: atCamden[0].id, keeping: .local, context: context(95))
        }
    }

    @Test func aValueThatIsNotValidDoesNotResolveAConflict() throws {
        let (camdenStore, records) = try camdenStore()
        let haringeyStore = try CaseStore.inMemory(node: haringey)
        let id = records[0].id
        try exchange(camdenStore, haringeyStore, policy: placementPolicy, accepting: .denyAll)
        _ = try camdenStore.update(id: id, patch: ["fields": ["accommodationType": "foster-placement"]], today: today, context: context(70))
        _ = try haringeyStore.editSharedCopy(id: id, changes: [("fields.accommodationType", "relatives")], context: context(71))
        try exchange(haringeyStore, camdenStore, policy: .denyAll, accepting: placementPolicy)
        let conflict = try #require(try camdenStore.conflicts(context: context(80)).first)
        #expect(throws: StoreError.self) { try camdenStore.resolveConflict(id: conflict.id, keeping: .value("hotel"), context: context(81)) }
        #expect(try camdenStore.conflicts(context: context(82)).map(\.id) == [conflict.id])
        #expect(try camdenStore.resolveConflict(id: conflict.id, keeping: .local, context: context(83)).1 == "foster-placement")
    }
}

extension ChangeFeedTests {
    @Test func overdueRecordsAreErasedEverywhereAndTombstonesGoOnlyOnceEveryHolderHasDeleted() throws {
        let (camdenStore, records) = try camdenStore()
        let review = today.adding(days: 10)
        for record in records {
            _ = try camdenStore.update(id: record.id, patch: ["reviewDate": .string(review.description)], today: today, context: context(1))
        }
        let haringeyStore = try CaseStore.inMemory(node: haringey)
        try exchange(camdenStore, haringeyStore, policy: haringeyPolicy, accepting: .denyAll)
        // haringey acknowledges one copy, but its batch has not reached camden yet.
        _ = try haringeyStore.editSharedCopy(
            id: records[0].id, changes: [("fields.acknowledgement", ["by": "Duty manager", "date": .string(today.description)])], context: context(5))

        let policy = RetentionPolicy(reviewGraceDays: 30, tombstoneDays: 90)
        let due = try camdenStore.reviewDue(today: review.adding(days: 1), context: context(6))
        #expect(Set(due.map(\.id)) == Set(records.map(\.id)) && due.allSatisfy { !$0.onCopy })
        // Within the grace period nothing is erased; past it, everything overdue is.
        #expect(try camdenStore.sweepRetention(policy, today: review.adding(days: 30), at: context(7).time) == RetentionOutcome())
        let sweepTime = Timestamp(millisecondsSinceEpoch: context(8).time.millisecondsSinceEpoch)
        let swept = try camdenStore.sweepRetention(policy, today: review.adding(days: 31), at: sweepTime)
        #expect(Set(swept.erased) == Set(records.map(\.id)))
        let reasons = try camdenStore.auditEntries(action: .erase).compactMap(\.event.justification)
        #expect(reasons.count == records.count && reasons.allSatisfy { $0.hasPrefix("review overdue: due ") })

        // haringey has not yet acknowledged the erasures: the tombstones stay, however old.
        let muchLater = Timestamp(millisecondsSinceEpoch: sweepTime.millisecondsSinceEpoch + 91 * 86_400_000)
        let erasing = try batch(camdenStore, for: haringey, policy: haringeyPolicy, after: try haringeyStore.cursor(for: camden))
        #expect(erasing.items.allSatisfy { $0["erase"] != nil } && erasing.items.count == 2)
        _ = try haringeyStore.applyBatch(erasing.items, from: camden, policy: .denyAll, cursor: erasing.cursor, at: context(9).time)
        let held = try camdenStore.sweepRetention(policy, today: muchLater.calendarDate, at: muchLater).tombstonesCollected
        #expect(Set(held) == Set([records[1].id, records[3].id]))
        // haringey asks past the batch: now every tombstone may go, except none is left young.
        _ = try batch(camdenStore, for: haringey, policy: haringeyPolicy, after: erasing.cursor)
        let collected = try camdenStore.sweepRetention(policy, today: muchLater.calendarDate, at: muchLater).tombstonesCollected
        #expect(Set(collected) == Set([records[0].id, records[2].id]))
        #expect(try camdenStore.changes().isEmpty)

        // The acknowledgement haringey wrote before the erasure arrives late: moot, not refused.
        let late = try batch(haringeyStore, for: camden, policy: .denyAll, after: 0)
        #expect(try camdenStore.applyBatch(late.items, from: haringey, policy: haringeyPolicy, cursor: late.cursor, at: muchLater).applied == 0)
        #expect(try camdenStore.auditEntries(action: .refuse).isEmpty)
        #expect(throws: StoreError.self) { try camdenStore.record(id: records[0].id, context: context(10)) }
    }

    @Test func removingAPeerDeletesItsCopiesAndItsHoldings() throws {
        let (camdenStore, _) = try camdenStore()
        let haringeyStore = try CaseStore.inMemory(node: haringey)
        try exchange(camdenStore, haringeyStore, policy: haringeyPolicy, accepting: .denyAll)
        #expect(try haringeyStore.forgetPeer(camden, actor: "test", at: context(20).time) == (2, 0))
        #expect(try haringeyStore.sharedCopies(context: context(21)).isEmpty)
        #expect(try haringeyStore.cursor(for: camden) == 0)
        #expect(try camdenStore.forgetPeer(haringey, actor: "test", at: context(22).time) == (0, 2))
    }
}

extension ChangeFeedTests {
    @Test func aWithdrawalKeepsTheHoldersWritesUntilTheOwnerHasThem() throws {
        let (camdenStore, records) = try camdenStore()
        let haringeyStore = try CaseStore.inMemory(node: haringey)
        let id = records[0].id
        try exchange(camdenStore, haringeyStore, policy: haringeyPolicy, accepting: .denyAll)
        // haringey acknowledges; before camden pulls it, camden moves the young person to enfield.
        _ = try haringeyStore.editSharedCopy(
            id: id, changes: [("fields.acknowledgement", ["by": "Duty manager, Haringey", "date": .string(today.description)])], context: context(5))
        _ = try camdenStore.update(id: id, patch: ["fields": ["receivingAuthority": "enfield"]], today: today, context: context(6))
        try exchange(camdenStore, haringeyStore, policy: haringeyPolicy, accepting: .denyAll)
        #expect(throws: StoreError.self) { try haringeyStore.sharedCopy(id: id, context: context(7)) }

        // The copy is gone, but the acknowledgement still reaches camden, once.
        try exchange(haringeyStore, camdenStore, policy: .denyAll, accepting: haringeyPolicy)
        guard case .relocation(let fields)? = try camdenStore.record(id: id, context: context(8)).fields else {
            Issue.record("expected a relocation's fields")
            return
        }
        #expect(fields.acknowledgement?.by == "Duty manager, Haringey")
        // Acknowledged by camden's next request: nothing more is owed.
        try exchange(haringeyStore, camdenStore, policy: .denyAll, accepting: haringeyPolicy)
        #expect(try batch(haringeyStore, for: camden, policy: .denyAll, after: 0).items.isEmpty)
    }
}

extension ChangeFeedTests {
    /// One pull from camden for `peer` under `policy`, applied at `store`.
    func pull(_ camdenStore: CaseStore, into store: CaseStore, under policy: SharingPolicy) throws -> [String] {
        let next = try batch(camdenStore, for: store.node, policy: policy, after: try store.cursor(for: camden))
        _ = try store.applyBatch(next.items, from: camden, policy: .denyAll, cursor: next.cursor, at: context(60).time)
        return next.items.map { $0.objectValue?.keys.first ?? "?" }
    }

    @Test func aChangedPolicyReachesWhatThePeerHoldsAndWhatItMayNowReceive() throws {
        let (camdenStore, records) = try camdenStore()
        let haringeyStore = try CaseStore.inMemory(node: haringey)
        let enfieldStore = try CaseStore.inMemory(node: enfield)
        #expect(try pull(camdenStore, into: haringeyStore, under: haringeyPolicy) == ["copy", "copy"])
        #expect(try pull(camdenStore, into: enfieldStore, under: .denyAll).isEmpty)

        // Narrowed groups: haringey's copies come again without follow-up.
        var narrowed = haringeyPolicy
        narrowed.share[.relocation] = KindGrant(audience: [.receivingAuthority], groups: ["placement", "status"])
        narrowed.accept = [:]
        #expect(try pull(camdenStore, into: haringeyStore, under: narrowed) == ["copy", "copy"])
        let copy = try haringeyStore.sharedCopy(id: records[0].id, context: context(61))
        #expect(copy.groups == ["placement", "status"] && copy.writable.isEmpty)
        #expect(!copy.replica.registers.keys.contains { $0.hasPrefix("fields.acknowledgement") || $0 == "fields.receivingSpoc" })
        // Unchanged since: nothing more.
        #expect(try pull(camdenStore, into: haringeyStore, under: narrowed).isEmpty)

        // Relocations no longer shared: both copies withdrawn.
        #expect(try pull(camdenStore, into: haringeyStore, under: .denyAll) == ["withdraw", "withdraw"])
        #expect(try haringeyStore.sharedCopies(context: context(62)).isEmpty)

        // Widened for enfield: the relocation it now receives comes, though it never changed;
        // the entries logged for haringey alone say nothing to enfield.
        #expect(try pull(camdenStore, into: enfieldStore, under: haringeyPolicy) == ["copy"])
        #expect(try enfieldStore.sharedCopies(context: context(63)).map(\.id) == [records[1].id])
    }
}

extension ChangeFeedTests {
    /// A restored peer's log is read again from the start, once; a peer whose log restarts
    /// again at once is refused until later, with nothing audited or reset.
    @Test func aRestartedLogIsReadAgainAndNotAgainAtOnce() async throws {
        let store = try CaseStore.inMemory(node: haringey)
        let before = String(repeating: "a", count: 32), after = String(repeating: "b", count: 32)
        let first = IncomingBatch(items: [], cursor: 5, hasMore: false, head: 5, since: 0, incarnation: before)
        #expect(try await store.applyPulled(first, from: camden, policy: .denyAll, at: context(1).time) == .applied(BatchOutcome()))
        #expect(try store.cursor(for: camden) == 5 && store.incarnation(of: camden) == before)
        let restored = IncomingBatch(items: [], cursor: 5, hasMore: false, head: 5, since: 5, incarnation: after)
        await #expect(throws: RestartTooSoon.self) {
            try await store.applyPulled(restored, from: camden, policy: .denyAll, mayRestart: false, at: context(2).time)
        }
        #expect(try store.cursor(for: camden) == 5 && store.incarnation(of: camden) == before)
        #expect(try store.auditEntries(action: .update).isEmpty)
        let reason = "its store is a new incarnation (bbbbbbbb, after aaaaaaaa): it was restored from a backup or rebuilt"
        #expect(try await store.applyPulled(restored, from: camden, policy: .denyAll, at: context(3).time) == .restarted(reason))
        #expect(try store.cursor(for: camden) == 0 && store.incarnation(of: camden) == after)
        #expect(
            try store.auditEntries(action: .update).map(\.event.detail)
                == ["reading camden's change log again from the start, from cursor 5: \(reason)"])
    }
}
