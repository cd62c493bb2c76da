import Foundation
import VVECore
import VVEStore
import VVESync

// The network between the nodes: pulls that drop, repeat, crash and heal.
extension Simulation {
    // MARK: - The network

    /// What one pull did: items applied, whether the source has more, whether it failed.
    struct PullResult {
        var applied = 0
        var hasMore = false
        var failed = false
    }

    /// `puller` asks `source` for the batch after its cursor and applies it, unless a fault
    /// strikes (only when `faulty`).
    func pull(_ puller: Int, from source: Int, limit: Int, faulty: Bool) throws -> PullResult {
        if faulty, blockedUntil[puller][source] > step {
            counts.blocked += 1
            return PullResult()
        }
        counts.pulls += 1
        let cursor = try stores[puller].cursor(for: names[source])
        let batch = try ChangeFeed(store: stores[source], encoder: Self.encoder).batch(
            for: names[puller], role: .borough, policy: policies[source][puller], after: cursor, limit: limit, today: Self.today,
            at: now())
        counts.items += batch.items.count
        let deletes = batch.items.contains { $0["erase"] != nil || $0["withdraw"] != nil }
        let wire = Sent(items: batch.items, cursor: batch.cursor, builtAt: step, deletes: deletes)
        let route = "\(names[source])->\(names[puller]) after \(cursor) to \(batch.cursor): [\(describe(batch.items))]"
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
    func deliver(_ batch: Sent, to puller: Int, from source: Int) -> BatchOutcome? {
        do {
            let outcome = try stores[puller].applyBatch(
                batch.items, from: names[source], policy: policies[puller][source], cursor: batch.cursor, at: now())
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
                note("\(names[puller]) refused a batch from \(names[source]): \(error)")
            } else {
                problem("step \(step): \(names[puller]) refused a batch from \(names[source]): \(error)")
            }
            return nil
        }
    }

    func orphanWrites(by holder: Int, deletedBy items: [JSONValue]) {
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
    func heal() throws {
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
}
