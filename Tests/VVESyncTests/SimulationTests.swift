import Foundation
import Testing
import VVECore
import VVEStore
import VVESync
import VVETestSupport

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
    /// A region of London's size, 35 nodes, under the same faults: a few seeds in the suite.
    /// `Tools/sim-region.sh` runs any size, one seed at a time, with the work per node.
    @Test(arguments: [1, 2] as [UInt64])
    func aRegionOf35NodesConverges(seed: UInt64) {
        let run = Simulation.run(seed: seed, faults: .all, nodes: 35)
        #expect(run.problems.isEmpty, "\(run.failureReport)")
    }

    /// The region at `VVE_SIM_NODES` nodes and seed `VVE_SIM_SEED` (default 1), printing its
    /// work per node: for `Tools/sim-region.sh`, never in the suite.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["VVE_SIM_NODES"] != nil))
    func aRegionOfTheSizeAsked() {
        let environment = ProcessInfo.processInfo.environment
        let nodes = environment["VVE_SIM_NODES"].flatMap(Int.init) ?? 35
        let seed = environment["VVE_SIM_SEED"].flatMap(UInt64.init) ?? 1
        let started = ContinuousClock.now
        let run = Simulation.run(seed: seed, faults: .all, nodes: nodes)
        print("sim-region: seed \(seed): \(run.workPerNode); \(ContinuousClock.now - started)")
        #expect(run.problems.isEmpty, "\(run.failureReport)")
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
            guard case .relocation(var fields) = draft.fields else {
                Issue.record("expected a relocation's fields")
                return
            }
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
