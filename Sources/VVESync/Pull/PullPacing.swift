/// How long a pull loop waits before it asks a peer again, by what the peer last did: a
/// pure state machine, so that the pacing is tested without clocks.
///
/// - After a batch, the loop asks again at once (long-polling when caught up), unless the
///   peer said it shares nothing with this node and this node shares nothing with it either:
///   then nothing can come until a policy changes, and the loop waits `quietInterval`. While
///   this node shares records with the peer, the peer may hold copies and write back to
///   them, so "nothing" is taken as an empty batch.
/// - After a failure, it backs off with jitter up to the usual ceiling. A peer that has never
///   answered may be one that never listens (a VRU's node, say), so until it answers once,
///   the ceiling is `quietInterval`. A refusal is an answer: the peer is there.
package struct PullPacing: Sendable, Equatable {
    private var backoff: Backoff
    private let usualMaximum: Duration
    private let quietInterval: Duration
    /// Whether the peer has answered a pull, with a batch, with "nothing shared" or with a
    /// refusal.
    package private(set) var hasAnswered: Bool

    /// `hasAnswered` as the store last recorded it, so that a restart keeps the pace.
    package init(configuration: PullConfiguration, hasAnswered: Bool) {
        backoff = configuration.backoff
        usualMaximum = configuration.backoff.maximum
        quietInterval = configuration.quietInterval
        self.hasAnswered = hasAnswered
        if !hasAnswered { backoff.maximum = max(usualMaximum, quietInterval) }
    }

    /// Failures in a row so far.
    package var failures: Int { backoff.failures }

    /// After a batch arrived: nil to apply it and ask again, or how long to wait quietly.
    package mutating func afterBatch(sharesNothing: Bool, thisNodeSharesNothing: Bool) -> Duration? {
        answered()
        guard sharesNothing && thisNodeSharesNothing else { return nil }
        backoff.reset()
        return quietInterval
    }

    /// After a batch was applied: the next failure backs off from the start again. Until
    /// then, a batch that keeps failing to apply keeps backing off.
    package mutating func applied() { backoff.reset() }

    /// After a failed pull: how long to wait. `refused` when the peer answered with an error;
    /// `unit` is a random number in [0, 1] for the jitter.
    package mutating func afterFailure(refused: Bool, unit: Double) -> Duration {
        if refused { answered() }
        return backoff.nextDelay(unit: unit)
    }

    private mutating func answered() {
        guard !hasAnswered else { return }
        hasAnswered = true
        backoff.maximum = usualMaximum
    }
}
