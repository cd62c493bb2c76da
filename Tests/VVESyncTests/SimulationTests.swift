import Foundation
import Testing
@testable import VVECore
@testable import VVEStore
import VVESync

/// Seeded simulations of five nodes syncing in process through the change feed: owners add,
/// edit and erase records, holders write back to their copies, and the network drops,
/// repeats and replays old batches, partitions, and nodes crash before committing a batch.
/// Then the network heals, every pair pulls until nothing changes, and every copy must be
/// what its owner would send now, with no acknowledged write lost.
///
/// Replay one seed: `VVE_SIM_SEED=17 swift test --skip-build --filter SimulationTests`;
/// add `VVE_SIM_TRACE=1` to print every step of it and its counts.
@Suite struct SimulationTests {
    /// The seeds a run covers: `VVE_SIM_SEED` alone when it is set, 1 to `VVE_SIM_SEEDS` for a
    /// longer soak, or 1 to 40.
    static let seeds: [UInt64] = {
        let environment = ProcessInfo.processInfo.environment
        if let text = environment["VVE_SIM_SEED"], let seed = UInt64(text) { return [seed] }
        return Array(1...max(1, environment["VVE_SIM_SEEDS"].flatMap { UInt64($0) } ?? 40))
    }()

    @Test(arguments: seeds)
    func everyCopyConvergesAndNoAcknowledgedWriteIsLost(seed: UInt64) {
        let run = Simulation.run(seed: seed, faults: .all)
        let clean = run.problems.isEmpty
        #expect(clean, "\(run.failureReport)")
    }
}

extension SimulationTests {
    /// Regressions the simulation found, kept as plain tests. The root of the first three:
    /// the owner forgot a holder as it *built* an erase or withdraw item for it, so a batch
    /// not committed at the holder was never sent again and the copy stayed for ever. Now a
    /// holder is released only when it asks past that batch.
    @Suite struct Regressions {
        /// camden moves a relocation from haringey to enfield, and the batch telling haringey
        /// to withdraw its copy is built but never committed (dropped, or haringey crashed
        /// first). Asking again from the same cursor, haringey is told again.
        @Test func aWithdrawalNotCommittedIsSentAgain() throws {
            let camden = AuthorityName("camden")!
            let haringey = AuthorityName("haringey")!
            let policy = SharingPolicy(
                share: [.relocation: KindGrant(audience: [.receivingAuthority], groups: ["placement", "follow-up", "status"])], reviewDays: 90,
                accept: [.relocation: ["follow-up"]], lookups: false, aggregates: false)
            let context = OperationContext(actor: Simulation.actor, time: Timestamp(millisecondsSinceEpoch: 1_795_460_340_000))
            let owner = try CaseStore.inMemory(node: camden)
            let holder = try CaseStore.inMemory(node: haringey)
            let feed = ChangeFeed(store: owner, encoder: Simulation.encoder)
            var generator = SyntheticRecords(seed: 1, owner: camden, today: Simulation.today)
            var draft = generator.nextDraft(kind: .relocation)
            guard case .relocation(var fields) = draft.fields else { return }
            fields.receivingAuthority = haringey
            draft.fields = .relocation(fields)
            let record = try owner.add(draft, context: context)
            func pull() throws -> ChangeBatch {
                try feed.batch(
                    for: haringey, role: .borough, policy: policy, after: try holder.cursor(for: camden), limit: 100, today: Simulation.today,
                    at: context.time)
            }
            let first = try pull()
            _ = try holder.applyBatch(first.items, from: camden, policy: .denyAll, cursor: first.cursor, at: context.time)
            _ = try owner.update(id: record.id, patch: ["fields": ["receivingAuthority": "enfield"]], today: Simulation.today, context: context)
            let lost = try pull()
            #expect(lost.items.map { $0.objectValue?.keys.first } == ["withdraw"])
            let again = try pull()
            _ = try holder.applyBatch(again.items, from: camden, policy: .denyAll, cursor: again.cursor, at: context.time)
            #expect(again.items.map { $0.objectValue?.keys.first } == ["withdraw"])
            let stillHeld = (try? holder.sharedCopy(id: record.id, context: context)) != nil
            #expect(!stillHeld, "haringey still holds the copy withdrawn from it")
        }

        /// The runs that found each bug, by the fault that led there: seed 4 lost a
        /// withdrawal; seed 3 replayed a stale batch after a withdrawal, which brought the copy
        /// back and moved the cursor backwards; seed 21 had a holder's write cross the erasure
        /// and the owner refuse the whole batch; seed 40, every fault, stopped a holder's
        /// stream for good.
        @Test(arguments: [(4, "deletions"), (3, "stale"), (21, "race"), (40, "all")] as [(UInt64, String)])
        func theRunsThatFoundThemConverge(seed: UInt64, fault: String) {
            var faults = Faults.recoverable
            switch fault {
            case "deletions": faults.deletionsMayBeLost = true
            case "stale": faults.staleMayPassDeletions = true
            case "race": faults.writesMayRaceErasure = true
            default:
                faults = .all
                faults.policyChange = 0
                faults.conflictResolution = 0
            }
            let run = Simulation.run(seed: seed, faults: faults)
            let clean = run.problems.isEmpty
            #expect(clean, "seed \(seed): \(run.problems.prefix(3).joined(separator: "; "))")
        }
    }
}

