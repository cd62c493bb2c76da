import Foundation
import VVECore
import VVEStore
import VVESync

// What one step of a run does: add, edit, erase, write back, partition, replay.
extension Simulation {
    // MARK: - Steps

    func randomStep() throws {
        if random.chance(faults.partition) { partition() }
        if random.chance(faults.staleRedelivery) { redeliverStale() }
        if faults.policyChange > 0, random.chance(faults.policyChange) { changePolicy() }
        if faults.conflictResolution > 0, random.chance(faults.conflictResolution) { try resolveConflict() }
        switch random.below(100) {
        case 0..<8: try addRecord(owner: random.below(nodes.count))
        case 8..<30: try ownerEdit()
        case 30..<33: try erase()
        case 33..<48: try holderEdit()
        default:
            let (puller, source) = randomPair()
            _ = try pull(puller, from: source, limit: 1 + random.below(6), faulty: true)
        }
    }

    func addRecord(owner: Int) throws {
        guard records.count < maximumRecords else { return }
        let kind = random.pick(RecordKind.allCases)
        var draft = synthetic[owner].nextDraft(kind: kind)
        switch draft.fields {
        case .relocation(var fields):
            fields.receivingAuthority = names[randomOther(than: owner)]
            draft.fields = .relocation(fields)
        case .countyLinesLink(var fields):
            fields.importingAreas = randomOthers(than: owner)
            fields.dealLines = Array(Self.dealLines.prefix(2))
            draft.fields = .countyLinesLink(fields)
        case .sharedPerpetrator(var fields):
            fields.areasOfActivity = [names[owner]] + randomOthers(than: owner)
            draft.fields = .sharedPerpetrator(fields)
        case .missingEpisode(var fields):
            // Every episode has returned, so any status is valid, and none has held its
            // interview, so any answer to the offers is.
            fields.homeAuthority = names[randomOther(than: owner)]
            fields.hostArea = nil
            fields.foundIn = nil
            if fields.returnedAt == nil {
                let reported = Int64(Self.today.adding(days: -10).daysSinceEpoch) * 86_400_000
                fields.reportedMissingAt = Timestamp(millisecondsSinceEpoch: reported)
                fields.returnedAt = Timestamp(millisecondsSinceEpoch: reported + 3_600_000)
            }
            (fields.interviewHeldAt, fields.interviewHeldBy, fields.interviewOutcome) = (nil, nil, nil)
            draft.fields = .missingEpisode(fields)
        }
        let record = try stores[owner].add(draft, context: context())
        indexByID[record.id] = records.count
        records.append(Record(id: record.id, owner: owner, kind: kind))
        try trackOwnerWrite(record: records.count - 1, version: record.version)
        counts.adds += 1
        note("add R\(records.count - 1) \(kind.rawValue) at \(names[owner])")
    }

    func ownerEdit() throws {
        let live = records.indices.filter { !records[$0].erased }
        guard !live.isEmpty else { return }
        let index = random.pick(live)
        let record = records[index]
        let patch = ownerPatch(record)
        switch try stores[record.owner].update(id: record.id, patch: patch, today: Self.today, context: context()) {
        case .updated(let updated):
            try trackOwnerWrite(record: index, version: updated.version)
            counts.ownerEdits += 1
            note("owner edit R\(index): \(JSONWriter.canonical(patch))")
        case .unchanged:
            note("owner edit R\(index): unchanged")
        }
    }

    /// Tracks every register the owner's last edit wrote: they carry the record's new version.
    func trackOwnerWrite(record index: Int, version: VersionVector) throws {
        let record = records[index]
        let replica = try stores[record.owner].replica(id: record.id)
        for (field, register) in replica.registers.sorted(by: { $0.key < $1.key }) where register.writes.contains(where: { $0.version == version }) {
            writes.append(Write(record: index, field: field, version: version, writer: record.owner))
        }
    }

