import Synchronization
import VVECore
import VVEStore

/// Serves peers their change feed, preparing a catching-up peer's next batch while the one
/// before it is disclosed, sent and read.
///
/// A peer asks for a batch only once the one before it has arrived, since its cursor is
/// where that one ended. Served one request at a time, the owner of a first sync therefore
/// builds its batches one after another and waits between an answer and the next request.
/// Here, as soon as a batch that says more follows is prepared, the batch after it is
/// prepared too, on a thread of its own, and handed to the request that asks for it if all
/// of these still hold when that request comes:
/// - it asks from where the batch before ended, with the same limit and encoding;
/// - the batch before was disclosed: its disclosure committed;
/// - the peer's role and policy, and the day, are those the batch was prepared under;
/// - the change log has not grown since the batch read it, so every record in it is as it
///   stands now;
/// - the batch is at most `maximumAge` old.
/// Otherwise it is dropped and the batch is prepared afresh on request.
///
/// Read ahead, a batch acknowledges nothing for the peer: the request that takes it does,
/// before it is handed out. It counts as held the copies the batch before it carries, whether
/// or not that disclosure had committed when it read the holdings, so a deletion owed for one
/// of them is never missed. What may differ from a batch prepared on request is a deletion
/// the peer had acknowledged in the meantime, sent again; the peer ignores it.
package final class FeedReadAhead<Sink: BatchBodySink, Encoding: Hashable & Sendable>: Sendable {
    /// A batch ready for its request. Nothing of it may leave before `batch.disclose()`
    /// returns.
    package struct Served: Sendable {
        /// The batch, not yet audited as disclosed.
        package let batch: PreparedBatch
        /// What its body was written into as it was built; nil when the caller asked for no
        /// encoding.
        package let sink: Sink?
        /// Whether it was prepared ahead of the request.
        package let wasReadAhead: Bool
    }

    /// How long a batch read ahead waits for its request before it is dropped: a catching-up
    /// peer asks within milliseconds, and one that does not has stopped or failed.
    package static var maximumAge: Duration { .seconds(10) }

    private struct Ahead: Sendable {
        let role: PeerRole
        let policy: SharingPolicy
        let after: Int64
        let limit: Int
        let encoding: Encoding?
        let today: CalendarDate
        /// The disclosure of the batch this one follows.
        let follows: PreparedBatch.Disclosure
        let started: ContinuousClock.Instant
        let served: Task<Served, any Error>
    }

    private let feed: ChangeFeed
    private let signal: ChangeSignal
    private let clock: @Sendable () -> Timestamp
    private let makeSink: @Sendable (Encoding) -> Sink
    /// At most one batch read ahead for each peer.
    private let ahead = Mutex<[AuthorityName: Ahead]>([:])

    /// Serves `feed`, long-polls woken by `signal`; `makeSink` makes the body of a batch in
    /// the encoding its caller asks for.
    package init(feed: ChangeFeed, signal: ChangeSignal, clock: @escaping @Sendable () -> Timestamp, makeSink: @escaping @Sendable (Encoding) -> Sink)
    {
        self.feed = feed
        self.signal = signal
        self.clock = clock
        self.makeSink = makeSink
    }

    /// `ChangeFeed.prepare` with long-poll: the batch for `peer` after `cursor`, its body in
    /// `encoding` (nil: none), read ahead when it still may be. A batch that says more follows
    /// starts the next one.
    package func batch(
        for peer: AuthorityName, role: PeerRole, policy: SharingPolicy, after cursor: Int64, acknowledged: Int64, limit: Int, wait: Duration,
        encoding: Encoding?
    ) async throws -> Served {
        let served: Served
        if let ready = try await readAhead(
            for: peer, role: role, policy: policy, after: cursor, acknowledged: acknowledged, limit: limit, encoding: encoding)
        {
            served = ready
        } else {
            let sink = encoding.map(makeSink)
            let prepared = try await feed.prepare(
                for: peer, role: role, policy: policy, after: cursor, acknowledged: acknowledged, limit: limit, wait: wait, signal: signal,
                clock: clock, sink: sink)
            served = Served(batch: prepared, sink: sink, wasReadAhead: false)
        }
        if served.batch.batch.hasMore {
            readAhead(after: served.batch, for: peer, role: role, policy: policy, limit: limit, encoding: encoding)
        }
        return served
    }

    /// The batch read ahead for this request, acknowledged for the peer, if it is still what
    /// the request would be given; nil to prepare it afresh.
    private func readAhead(
        for peer: AuthorityName, role: PeerRole, policy: SharingPolicy, after cursor: Int64, acknowledged: Int64, limit: Int, encoding: Encoding?
    ) async throws -> Served? {
        guard let ahead = ahead.withLock({ $0.removeValue(forKey: peer) }) else { return nil }
        let time = clock()
        guard ahead.after == cursor, ahead.limit == limit, ahead.encoding == encoding, ahead.role == role, ahead.policy == policy,
            ahead.today == time.calendarDate, ahead.follows.isCommitted, ContinuousClock.now - ahead.started <= Self.maximumAge,
            let served = try? await ahead.served.value
        else { return nil }
        let store = feed.store
        try store.acknowledge(peer, through: min(acknowledged, cursor))
        try store.notePolicy(policy, servedTo: peer, at: time)
        // Read after the policy is noted: a policy noted for the first time logs changes.
        guard try store.latestChangeSequence() == served.batch.batch.head else { return nil }
        // A batch with nothing to send is left to the long-poll, which waits for a change.
        guard !served.batch.batch.isEmpty || served.batch.batch.hasMore else { return nil }
        return Served(batch: served.batch.stamped(time), sink: served.sink, wasReadAhead: true)
    }

    /// Waits until the batch being read ahead for `peer`, if any, is prepared: a test that
    /// changes the store after the batch read it uses this.
    func readAheadPrepared(for peer: AuthorityName) async {
        let served = ahead.withLock { $0[peer]?.served }
        _ = try? await served?.value
    }

    /// Starts preparing the batch after `previous` for `peer`.
    private func readAhead(
        after previous: PreparedBatch, for peer: AuthorityName, role: PeerRole, policy: SharingPolicy, limit: Int, encoding: Encoding?
    ) {
        let time = clock()
        let (feed, makeSink, cursor, heldToo) = (feed, makeSink, previous.batch.cursor, Set(previous.copies))
        let served = Task {
            try await OwnThread.run {
                let sink = encoding.map(makeSink)
                let prepared = try feed.assemble(
                    for: peer, role: role, policy: policy, after: cursor, limit: limit, today: time.calendarDate, at: time, sink: sink,
                    heldToo: heldToo)
                return Served(batch: prepared, sink: sink, wasReadAhead: true)
            }
        }
        let now = ContinuousClock.now
        let next = Ahead(
            role: role, policy: policy, after: cursor, limit: limit, encoding: encoding, today: time.calendarDate, follows: previous.disclosed,
            started: now, served: served)
        ahead.withLock { ahead in
            // A peer that stopped asking leaves its batch here until another is read ahead.
            ahead = ahead.filter { now - $0.value.started <= Self.maximumAge }
            ahead[peer] = next
        }
    }
}