/// A tiny seeded generator (SplitMix64), so a run is a function of its seed alone.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// A number in `0..<bound`; written out rather than `Int.random(in:using:)`, whose
    /// algorithm the standard library may change, which would change every seed's run.
    mutating func below(_ bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }

    /// True with probability `probability`.
    mutating func chance(_ probability: Double) -> Bool {
        Double(next() >> 11) / Double(1 << 53) < probability
    }

    /// One element of a non-empty array.
    mutating func pick<Element>(_ options: [Element]) -> Element {
        options[below(options.count)]
    }
}

/// What may go wrong in one run: probabilities per pull or per step.
struct Faults: Sendable, Equatable {
    /// A batch is built (and audited as disclosed) but its response never arrives.
    var drop: Double
    /// The puller crashes before committing: nothing of the batch applied, cursor unmoved.
    var crashBeforeCommit: Double
    /// The same response is delivered twice.
    var duplicate: Double
    /// Per step: a batch delivered earlier arrives again, after newer ones.
    var staleRedelivery: Double
    /// Per step: the nodes split in two for a while.
    var partition: Double
    /// Per step: an owner changes what it shares with one peer (audiences, groups, review
    /// days, kinds), keeping what it accepts, so copies must be withdrawn, narrowed, widened
    /// or sent anew.
    var policyChange: Double = 0
    /// Per step: a node resolves one of its open conflicts (`vve conflicts resolve`).
    var conflictResolution: Double = 0
    /// Whether a batch carrying an erase or withdraw item may be dropped or lost in a crash.
    /// (Once a bug: a lost one was never sent again; see `SimulationTests.Regressions`.)
    var deletionsMayBeLost: Bool
    /// Whether a stale batch may arrive after a deletion built later: an old erase or
    /// withdraw, or an old copy. (Once a bug: the old copy came back.)
    var staleMayPassDeletions: Bool
    /// Whether owners may erase records their holders have written to, and holders write
    /// to copies whose owner has already erased them. (Once a bug: such a write made the
    /// owner refuse the holder's whole batch.)
    var writesMayRaceErasure: Bool

    /// Every fault but the three that once led into bugs.
    static let recoverable = Faults(
        drop: 0.15, crashBeforeCommit: 0.05, duplicate: 0.10, staleRedelivery: 0.04, partition: 0.03,
        deletionsMayBeLost: false, staleMayPassDeletions: false, writesMayRaceErasure: false)
    /// Every fault: what the main run uses.
    static let all = Faults(
        drop: 0.15, crashBeforeCommit: 0.05, duplicate: 0.10, staleRedelivery: 0.04, partition: 0.03, policyChange: 0.03, conflictResolution: 0.05,
        deletionsMayBeLost: true, staleMayPassDeletions: true, writesMayRaceErasure: true)
}

/// One seeded run: the nodes, what the test did to them, and what it found.
final class Simulation {
    /// A record as the test knows it: by index, because record ids are random.
    struct Record {
        let id: RecordID
        let owner: Int
        let kind: RecordKind
        var erased = false
        var writtenByHolder = false
    }

    /// A write the store accepted (it did not throw), to find again at the owner.
    struct Write {
        let record: Int
        let field: String
        let version: VersionVector
        let writer: Int
        /// The writer's copy was erased after this write: a write that had not reached the
        /// owner is moot, since the erasure is final. Counted. (A withdrawal keeps the
        /// holder's writes as pending writes until the owner has them: those must arrive.)
        var orphaned = false
    }

    /// A batch as it went over the wire, kept so the network can deliver it again later.
    struct Sent {
        let items: [JSONValue]
        let cursor: Int64
        let builtAt: Int
        let deletes: Bool
    }

    /// Counts, for the trace and for tuning.
    struct Counts {
        var adds = 0, ownerEdits = 0, erasures = 0, holderEdits = 0, pulls = 0, blocked = 0, dropped = 0, crashed = 0
        var duplicated = 0, stale = 0, partitions = 0, applied = 0, deletions = 0, refusedBatches = 0, healRounds = 0
        var checkedWrites = 0, orphanedWrites = 0, resolutions = 0, conflictsAtEnd = 0
    }

