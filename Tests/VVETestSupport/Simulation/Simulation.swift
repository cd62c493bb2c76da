import Foundation
import VVECore
import VVEStore
import VVESync

/// One seeded run: the nodes, what the test did to them, and what it found.
package final class Simulation {
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
        /// Items carried by the batches pulled, applied or not: the traffic.
        var items = 0
    }

    /// How the run's work spread over its nodes, for `Tools/sim-region.sh`: requests (pulls)
    /// and the items they carried, each per node, and the rounds the heal took.
    package var workPerNode: String {
        let count = Double(names.count)
        return String(
            format: "%d nodes, %d records: %.1f pulls and %.1f items per node (%d pulls in all), %d applied, %d heal rounds",
            names.count, records.count, Double(counts.pulls) / count, Double(counts.items) / count, counts.pulls, counts.applied,
            counts.healRounds)
    }

    /// The five nodes of the default region, by index.
    package static let fiveNames = ["camden", "haringey", "enfield", "islington", "hackney"].map { AuthorityName($0)! }

    /// The names of a region of `count` nodes: the five, or `node-001` onwards for any other size.
    package static func names(count: Int) -> [AuthorityName] {
        count == fiveNames.count ? fiveNames : (1...count).map { AuthorityName("node-" + String(format: "%03d", $0))! }
    }
    /// Every node's today: dates in records are checked against it, never the wall clock.
    package static let today = CalendarDate("2026-11-23")!
    /// The region's linkage key, shared by every node.
    package static let encoder = MatchKeyEncoder(key: LinkageKey(bytes: Array(repeating: 9, count: 32))!)
    /// The operator every local edit is audited under.
    package static let actor = try! OperatorName("sim.operator")
    /// Random steps per run of five nodes: sized so 40 seeds take about 15 s in a debug build
    /// on two cores. A larger region takes ten steps a node, so each node acts as often.
    static let steps = 150
    static let maximumRecords = 30
    /// The steps of this run, and the most records it makes: three a node in a larger region.
    var steps: Int { max(Self.steps, 10 * names.count) }
    var maximumRecords: Int { max(Self.maximumRecords, 3 * names.count) }
    static let maximumHealRounds = 12

    let seed: UInt64
    let faults: Faults
    /// The nodes, by index.
    package let names: [AuthorityName]
    var random: SeededGenerator
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
    package var problems: [String] = []
    var counts = Counts()

    var nodes: Range<Int> { 0..<names.count }

    init(seed: UInt64, faults: Faults, nodeCount: Int) throws {
        self.seed = seed
        self.faults = faults
        names = Self.names(count: nodeCount)
        random = SeededGenerator(seed: seed)
        stores = try names.map { try CaseStore.inMemory(node: $0) }
        synthetic = names.enumerated().map { SyntheticRecords(seed: seed &* 31 &+ UInt64($0.offset), owner: $0.element, today: Self.today) }
        let count = names.count
        sent = Array(repeating: Array(repeating: [], count: count), count: count)
        lastDeletion = Array(repeating: Array(repeating: -1, count: count), count: count)
        blockedUntil = Array(repeating: Array(repeating: 0, count: count), count: count)
        policies = nodes.map { owner in nodes.map { peer in owner == peer ? .denyAll : randomPolicy() } }
    }

    /// Runs one seed to the end; store errors become problems rather than escaping, so the
    /// report always names the seed and the step.
    package static func run(seed: UInt64, faults: Faults, nodes: Int = fiveNames.count) -> Simulation {
        let simulation: Simulation
        do {
            simulation = try Simulation(seed: seed, faults: faults, nodeCount: nodes)
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
    package var failureReport: String {
        """
        seed \(seed): \(problems.count) problem(s); replay with \(faults == .all ? "VVE_SIM_SEED=\(seed) " : "")VVE_SIM_TRACE=1
        \(problems.prefix(12).joined(separator: "\n"))
        last steps:
        \(trace.suffix(30).joined(separator: "\n"))
        """
    }

    func runAll() {
        do {
            for owner in nodes {
                for _ in 0..<2 { try addRecord(owner: owner) }
            }
            for next in 1...steps {
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
}
