import Synchronization
import VVECore
import VVEStore

/// Builds a peer's batches from the change log. Every record goes through the policy's
/// projection (`PolicyProjection.encodedCopyItem`), and only through it; a change the peer
/// may not see is skipped, but the cursor still moves past it, so a peer that is allowed
/// little never rescans a long history.
package struct ChangeFeed: Sendable {
    let store: CaseStore
    let encoder: MatchKeyEncoder

    package init(store: CaseStore, encoder: MatchKeyEncoder) {
        self.store = store
        self.encoder = encoder
    }

    /// The batch for `peer` after `cursor`: at most `limit` change-log entries scanned. The
    /// records it carries are audited as disclosed to the peer. The peer has applied every
    /// batch up to `acknowledged` (default: `cursor`); a peer that fetches its next batch
    /// while it applies the last one acknowledges less than it asks from.
    package func batch(
        for peer: AuthorityName, role: PeerRole, policy: SharingPolicy, after cursor: Int64, acknowledged: Int64? = nil, limit: Int,
        today: CalendarDate, at time: Timestamp
    ) throws -> ChangeBatch {
        let prepared = try prepare(
            for: peer, role: role, policy: policy, after: cursor, acknowledged: acknowledged, limit: limit, today: today, at: time)
        try prepared.disclose()
        return prepared.batch
    }

    /// `batch`, not yet audited as disclosed: the server compresses it while the disclosure
    /// is written, and sends it only once both are done.
    package func prepare(
        for peer: AuthorityName, role: PeerRole, policy: SharingPolicy, after cursor: Int64, acknowledged: Int64? = nil, limit: Int,
        today: CalendarDate, at time: Timestamp, sink: (any BatchBodySink)? = nil
    ) throws -> PreparedBatch {
        try store.acknowledge(peer, through: min(acknowledged ?? cursor, cursor))
        try store.notePolicy(policy, servedTo: peer, at: time)
        return try assemble(for: peer, role: role, policy: policy, after: cursor, limit: limit, today: today, at: time, sink: sink)
    }

    /// `prepare`'s reading and projecting, on the log as it stands, without acknowledging
    /// anything for the peer or noting its policy. `heldToo` are copies the peer is taken to
    /// hold beyond those the store has recorded: the batch before this one, prepared and not
    /// yet disclosed, so a record it carries that has since left the peer's audience is
    /// still deleted here.
    func assemble(
        for peer: AuthorityName, role: PeerRole, policy: SharingPolicy, after cursor: Int64, limit: Int, today: CalendarDate, at time: Timestamp,
        sink: (any BatchBodySink)?, heldToo: Set<RecordID> = []
    ) throws -> PreparedBatch {
        let window = try store.feedWindow(for: peer, after: cursor, limit: limit)
        let (head, entries, held) = (window.head, window.entries, heldToo.isEmpty ? window.held : window.held.union(heldToo))
        // Each record once, at its latest state, in the order of its last change; entries
        // logged for another peer alone are passed over.
        var order: [RecordID] = []
        var seen = Set<RecordID>()
        for entry in entries.reversed() where (entry.onlyFor == nil || entry.onlyFor == peer) && seen.insert(entry.recordID).inserted {
            order.append(entry.recordID)
        }
        order.reverse()
        let next = entries.last?.sequence ?? cursor
        let hasMore = entries.count == limit && next < head
        let plan = ProjectionPlan(peer: peer, role: role, policy: policy, today: today)
        // Reading, decoding and projecting records is most of a batch's cost and each record
        // is independent: large batches are projected on every core, in chunks taken in order.
        let chunks = stride(from: 0, to: order.count, by: Self.chunkSize).map { Array(order[$0..<min($0 + Self.chunkSize, order.count)]) }
        let project: @Sendable (Int) -> Result<[Outcome], any Error> = { [self] index in
            Result { try outcomes(chunks[index], held: held, plan: plan) }
        }
        let pipeline = chunks.count > 1 ? try ChunkPipeline(count: chunks.count, produce: project) : nil
        defer { pipeline?.waitUntilFinished() }
        try sink?.begin()
        let auditHead = try store.auditHead()
        try sink?.write(ChangeBatch.encodedHead(cursor: next, hasMore: hasMore, head: head, incarnation: store.incarnation, auditHead: auditHead))
        var encodedItems: [[UInt8]] = []
        var disclosed: [RecordID] = []
        var written: [RecordID] = []
        var deleted: [RecordID] = []
        for index in chunks.indices {
            // Each chunk, as it is taken in order, goes to the sink while later ones are projected.
            var piece: [UInt8] = []
            for outcome in try (pipeline?.take(index) ?? project(index)).get() {
                if !encodedItems.isEmpty { piece.append(UInt8(ascii: ",")) }
                piece.append(contentsOf: outcome.encodedItem)
                encodedItems.append(outcome.encodedItem)
                switch outcome.disclosed {
                case .copy(let id): disclosed.append(id)
                case .writes(let id): written.append(id)
                case .deletion(let id): deleted.append(id)
                }
            }
            try sink?.write(piece)
        }
        try sink?.write(ChangeBatch.encodedTail)
        return PreparedBatch(
            batch: ChangeBatch(
                encodedItems: encodedItems, cursor: next, hasMore: hasMore, head: head, incarnation: store.incarnation, auditHead: auditHead),
            store: store, peer: peer, copies: disclosed, writes: written, deletions: deleted, time: time)
    }

    /// Records per chunk when a batch is projected on every core.
    static let chunkSize = 128

    /// What a batch says of one changed record.
    enum Change: Sendable {
        case writes(RecordID, JSONValue)
        /// The peer holds a copy it may no longer have: erased (true), or out of its audience.
        case delete(RecordID, erased: Bool)
    }

    /// A change as the batch's audit names it, with its item's canonical JSON written where
    /// it was made, so the item's JSON tree is freed there too.
    struct Outcome: Sendable {
        enum Disclosed: Sendable {
            case copy(RecordID), writes(RecordID), deletion(RecordID)
        }

        let disclosed: Disclosed
        let encodedItem: [UInt8]

        init(disclosed: Disclosed, encodedItem: [UInt8]) {
            self.disclosed = disclosed
            self.encodedItem = encodedItem
        }

        init(_ change: Change) {
            let item: JSONValue
            switch change {
            case .writes(let id, let writes):
                item = ["writes": writes]
                disclosed = .writes(id)
            case .delete(let id, let erased):
                item = [erased ? "erase" : "withdraw": ["id": .string(id.description)]]
                disclosed = .deletion(id)
            }
            encodedItem = JSONWriter.canonicalBytes(item)
        }
    }

    /// The outcomes for some changed records, in their order; records that say nothing to
    /// the peer are left out.
    func outcomes(_ ids: [RecordID], held: Set<RecordID>, plan: ProjectionPlan) throws -> [Outcome] {
        let peer = plan.peer
        let sources = try store.syncSources(ids)
        var outcomes: [Outcome] = []
        for id in ids {
            switch sources[id] {
            case .own(let record, let replica)?:
                if let item = PolicyProjection.encodedCopyItem(record, stored: replica, plan: plan, encoder: encoder) {
                    outcomes.append(Outcome(disclosed: .copy(id), encodedItem: item))
                } else if held.contains(id) {
                    outcomes.append(Outcome(.delete(id, erased: record.isErased)))
                }
            case .copy(let copy, let pending)?:
                // Only the owner gets writes to its record, and only this node's own writes.
                guard copy.owner == peer else { continue }
                var writes = copy.ownWrites(by: store.node)
                if let pending { writes = writes.merged(with: pending) }
                guard !writes.registers.isEmpty else { continue }
                outcomes.append(Outcome(.writes(id, writes.jsonValue)))
            case .pending(let owner, let writes)?:
                // Writes to a copy since withdrawn, still owed to its owner.
                guard owner == peer else { continue }
                outcomes.append(Outcome(.writes(id, writes.jsonValue)))
            case nil:
                continue
            }
        }
        return outcomes
    }

    /// Like `prepare`, but when the peer has nothing to receive, holds on until a change it
    /// may see is logged, `wait` passes or the node shuts down. Changes it may not see move
    /// the cursor on while it waits, so the answer never makes it rescan them. A batch with
    /// nothing in it has nothing to disclose.
    package func prepare(
        for peer: AuthorityName, role: PeerRole, policy: SharingPolicy, after cursor: Int64, acknowledged: Int64? = nil, limit: Int, wait: Duration,
        signal: ChangeSignal, clock: @Sendable () -> Timestamp, sink: (any BatchBodySink)? = nil
    ) async throws -> PreparedBatch {
        let deadline = ContinuousClock.now + wait
        var from = cursor
        while true {
            let time = clock()
            let prepared = try prepare(
                for: peer, role: role, policy: policy, after: from, acknowledged: acknowledged ?? cursor, limit: limit, today: time.calendarDate,
                at: time,
                sink: sink)
            let batch = prepared.batch
            // A peer asking from past the end of the log is answered at once: its cursor is
            // from before this store was restored, and waiting would only hide that.
            if !batch.isEmpty || batch.hasMore || batch.head < batch.cursor || ContinuousClock.now >= deadline { return prepared }
            guard await signal.wait(after: batch.cursor, until: deadline) else { return prepared }
            from = batch.cursor
        }
    }
}
