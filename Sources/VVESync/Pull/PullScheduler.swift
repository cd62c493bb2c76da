import Logging
import Metrics
import ServiceLifecycle
import VVECore
import VVEStore

/// One pull loop per peer, as a Service: each applies batches, committing the cursor with
/// them, long-polls when caught up, backs off with jitter when a pull fails, and keeps its
/// state in the store for `vve status`. Peers added or removed in `Peers/` start or stop
/// their loop within `reconcileInterval`. A peer that says it shares nothing with this node
/// is asked again only after `quietInterval`, and one that has never answered is retried at
/// most that rarely; either is asked at once when its peer file changes.
package final class PullScheduler: Service, Sendable {
    let store: CaseStore
    let client: any PeerClient
    let targets: @Sendable () -> [PullTarget]
    let signal: ChangeSignal?
    let configuration: PullConfiguration
    let clock: @Sendable () -> Timestamp
    let logger: Logger
    /// Where each peer's clock, as its answers show it, is noted for the retention sweep.
    let clocks: PeerClocks?

    /// `targets` is read at every reconcile and every pull, so a changed policy applies to the
    /// next batch. `signal`, if given, is poked after a batch changes this node's log.
    package init(
        store: CaseStore, client: any PeerClient, targets: @escaping @Sendable () -> [PullTarget], signal: ChangeSignal?,
        configuration: PullConfiguration = PullConfiguration(), clock: @escaping @Sendable () -> Timestamp, clocks: PeerClocks? = nil,
        logger: Logger
    ) {
        self.clocks = clocks
        self.store = store
        self.client = client
        self.targets = targets
        self.signal = signal
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    package func run() async throws {
        let loops = await cancelWhenGracefulShutdown {
            var loops: [AuthorityName: Task<Void, Never>] = [:]
            while !Task.isCancelled {
                let wanted = Set(self.targets().map(\.name))
                for (name, loop) in loops where !wanted.contains(name) {
                    loop.cancel()
                    loops[name] = nil
                    self.logger.info("stopped pulling from a removed peer", metadata: ["peer.name": "\(name)"])
                }
                for name in wanted.sorted(by: { $0.rawValue < $1.rawValue }) where loops[name] == nil {
                    loops[name] = Task { await self.pull(from: name) }
                }
                do { try await Task.sleep(for: self.configuration.reconcileInterval) } catch { break }
            }
            return loops
        }
        for loop in loops.values { loop.cancel() }
        for loop in loops.values { await loop.value }
    }

    /// Pulls from one peer until it is removed or the task is cancelled. While a batch is
    /// applied, the next ones are already being fetched and read (`BatchPrefetch`), so the
    /// peer builds while this node writes; each fetch acknowledges only what is committed.
    func pull(from name: AuthorityName) async {
        var logger = self.logger
        logger[metadataKey: "peer.name"] = "\(name)"
        var pacing = PullPacing(configuration: configuration, hasAnswered: (try? store.peerSyncStates()[name]?.hasAnswered) ?? false)
        var quiet = false
        var caughtUp = false
        var lastRestart: ContinuousClock.Instant?
        var prefetch: BatchPrefetch?
        defer { prefetch?.cancel() }
        while !Task.isCancelled {
            guard let target = targets().first(where: { $0.name == name }) else { return }
            do {
                if prefetch == nil {
                    prefetch = try BatchPrefetch(
                        from: name, client: client, store: store, limit: configuration.batchSize, wait: caughtUp ? configuration.longPoll : .zero,
                        depth: configuration.prefetch)
                }
                guard let batch = try await prefetch?.nextBatch() else {
                    prefetch = nil
                    continue
                }
                try Task.checkCancellation()
                let recovered = pacing.failures > 0
                if let wait = pacing.afterBatch(sharesNothing: batch.sharesNothing, thisNodeSharesNothing: target.policy.share.isEmpty) {
                    prefetch?.cancel()
                    prefetch = nil
                    caughtUp = false
                    try store.recordNothingShared(by: name, at: clock())
                    if !quiet {
                        quiet = true
                        logger.info("the peer shares nothing with this node; asking again hourly, or when its peer file changes")
                    }
                    guard await waitOut(wait, unlessChanged: target) else { return }
                    continue
                }
                quiet = false
                let outcome: BatchOutcome
                let mayRestart = lastRestart.map { ContinuousClock.now - $0 >= PulledBatch.restartInterval } ?? true
                switch try await store.applyPulled(batch, from: name, policy: target.policy, mayRestart: mayRestart, at: clock()) {
                case .applied(let applied): outcome = applied
                case .restarted(let reason):
                    lastRestart = .now
                    logger.warning("reading the peer's change log again from the start", metadata: ["sync.reason": "\(reason)"])
                    prefetch?.cancel()
                    prefetch = nil
                    caughtUp = false
                    continue
                }
                if outcome.applied > 0 { signal?.poke() }
                Self.count(outcome, from: name)
                let lag = batch.hasMore ? max(batch.lag, 1) : 0
                try store.recordPullSuccess(from: name, lag: lag, at: clock())
                if let peerTime = batch.peerTime { clocks?.record(name, peerTime: peerTime, now: clock()) }
                if outcome.setAside > 0 {
                    logger.warning(
                        "items refused and set aside; `vve status` says why",
                        metadata: ["sync.set_aside": "\(outcome.setAside)", "sync.cursor": "\(batch.cursor)"])
                }
                if outcome.applied > 0 || recovered {
                    logger.info(
                        "pulled a batch",
                        metadata: ["sync.applied": "\(outcome.applied)", "sync.unchanged": "\(outcome.unchanged)", "sync.cursor": "\(batch.cursor)"])
                }
                if !batch.hasMore {
                    prefetch?.cancel()
                    prefetch = nil
                }
                caughtUp = !batch.hasMore
                pacing.applied()
            } catch {
                // Batches fetched ahead of one that failed are dropped: the next pull asks again
                // from the committed cursor.
                prefetch?.cancel()
                prefetch = nil
                if Task.isCancelled { return }
                caughtUp = false
                let delay = pacing.afterFailure(refused: error is PullRefused, unit: Double.random(in: 0...1))
                // Error descriptions name peers, addresses and certificates, never a person.
                Counter(label: MetricName.pullFailures, dimensions: [("peer", "\(name)")]).increment()
                logger.warning(
                    "pull failed; retrying",
                    metadata: ["error": "\(error)", "sync.retry.seconds": "\(delay.roundedSeconds)", "sync.failures": "\(pacing.failures)"])
                do {
                    try store.recordPullFailure(from: name, reason: "\(error)", at: clock())
                } catch {
                    logger.error("cannot record the failed pull", metadata: ["error": "\(error)"])
                }
                guard await waitOut(delay, unlessChanged: target) else { return }
            }
        }
    }

    /// Sleeps for `duration`, or until the peer's file changes or goes; false when cancelled.
    private func waitOut(_ duration: Duration, unlessChanged target: PullTarget) async -> Bool {
        let deadline = ContinuousClock.now + duration
        while ContinuousClock.now < deadline {
            do { try await Task.sleep(for: min(configuration.reconcileInterval, deadline - .now)) } catch { return false }
            if targets().first(where: { $0.name == target.name }) != target { return true }
        }
        return true
    }

    /// Counts an applied batch and its items in the node's metrics.
    static func count(_ outcome: BatchOutcome, from peer: AuthorityName) {
        let name = "\(peer)"
        Counter(label: MetricName.batchesApplied, dimensions: [("peer", name)]).increment()
        for (label, count) in [
            ("applied", outcome.applied), ("unchanged", outcome.unchanged), ("set-aside", outcome.setAside), ("retried", outcome.retried),
        ]
        where count > 0 {
            Counter(label: MetricName.items, dimensions: [("peer", name), ("outcome", label)]).increment(by: count)
        }
    }
}