    /// A node keeps one of the values of one of its open conflicts. The resolution is a write
    /// like any other: tracked, it must reach the owner and every holder.
    func resolveConflict() throws {
        var open: [(node: Int, conflict: OpenConflict)] = []
        for node in nodes { open += try stores[node].conflicts(context: context()).map { (node, $0) } }
        guard !open.isEmpty else { return }
        let (node, conflict) = random.pick(open)
        let kept = random.pick([conflict.chosen] + conflict.others).value
        do {
            _ = try stores[node].resolveConflict(id: conflict.id, keeping: .value(kept), context: context())
        } catch StoreError.conflictChoice(_, let reason) {
            note("resolve at \(names[node]) refused: \(reason)")
            return
        }
        guard let index = indexByID[conflict.recordID] else { return }
        let replica: ReplicatedRecord
        if case .copy(let copy, _)? = try stores[node].syncSources([conflict.recordID])[conflict.recordID] {
            replica = copy.replica
        } else {
            replica = try stores[node].replica(id: conflict.recordID)
        }
        guard let write = replica.registers[conflict.field]?.writes.first(where: { $0.writer == names[node] }) else { return }
        writes.append(Write(record: index, field: conflict.field, version: write.version, writer: node))
        if node != records[index].owner { records[index].writtenByHolder = true }
        counts.resolutions += 1
        note("resolve at \(names[node]): R\(index) \(conflict.field) = \(JSONWriter.canonical(kept))")
    }

    func erase() throws {
        // Without `writesMayRaceErasure`, only records no holder ever wrote to are erased.
        let candidates = records.indices.filter { !records[$0].erased && (faults.writesMayRaceErasure || !records[$0].writtenByHolder) }
        guard !candidates.isEmpty else { return }
        let index = random.pick(candidates)
        _ = try stores[records[index].owner].erase(
            id: records[index].id, justification: try Justification("entered in error, simulation step \(step)"), context: context())
        records[index].erased = true
        counts.erasures += 1
        note("erase R\(index) at \(names[records[index].owner])")
    }

    func holderEdit() throws {
        let holder = random.below(nodes.count)
        var held: [Int] = []
        var candidates: [Int] = []
        // The owners' holder lists first: reading every copy each step dominated the run time.
        for owner in nodes where owner != holder {
            let owned = records.indices.filter { records[$0].owner == owner && (faults.writesMayRaceErasure || !records[$0].erased) }
            let holders = try stores[owner].holders(of: owned.map { records[$0].id })
            candidates += owned.filter { holders[records[$0].id]?.contains(names[holder]) == true }
        }
        let sources = try stores[holder].syncSources(candidates.map { records[$0].id })
        var writable: [Int: Set<String>] = [:]
        for index in candidates {
            if case .copy(let copy, _)? = sources[records[index].id] {
                held.append(index)
                writable[index] = copy.writable
            }
        }
        guard !held.isEmpty else { return }
        let index = random.pick(held)
        let record = records[index]
        // What the owner accepts, as the holder knows it: from the copy it last received.
        let accepted = writable[index] ?? []
        let fields = Self.holderFields(record.kind).filter { accepted.contains($0.group) }.map(\.field)
        guard !fields.isEmpty else { return }
        var changes: [(field: String, value: JSONValue)] = []
        for field in Set((0..<(1 + random.below(2))).map { _ in random.pick(fields) }).sorted() {
            changes.append((field, holderValue(field, kind: record.kind, holder: holder)))
        }
        let copy = try stores[holder].editSharedCopy(id: record.id, changes: changes, context: context())
        for (field, _) in changes {
            writes.append(Write(record: index, field: field, version: copy.replica.version, writer: holder))
        }
        records[index].writtenByHolder = true
        counts.holderEdits += 1
        let written = changes.map { "\($0.field)=\(JSONWriter.canonical($0.value))" }.joined(separator: " ")
        note("holder edit R\(index) at \(names[holder]): \(written)")
    }

    func partition() {
        var side = nodes.map { _ in random.chance(0.5) }
        if !side.contains(true) || !side.contains(false) { side[random.below(side.count)].toggle() }
        let until = step + 5 + random.below(30)
        for puller in nodes {
            for source in nodes where side[puller] != side[source] { blockedUntil[puller][source] = until }
        }
        counts.partitions += 1
        let sides = [true, false].map { value in nodes.filter { side[$0] == value }.map { names[$0].rawValue } }
        note("partition \(sides[0]) | \(sides[1]) until step \(until)")
    }

    func redeliverStale() {
        let (puller, source) = randomPair()
        guard blockedUntil[puller][source] <= step else { return }
        // Without `staleMayPassDeletions`, nothing built before a deletion arrives after it.
        let candidates = sent[puller][source].filter { faults.staleMayPassDeletions || (!$0.deletes && $0.builtAt > lastDeletion[puller][source]) }
        guard !candidates.isEmpty else { return }
        let old = random.pick(candidates)
        counts.stale += 1
        note("stale batch \(names[source])->\(names[puller]) built at step \(old.builtAt), to \(old.cursor): [\(describe(old.items))]")
        _ = deliver(old, to: puller, from: source)
    }
}