    /// The nodes, by index.
    static let names = ["camden", "haringey", "enfield", "islington", "hackney"].map { AuthorityName($0)! }
    /// Every node's today: dates in records are checked against it, never the wall clock.
    static let today = CalendarDate("2026-11-23")!
    /// The region's linkage key, shared by every node.
    static let encoder = MatchKeyEncoder(key: LinkageKey(bytes: Array(repeating: 9, count: 32))!)
    /// The operator every local edit is audited under.
    static let actor = try! OperatorName("sim.operator")
    /// Random steps per run: sized so 40 seeds take about 15 s in a debug build on two cores.
    static let steps = 150
    static let maximumRecords = 30
    static let maximumHealRounds = 12

    let seed: UInt64
    let faults: Faults
    var random: SplitMix64
    let stores: [CaseStore]
    var synthetic: [SyntheticRecords]
    /// `policies[owner][peer]`: what `owner` shares with `peer` and accepts from it.
    var policies: [[SharingPolicy]] = []
    var records: [Record] = []
    var indexByID: [RecordID: Int] = [:]
    var writes: [Write] = []
    /// `sent[puller][source]`: the batches delivered, oldest first.
    var sent: [[[Sent]]]
    /// `lastDeletion[puller][source]`: the step that built the last batch applied with a deletion.
    var lastDeletion: [[Int]]
    var blockedUntil: [[Int]]
    var step = 0
    var tick: Int64 = 0
    var trace: [String] = []
    var problems: [String] = []
    var counts = Counts()

    var nodes: Range<Int> { 0..<Self.names.count }

    private init(seed: UInt64, faults: Faults) throws {
        self.seed = seed
        self.faults = faults
        random = SplitMix64(seed: seed)
        stores = try Self.names.map { try CaseStore.inMemory(node: $0) }
        synthetic = Self.names.enumerated().map { SyntheticRecords(seed: seed &* 31 &+ UInt64($0.offset), owner: $0.element, today: Self.today) }
        let count = Self.names.count
        sent = Array(repeating: Array(repeating: [], count: count), count: count)
        lastDeletion = Array(repeating: Array(repeating: -1, count: count), count: count)
        blockedUntil = Array(repeating: Array(repeating: 0, count: count), count: count)
        policies = nodes.map { owner in nodes.map { peer in owner == peer ? .denyAll : randomPolicy() } }
    }

    /// Runs one seed to the end; store errors become problems rather than escaping, so the
    /// report always names the seed and the step.
    static func run(seed: UInt64, faults: Faults) -> Simulation {
        let simulation: Simulation
        do {
            simulation = try Simulation(seed: seed, faults: faults)
        } catch {
            preconditionFailure("in-memory stores open: \(error)")
        }
        simulation.runAll()
        if ProcessInfo.processInfo.environment["VVE_SIM_TRACE"] != nil {
            print(simulation.trace.joined(separator: "\n"))
            print("seed \(seed): \(simulation.counts)")
        }
        return simulation
    }

    /// The seed, the problems, the last steps and how to replay, for a failed expectation.
    var failureReport: String {
        """
        seed \(seed): \(problems.count) problem(s); replay with \(faults == .all ? "VVE_SIM_SEED=\(seed) " : "")VVE_SIM_TRACE=1
        \(problems.prefix(12).joined(separator: "\n"))
        last steps:
        \(trace.suffix(30).joined(separator: "\n"))
        """
    }

    private func runAll() {
        do {
            for owner in nodes {
                for _ in 0..<2 { try addRecord(owner: owner) }
            }
            for next in 1...Self.steps {
                step = next
                try randomStep()
            }
            step += 1
            try heal()
            // Conflicts mostly appear as the network heals: resolve them now, at whichever
            // node holds them, and heal again; the resolutions must converge like any write.
            if faults.conflictResolution > 0 {
                for _ in 0..<20 { try resolveConflict() }
                try heal()
            }
            try checkConvergence()
        } catch {
            problem("store error: \(error)")
        }
    }

    // MARK: - Steps

