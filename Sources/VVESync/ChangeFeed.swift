import VVECore
import VVEStore

/// One batch of the change feed for a peer: what it may receive of the changes after its
/// cursor, and the cursor to ask from next time.
public struct ChangeBatch: Sendable {
    /// `{"copy": projection}` for this node's records, `{"writes": replica}` for this node's
    /// writes to copies of the peer's records, and `{"erase": {"id"}}` or `{"withdraw":
    /// {"id"}}` for copies the peer holds and must delete.
    public var items: [JSONValue]
    /// The last change-log sequence this batch covers, seen or not.
    public var cursor: Int64
    /// Whether more changes wait after `cursor`.
    public var hasMore: Bool
    /// The last sequence in the log when the batch was built, so the peer knows its lag.
    public var head: Int64

    public var jsonValue: JSONValue {
        ["items": .array(items), "cursor": .integer(cursor), "hasMore": .bool(hasMore), "head": .integer(head)]
    }
}

/// Builds a peer's batches from the change log. Every record goes through
/// `PolicyProjection.project`, and only through it; a change the peer may not see is
/// skipped, but the cursor still moves past it, so a peer that is allowed little never
/// rescans a long history.
public struct ChangeFeed: Sendable {
    let store: CaseStore
    let encoder: MatchKeyEncoder

    public init(store: CaseStore, encoder: MatchKeyEncoder) {
        self.store = store
        self.encoder = encoder
    }

    /// The batch for `peer` after `cursor`: at most `limit` change-log entries scanned. The
    /// records it carries are audited as disclosed to the peer. The peer has applied every
    /// batch up to `acknowledged` (default: `cursor`); a peer that fetches its next batch
    /// while it applies the last one acknowledges less than it asks from.
    public func batch(
        for peer: AuthorityName, role: PeerRole, policy: SharingPolicy, after cursor: Int64, acknowledged: Int64? = nil, limit: Int,
        today: CalendarDate, at time: Timestamp
    ) throws -> ChangeBatch {
        try store.acknowledge(peer, through: min(acknowledged ?? cursor, cursor))
        let head = try store.latestChangeSequence()
        let entries = try store.changes(after: cursor, limit: limit)
        // Each record once, at its latest state, in the order of its last change.
        var order: [RecordID] = []
        var seen = Set<RecordID>()
        for entry in entries.reversed() where seen.insert(entry.recordID).inserted { order.append(entry.recordID) }
        order.reverse()
        let sources = try store.syncSources(order)
        let holders = try store.holders(of: order)
        var items: [JSONValue] = []
        var disclosed: [RecordID] = []
        var written: [RecordID] = []
        var deleted: [RecordID] = []
        for id in order {
            switch sources[id] {
            case .own(let record, let replica)?:
                let projection = PolicyProjection.project(record, replica: replica, to: peer, role: role, policy: policy, encoder: encoder, today: today)
                if let document = projection.document {
                    items.append(["copy": document])
                    disclosed.append(id)
                } else if holders[id]?.contains(peer) == true {
                    // The peer holds a copy it may no longer have: erased, or out of its audience.
                    items.append([record.isErased ? "erase" : "withdraw": ["id": .string(id.description)]])
                    deleted.append(id)
                }
            case .copy(let copy)?:
                // Only the owner gets writes to its record, and only this node's own writes.
                guard copy.owner == peer else { continue }
                let writes = copy.ownWrites(by: store.node)
                guard !writes.registers.isEmpty else { continue }
                items.append(["writes": writes.jsonValue])
                written.append(id)
            case nil:
                continue
            }
        }
        let next = entries.last?.sequence ?? cursor
        try store.recordDisclosure(to: peer, copies: disclosed, writes: written, deletions: deleted, cursor: next, at: time)
        return ChangeBatch(items: items, cursor: next, hasMore: entries.count == limit && next < head, head: max(head, next))
    }

    /// Like `batch`, but when the peer has nothing to receive, holds on until a change it may
    /// see is logged, `wait` passes or the node shuts down. Changes it may not see move the
    /// cursor on while it waits, so the answer never makes it rescan them.
    public func batch(
        for peer: AuthorityName, role: PeerRole, policy: SharingPolicy, after cursor: Int64, acknowledged: Int64? = nil, limit: Int, wait: Duration,
        signal: ChangeSignal, clock: @Sendable () -> Timestamp
    ) async throws -> ChangeBatch {
        let deadline = ContinuousClock.now + wait
        var from = cursor
        while true {
            let time = clock()
            let batch = try batch(
                for: peer, role: role, policy: policy, after: from, acknowledged: acknowledged ?? cursor, limit: limit, today: time.calendarDate, at: time)
            if !batch.items.isEmpty || batch.hasMore || ContinuousClock.now >= deadline { return batch }
            guard await signal.wait(after: batch.cursor, until: deadline) else { return batch }
            from = batch.cursor
        }
    }
}
