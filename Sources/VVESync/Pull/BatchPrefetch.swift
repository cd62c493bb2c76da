import VVECore
import VVEStore

/// A peer's batches fetched, inflated and parsed ahead of the one being applied.
///
/// Each batch is asked for as soon as the one before it has arrived, from the cursor that
/// one's headers announce, and is read in its own task. Up to `depth` batches wait beyond the
/// one handed out, so the peer keeps building and this node keeps reading while earlier
/// batches are written: neither end waits for the other's slowest stage. Nothing is applied
/// here; a failure reaches the caller at the batch it concerns, and the caller cancels the
/// rest and asks again from its committed cursor.
package struct BatchPrefetch: Sendable {
    /// Asks for the batch after a cursor.
    package typealias Fetch = @Sendable (_ after: Int64) async throws -> AnnouncedBatch

    private let depth: Int
    private let next: Fetch
    /// One task per batch asked for; nil once a batch before it said nothing more follows.
    private var arrivals: [Task<AnnouncedBatch?, any Error>] = []
    /// The same batches, each inflated, parsed and checked against its announcement.
    private var readings: [Task<IncomingBatch?, any Error>] = []

    /// Starts with `first` (which may long-poll) and continues with `next` while batches say
    /// more follow, keeping at most `depth` (at least 1) batches beyond the one handed out.
    package init(depth: Int, first: @escaping @Sendable () async throws -> AnnouncedBatch, next: @escaping Fetch) {
        self.depth = max(1, depth)
        self.next = next
        let arrival = Task<AnnouncedBatch?, any Error> { try await first() }
        arrivals = [arrival]
        readings = [Self.reading(arrival)]
        refill()
    }

    /// The next batch in order, or nil after the one that said nothing more follows. A
    /// cancelled caller cancels every fetch at once, a long-poll too, rather than waiting it out.
    package mutating func nextBatch() async throws -> IncomingBatch? {
        refill()
        let arrivals = self.arrivals, readings = self.readings
        let reading = self.readings.removeFirst()
        self.arrivals.removeFirst()
        return try await withTaskCancellationHandler {
            try await reading.value
        } onCancel: {
            for task in arrivals { task.cancel() }
            for task in readings { task.cancel() }
        }
    }

    /// Stops every fetch and read still running; their results are dropped.
    package func cancel() {
        for task in arrivals { task.cancel() }
        for task in readings { task.cancel() }
    }

    /// Keeps the batch to hand out next and `depth` after it asked for.
    private mutating func refill() {
        while arrivals.count < depth + 1, let previous = arrivals.last {
            let next = self.next
            let arrival = Task<AnnouncedBatch?, any Error> {
                guard let before = try await previous.value, before.hasMore else { return nil }
                try Task.checkCancellation()
                return try await next(before.cursor)
            }
            arrivals.append(arrival)
            readings.append(Self.reading(arrival))
        }
    }

    private static func reading(_ arrival: Task<AnnouncedBatch?, any Error>) -> Task<IncomingBatch?, any Error> {
        Task { try await arrival.value?.batch() }
    }
}

extension BatchPrefetch {
    /// `peer`'s batches for this node after the cursor `store` has committed, from `client`:
    /// the first may long-poll for `wait`; every fetch acknowledges only what `store` has
    /// committed by then, so a failure anywhere loses nothing at the peer.
    package init(from peer: AuthorityName, client: any PeerClient, store: CaseStore, limit: Int, wait: Duration, depth: Int) throws {
        let start = try store.cursor(for: peer)
        self.init(
            depth: depth,
            first: { try await client.changes(from: peer, after: start, acknowledged: start, limit: limit, wait: wait) },
            next: { after in
                let committed = (try? store.cursor(for: peer)) ?? start
                return try await client.changes(from: peer, after: after, acknowledged: min(committed, after), limit: limit, wait: .zero)
            })
    }
}