    private func randomStep() throws {
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

    private func addRecord(owner: Int) throws {
        guard records.count < Self.maximumRecords else { return }
        let kind = random.pick(RecordKind.allCases)
        var draft = synthetic[owner].nextDraft(kind: kind)
        switch draft.fields {
        case .relocation(var fields):
            fields.receivingAuthority = Self.names[randomOther(than: owner)]
            draft.fields = .relocation(fields)
        case .countyLinesLink(var fields):
            fields.importingAreas = randomOthers(than: owner)
            fields.dealLines = Array(Self.dealLines.prefix(2))
            draft.fields = .countyLinesLink(fields)
        case .sharedPerpetrator(var fields):
            fields.areasOfActivity = [Self.names[owner]] + randomOthers(than: owner)
            draft.fields = .sharedPerpetrator(fields)
        }
        let record = try stores[owner].add(draft, context: context())
        indexByID[record.id] = records.count
        records.append(Record(id: record.id, owner: owner, kind: kind))
        try trackOwnerWrite(record: records.count - 1, version: record.version)
        counts.adds += 1
        note("add R\(records.count - 1) \(kind.rawValue) at \(Self.names[owner])")
    }

    private func ownerEdit() throws {
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
    private func trackOwnerWrite(record index: Int, version: VersionVector) throws {
        let record = records[index]
        let replica = try stores[record.owner].replica(id: record.id)
        for (field, register) in replica.registers.sorted(by: { $0.key < $1.key }) where register.writes.contains(where: { $0.version == version }) {
            writes.append(Write(record: index, field: field, version: version, writer: record.owner))
        }
    }

    /// A node keeps one of the values of one of its open conflicts. The resolution is a write
    /// like any other: tracked, it must reach the owner and every holder.
    private func resolveConflict() throws {
        var open: [(node: Int, conflict: OpenConflict)] = []
        for node in nodes { open += try stores[node].conflicts(context: context()).map { (node, $0) } }
        guard !open.isEmpty else { return }
        let (node, conflict) = random.pick(open)
        let kept = random.pick([conflict.chosen] + conflict.others).value
        do {
            _ = try stores[node].resolveConflict(id: conflict.id, keeping: .value(kept), context: context())
        } catch StoreError.conflictChoice(_, let reason) {
            note("resolve at \(Self.names[node]) refused: \(reason)")
            return
        }
        guard let index = indexByID[conflict.recordID] else { return }
        let replica: ReplicatedRecord
        if case .copy(let copy, _)? = try stores[node].syncSources([conflict.recordID])[conflict.recordID] {
            replica = copy.replica
        } else {
            replica = try stores[node].replica(id: conflict.recordID)
        }
        guard let write = replica.registers[conflict.field]?.writes.first(where: { $0.writer == Self.names[node] }) else { return }
        writes.append(Write(record: index, field: conflict.field, version: write.version, writer: node))
        if node != records[index].owner { records[index].writtenByHolder = true }
        counts.resolutions += 1
        note("resolve at \(Self.names[node]): R\(index) \(conflict.field) = \(JSONWriter.canonical(kept))")
    }

    private func erase() throws {
        // Without `writesMayRaceErasure`, only records no holder ever wrote to are erased.
        let candidates = records.indices.filter { !records[$0].erased && (faults.writesMayRaceErasure || !records[$0].writtenByHolder) }
        guard !candidates.isEmpty else { return }
        let index = random.pick(candidates)
        _ = try stores[records[index].owner].erase(
            id: records[index].id, justification: try Justification("entered in error, simulation step \(step)"), context: context())
        records[index].erased = true
        counts.erasures += 1
        note("erase R\(index) at \(Self.names[records[index].owner])")
    }

    private func holderEdit() throws {
        let holder = random.below(nodes.count)
        var held: [Int] = []
        var candidates: [Int] = []
        // The owners' holder lists first: reading every copy each step dominated the run time.
        for owner in nodes where owner != holder {
            let owned = records.indices.filter { records[$0].owner == owner && (faults.writesMayRaceErasure || !records[$0].erased) }
            let holders = try stores[owner].holders(of: owned.map { records[$0].id })
            candidates += owned.filter { holders[records[$0].id]?.contains(Self.names[holder]) == true }
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
            changes.append((field, holderValue(field, holder: holder)))
        }
        let copy = try stores[holder].editSharedCopy(id: record.id, changes: changes, context: context())
        for (field, _) in changes {
            writes.append(Write(record: index, field: field, version: copy.replica.version, writer: holder))
        }
        records[index].writtenByHolder = true
        counts.holderEdits += 1
        let written = changes.map { "\($0.field)=\(JSONWriter.canonical($0.value))" }.joined(separator: " ")
        note("holder edit R\(index) at \(Self.names[holder]): \(written)")
    }

    private func partition() {
        var side = nodes.map { _ in random.chance(0.5) }
        if !side.contains(true) || !side.contains(false) { side[random.below(side.count)].toggle() }
        let until = step + 5 + random.below(30)
        for puller in nodes {
            for source in nodes where side[puller] != side[source] { blockedUntil[puller][source] = until }
        }
        counts.partitions += 1
        let sides = [true, false].map { value in nodes.filter { side[$0] == value }.map { Self.names[$0].rawValue } }
        note("partition \(sides[0]) | \(sides[1]) until step \(until)")
    }

    private func redeliverStale() {
        let (puller, source) = randomPair()
        guard blockedUntil[puller][source] <= step else { return }
        // Without `staleMayPassDeletions`, nothing built before a deletion arrives after it.
        let candidates = sent[puller][source].filter { faults.staleMayPassDeletions || (!$0.deletes && $0.builtAt > lastDeletion[puller][source]) }
        guard !candidates.isEmpty else { return }
        let old = random.pick(candidates)
        counts.stale += 1
        note("stale batch \(Self.names[source])->\(Self.names[puller]) built at step \(old.builtAt), to \(old.cursor): [\(describe(old.items))]")
        _ = deliver(old, to: puller, from: source)
    }

    // MARK: - The network

    /// What one pull did: items applied, whether the source has more, whether it failed.
    struct PullResult {
        var applied = 0
        var hasMore = false
        var failed = false
    }

    /// `puller` asks `source` for the batch after its cursor and applies it, unless a fault
    /// strikes (only when `faulty`).
    private func pull(_ puller: Int, from source: Int, limit: Int, faulty: Bool) throws -> PullResult {
        if faulty, blockedUntil[puller][source] > step {
            counts.blocked += 1
            return PullResult()
        }
        counts.pulls += 1
        let cursor = try stores[puller].cursor(for: Self.names[source])
        let batch = try ChangeFeed(store: stores[source], encoder: Self.encoder).batch(
            for: Self.names[puller], role: .borough, policy: policies[source][puller], after: cursor, limit: limit, today: Self.today,
            at: now())
        let deletes = batch.items.contains { $0["erase"] != nil || $0["withdraw"] != nil }
        let wire = Sent(items: batch.items, cursor: batch.cursor, builtAt: step, deletes: deletes)
        let route = "\(Self.names[source])->\(Self.names[puller]) after \(cursor) to \(batch.cursor): [\(describe(batch.items))]"
        // A crash before commit loses the whole transaction; the node restarts with what it
        // had committed, which for an in-memory store means carrying on.
        if faulty, faults.deletionsMayBeLost || !deletes {
            if random.chance(faults.drop) {
                counts.dropped += 1
                note("dropped \(route)")
                return PullResult()
            }
            if random.chance(faults.crashBeforeCommit) {
                counts.crashed += 1
                note("crashed before commit \(route)")
                return PullResult()
            }
        }
        note("pull \(route)")
        sent[puller][source].append(wire)
        if sent[puller][source].count > 12 { sent[puller][source].removeFirst() }
        guard let outcome = deliver(wire, to: puller, from: source) else { return PullResult(failed: true) }
        if faulty, random.chance(faults.duplicate) {
            counts.duplicated += 1
            if let again = deliver(wire, to: puller, from: source), again.applied != 0 {
                problem("\(route) applied twice changed \(again.applied) item(s) the second time")
            }
        }
        return PullResult(applied: outcome.applied, hasMore: batch.hasMore)
    }

    /// Applies a batch at `puller`; nil when the store refused it.
    private func deliver(_ batch: Sent, to puller: Int, from source: Int) -> BatchOutcome? {
        do {
            let outcome = try stores[puller].applyBatch(
                batch.items, from: Self.names[source], policy: policies[puller][source], cursor: batch.cursor, at: now())
            counts.applied += outcome.applied
            if batch.deletes {
                lastDeletion[puller][source] = max(lastDeletion[puller][source], batch.builtAt)
                orphanWrites(by: puller, deletedBy: batch.items)
            }
            return outcome
        } catch {
            counts.refusedBatches += 1
            if faults.writesMayRaceErasure, case StoreError.recordErased = error {
                // Expected while a holder's write races the erasure: it clears once the holder pulls it.
                note("\(Self.names[puller]) refused a batch from \(Self.names[source]): \(error)")
            } else {
                problem("step \(step): \(Self.names[puller]) refused a batch from \(Self.names[source]): \(error)")
            }
            return nil
        }
    }

    private func orphanWrites(by holder: Int, deletedBy items: [JSONValue]) {
        for item in items {
            guard let id = (item["erase"] ?? item["withdraw"])?["id"]?.stringValue.flatMap(RecordID.init), let index = indexByID[id] else { continue }
            counts.deletions += 1
            guard item["erase"] != nil else { continue }
            for position in writes.indices where writes[position].record == index && writes[position].writer == holder {
                writes[position].orphaned = true
            }
        }
    }

    /// Ends every partition and pulls every pair to the end, round after round, until a
    /// round changes nothing anywhere.
    private func heal() throws {
        blockedUntil = blockedUntil.map { $0.map { _ in 0 } }
        note("heal")
        for round in 1...Self.maximumHealRounds {
            let before = try nodes.map { try lastSequence(stores[$0]) }
            var applied = 0
            var failed = false
            for puller in nodes {
                for source in nodes where source != puller {
                    var pages = 0
                    while pages < 10_000 {
                        let result = try pull(puller, from: source, limit: 4 + random.below(60), faulty: false)
                        applied += result.applied
                        failed = failed || result.failed
                        pages += 1
                        if !result.hasMore || result.failed { break }
                    }
                }
            }
            let after = try nodes.map { try lastSequence(stores[$0]) }
            if applied == 0, !failed, before == after {
                counts.healRounds = round
                return
            }
        }
        problem("the network healed but sync did not settle within \(Self.maximumHealRounds) rounds")
    }

    // MARK: - Checks

    private func checkConvergence() throws {
        // Every pull ended on the source's last change.
        for puller in nodes {
            for source in nodes where source != puller {
                let cursor = try stores[puller].cursor(for: Self.names[source])
                let last = try lastSequence(stores[source])
                if cursor != last { problem("\(Self.names[puller])'s cursor for \(Self.names[source]) is \(cursor), its log ends at \(last)") }
            }
        }
        var finalReplicas: [Int: ReplicatedRecord] = [:]
        for (index, record) in records.enumerated() {
            guard case .own(let owned, let stored)? = try stores[record.owner].syncSources([record.id])[record.id] else {
                problem("R\(index): its owner \(Self.names[record.owner]) no longer has it")
                continue
            }
            let replica = stored.replica(of: owned)
            finalReplicas[index] = replica
            // What sync projects from the stored document is what the typed record says.
            let typed = try stores[record.owner].reading { db in try stores[record.owner].fetchRecord(records[index].id, db) }
            if typed.map(ProjectionSource.init) != owned {
                problem("R\(index): its stored document reads for sync unlike its typed record")
            }
            if owned.isErased != record.erased {
                problem("R\(index): erased is \(owned.isErased) at its owner, the test erased it: \(record.erased)")
            }
            if owned.version != replica.version {
                problem("R\(index): the owner's record is at \(owned.version), its registers at \(replica.version)")
            }
            if !owned.isErased, owned.registerValues != replica.resolved().values {
                problem("R\(index): the owner's record does not show what its registers resolve to")
                let a = owned.registerValues, b = replica.resolved().values
                for key in Set(a.keys).union(b.keys).sorted() where a[key] != b[key] {
                    note("  \(key): record \(a[key].map(JSONWriter.canonical) ?? "-") registers \(b[key].map(JSONWriter.canonical) ?? "-") writes \(replica.registers[key]?.writes.map { "\($0.writer)@\($0.version)=\(JSONWriter.canonical($0.value))" } ?? [])")
                }
            }
            for holder in nodes where holder != record.owner {
                try checkCopy(index, owned, replica, at: holder)
            }
        }
        for write in writes {
            let record = records[write.record]
            guard !record.erased, let replica = finalReplicas[write.record] else { continue }
            counts.checkedWrites += 1
            let kept = replica.registers[write.field]?.writes.contains { $0.version == write.version || $0.version.dominates(write.version) } ?? false
            if kept { continue }
            if write.orphaned {
                counts.orphanedWrites += 1
                note("R\(write.record): \(Self.names[write.writer])'s write of \(write.field) at \(write.version) died with its erased copy")
                continue
            }
            let held = replica.registers[write.field]?.writes.map(\.version.description) ?? []
            problem("R\(write.record): \(Self.names[write.writer])'s write of \(write.field) at \(write.version) is lost: the owner holds \(held)")
        }
        for store in stores {
            if case .broken(let broken) = try store.verifyAudit() { problem("\(store.node)'s audit chain is broken: \(broken)") }
            counts.conflictsAtEnd += try store.conflicts(context: context()).count
        }
    }

    /// The holder's copy is byte for byte what the owner's feed would send it now, or it
    /// holds none when the owner would send none.
    private func checkCopy(_ index: Int, _ owned: ProjectionSource, _ replica: ReplicatedRecord, at holder: Int) throws {
        let record = records[index]
        let projection = PolicyProjection.project(
            owned, stored: .registers(replica), to: Self.names[holder], role: .borough, policy: policies[record.owner][holder], encoder: Self.encoder,
            today: Self.today)
        let held: SharedCopy?
        if case .copy(let copy, _)? = try stores[holder].syncSources([record.id])[record.id] { held = copy } else { held = nil }
        switch (projection.document, held) {
        case (nil, nil):
            return
        case (nil, _?):
            problem("R\(index): \(Self.names[holder]) still holds a copy its owner would not send (\(owned.isErased ? "erased" : "withdrawn"))")
        case (_?, nil):
            problem("R\(index): \(Self.names[holder]) holds no copy, and its owner would send one")
        case (let document?, let copy?):
            let expected: SharedCopy
            do {
                expected = try SharedCopy.read(from: document)
            } catch {
                problem("R\(index): the owner's projection for \(Self.names[holder]) does not read as a copy: \(error)")
                return
            }
            let heldBytes = JSONWriter.canonical(copy.jsonValue)
            let sentBytes = JSONWriter.canonical(expected.jsonValue)
            if heldBytes != sentBytes {
                let names = Set(copy.replica.registers.keys).union(expected.replica.registers.keys).sorted()
                let differing = names.filter { copy.replica.registers[$0] != expected.replica.registers[$0] }
                let place = differing.isEmpty ? "its envelope" : differing.joined(separator: ", ")
                problem("R\(index): \(Self.names[holder])'s copy differs from what its owner sends, in \(place)")
                note("  held \(heldBytes)\n  sent \(sentBytes)")
            }
            // What the holder shows agrees with the fields the owner shows it (the record-level
            // projection: a projection with registers leaves the fields to be derived).
            let recordLevel = PolicyProjection.project(
                owned, stored: nil, to: Self.names[holder], role: .borough, policy: policies[record.owner][holder], encoder: Self.encoder, today: Self.today)
            var shown: [String: JSONValue] = [:]
            for (member, value) in recordLevel.document?["fields"]?.objectValue ?? JSONObject() { shown["fields." + member] = value }
            let values = copy.values.filter { $0.key.hasPrefix("fields.") }
            for field in Set(shown.keys).union(values.keys).sorted() where shown[field] != values[field] {
                problem("R\(index): \(Self.names[holder]) shows \(field) unlike its owner")
            }
        }
    }

    // MARK: - Values

    static let dealLines = (0..<8).map { PhoneNumber("07700 900\(100 + $0)")! }
    static let lineNames = ["Bando line", "Sparks line", "Tiger line", "Zed line", "Kash line"]
    static let contactNames = ["Ama Boateng", "Tom Reilly", "Priya Shah", "Ola Nowak", "Sam Carter", "Lee Wong"]

    /// The fields a holder may write, by the group the owner must accept for it.
    static func holderFields(_ kind: RecordKind) -> [(field: String, group: String)] {
        switch kind {
        case .relocation:
            [("fields.receivingSpoc", "follow-up"), ("fields.acknowledgement", "follow-up"), ("fields.allocatedWorker", "follow-up"),
             ("fields.followUps", "follow-up"), ("status", "status")]
        case .countyLinesLink:
            [("fields.riskLevel", "activity"), ("fields.nrmReferral", "activity"), ("fields.dealLines", "line"), ("fields.lineName", "line")]
        case .sharedPerpetrator:
            [("fields.disruptions", "disruptions")]
        }
    }

    private func holderValue(_ field: String, holder: Int) -> JSONValue {
        switch field {
        case "fields.receivingSpoc", "fields.allocatedWorker": contact(at: holder)
        case "fields.acknowledgement":
            Acknowledgement(by: "Duty manager, \(Self.names[holder])", date: Self.today.adding(days: -random.below(3))).jsonValue
        case "fields.followUps": followUps()
        case "status": random.pick(["active", "closed"])
        case "fields.riskLevel": random.pick(RiskLevel.allCases).jsonValue
        case "fields.nrmReferral": .bool(random.chance(0.5))
        case "fields.dealLines": subset(Self.dealLines.map(\.jsonValue))
        case "fields.lineName": .string(random.pick(Self.lineNames))
        case "fields.disruptions": disruptions()
        default: preconditionFailure("no value for \(field)")
        }
    }

    /// A merge patch an operator at the owner might make: one or two changes among risk,
    /// status, review date, the audience, a text field, a set field and a scalar.
    private func ownerPatch(_ record: Record) -> JSONValue {
        var envelope = JSONObject()
        var fields = JSONObject()
        for _ in 0..<(1 + random.below(2)) {
            switch random.below(7) {
            case 0: fields["riskLevel"] = random.pick(RiskLevel.allCases).jsonValue
            case 1: envelope["status"] = random.pick(record.kind.allowedStatuses).jsonValue
            case 2: envelope["reviewDate"] = Self.today.adding(days: 30 + random.below(700)).jsonValue
            case 3:
                switch record.kind {
                case .relocation: fields["receivingAuthority"] = Self.names[randomOther(than: record.owner)].jsonValue
                case .countyLinesLink: fields["importingAreas"] = .array(randomOthers(than: record.owner).map(\.jsonValue))
                case .sharedPerpetrator:
                    fields["areasOfActivity"] = .array(([Self.names[record.owner]] + randomOthers(than: record.owner)).map(\.jsonValue))
                }
            case 4:
                switch record.kind {
                case .relocation: fields["originatingSpoc"] = contact(at: record.owner)
                case .countyLinesLink: fields["lineName"] = .string(random.pick(Self.lineNames))
                case .sharedPerpetrator: fields["associatedLines"] = subset(Self.lineNames.map { .string($0) })
                }
            case 5:
                switch record.kind {
                case .relocation: fields["followUps"] = followUps()
                case .countyLinesLink: fields["dealLines"] = subset(Self.dealLines.map(\.jsonValue))
                case .sharedPerpetrator: fields["disruptions"] = disruptions()
                }
            default:
                switch record.kind {
                // The owner writes the receiving side's fields too, so they conflict.
                case .relocation: fields["allocatedWorker"] = random.chance(0.3) ? .null : contact(at: record.owner)
                case .countyLinesLink: fields["nrmReferral"] = .bool(random.chance(0.5))
                case .sharedPerpetrator: fields["role"] = random.pick(PerpetratorRole.allCases).jsonValue
                }
            }
        }
        if !fields.isEmpty { envelope["fields"] = .object(fields) }
        return .object(envelope)
    }

    private func contact(at node: Int) -> JSONValue {
        Contact(
            name: random.pick(Self.contactNames), organisation: "\(Self.names[node]) council", role: "SPOC",
            phone: PhoneNumber("020 7946 0\(100 + random.below(800))")
        ).jsonValue
    }

    /// Up to three follow-ups; none is written as a removal (null), as the store itself writes
    /// an emptied list, because records leave empty lists out.
    private func followUps() -> JSONValue {
        let visits = (0..<random.below(3)).map { _ in
            FollowUp(date: Self.today.adding(days: -random.below(20)), note: "visit \(random.below(9))").jsonValue
        }
        return visits.isEmpty ? .null : .array(visits)
    }

    private func disruptions() -> JSONValue {
        let pool = (0..<8).map { Disruption(type: DisruptionType.allCases[$0], date: Self.today.adding(days: -1 - 10 * $0)).jsonValue }
        return subset(pool)
    }

    /// A random non-empty subset, in the pool's order; pools are small enough that any union
    /// of them stays within the fields' maximum sizes.
    private func subset(_ pool: [JSONValue]) -> JSONValue {
        var chosen = pool.filter { _ in random.chance(0.35) }
        if chosen.isEmpty { chosen = [random.pick(pool)] }
        return .array(chosen)
    }

    /// An owner redraws what it shares with one peer; what it accepts stays, so writes the
    /// holder made under the old policy are still accepted.
    private func changePolicy() {
        let (owner, peer) = randomPair()
        var next = randomPolicy()
        next.accept = policies[owner][peer].accept
        if random.chance(0.3) { next.share[.relocation] = nil }
        if random.chance(0.2) { next.share[.countyLinesLink] = KindGrant(audience: [.importingAreas, .exportingArea], groups: ["areas", "status"]) }
        policies[owner][peer] = next
        note("\(Self.names[owner]) changes its policy for \(Self.names[peer])")
    }

    private func randomPolicy() -> SharingPolicy {
        var relocationGroups: Set<String> = ["placement", "follow-up", "status"]
        if random.chance(0.3) { relocationGroups.insert("identity") }
        if random.chance(0.5) { relocationGroups.insert("contacts") }
        var linkGroups: Set<String> = ["line", "areas", "activity", "status"]
        if random.chance(0.3) { linkGroups.insert("people") }
        var share: [RecordKind: KindGrant] = [
            .relocation: KindGrant(audience: [.receivingAuthority], groups: relocationGroups),
            .countyLinesLink: KindGrant(audience: [.importingAreas], groups: linkGroups),
        ]
        var accept: [RecordKind: Set<String>] = [
            .relocation: random.chance(0.7) ? ["follow-up", "status"] : ["follow-up"],
            .countyLinesLink: random.pick([["line", "activity"], ["activity"], []]),
        ]
        if random.chance(0.75) {
            share[.sharedPerpetrator] = KindGrant(audience: [.areasOfActivity], groups: ["profile", "disruptions", "status"])
            accept[.sharedPerpetrator] = random.chance(0.7) ? ["disruptions"] : []
        }
        return SharingPolicy(share: share, reviewDays: random.pick([30, 90, 365]), accept: accept, lookups: false, aggregates: false)
    }

    // MARK: - Helpers

    private func randomPair() -> (Int, Int) {
        let puller = random.below(nodes.count)
        return (puller, randomOther(than: puller))
    }

    private func randomOther(than node: Int) -> Int {
        (node + 1 + random.below(nodes.count - 1)) % nodes.count
    }

    /// A non-empty set of other nodes, in name order.
    private func randomOthers(than node: Int) -> [AuthorityName] {
        var chosen = nodes.filter { $0 != node && random.chance(0.4) }
        if chosen.isEmpty { chosen = [randomOther(than: node)] }
        return chosen.map { Self.names[$0] }.sorted()
    }

    /// A batch's items as `copy R3, withdraw R5`, for the trace.
    private func describe(_ items: [JSONValue]) -> String {
        items.map { item in
            let kind = item.objectValue?.keys.first ?? "?"
            let id = (item[kind]?["id"]?.stringValue).flatMap(RecordID.init)
            return "\(kind) " + (id.flatMap { indexByID[$0] }.map { "R\($0)" } ?? "?")
        }.joined(separator: ", ")
    }

    private func lastSequence(_ store: CaseStore) throws -> Int64 {
        try store.changes(after: 0, limit: 1_000_000).last?.sequence ?? 0
    }

    /// A logical clock: every operation a millisecond after the last, never the wall clock.
    private func now() -> Timestamp {
        tick += 1
        return Timestamp(millisecondsSinceEpoch: 1_795_460_340_000 + tick)
    }

    private func context() -> OperationContext {
        OperationContext(actor: Self.actor, time: now())
    }

    private func note(_ line: String) {
        trace.append("[\(step)] \(line)")
    }

    private func problem(_ line: String) {
        problems.append(line)
        note("PROBLEM \(line)")
    }
}
