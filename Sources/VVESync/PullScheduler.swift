import Logging
import ServiceLifecycle
import VVECore
import VVEStore

/// What the pull loop needs of the network; `VVENet` provides it over mutual TLS.
public protocol PeerClient: Sendable {
    /// One batch of `peer`'s changes for this node after `cursor`: at most `limit` change-log
    /// entries, waiting up to `wait` when the peer has nothing new. `acknowledged` is the
    /// cursor this node has committed, at most `cursor`.
    func changes(from peer: AuthorityName, after cursor: Int64, acknowledged: Int64, limit: Int, wait: Duration) async throws -> AnnouncedBatch
}

/// A peer to pull from, with the policy its batches are checked against.
public struct PullTarget: Sendable, Equatable {
    /// The peer.
    public var name: AuthorityName
    /// What this node shares with it and accepts from it.
    public var policy: SharingPolicy

    public init(name: AuthorityName, policy: SharingPolicy) {
        self.name = name
        self.policy = policy
    }
}

/// Settings of the pull loops, with the defaults `vve serve` uses.
public struct PullConfiguration: Sendable {
    /// Changes asked for per batch. Default 500.
    public var batchSize = 500
    /// Batches fetched and read ahead of the one being applied while a peer has more
    /// (`BatchPrefetch`). Default 2: enough to keep both ends busy on two cores, and a few
    /// megabytes of memory per peer at most.
    public var prefetch = 2
    /// How long a caught-up loop asks the peer to hold its request open. Default 25 s: well
    /// inside the server's 60 s idle timeout, and few enough requests to keep an idle node idle.
    public var longPoll: Duration = .seconds(25)
    /// How often the set of peers is compared with the peer files. Default 1 s.
    public var reconcileInterval: Duration = .seconds(1)
    /// Retry delays after failures.
    public var backoff = Backoff()

    public init() {}
}

/// One pull loop per peer, as a Service: each applies batches, committing the cursor with
/// them, long-polls when caught up, backs off with jitter when a pull fails, and keeps its
/// state in the store for `vve status`. Peers added or removed in `Peers/` start or stop
/// their loop within `reconcileInterval`.
public final class PullScheduler: Service, Sendable {
    let store: CaseStore
    let client: any PeerClient
    let targets: @Sendable () -> [PullTarget]
    let signal: ChangeSignal?
    let configuration: PullConfiguration
    let clock: @Sendable () -> Timestamp
    let logger: Logger

    /// `targets` is read at every reconcile and every pull, so a changed policy applies to the
    /// next batch. `signal`, if given, is poked after a batch changes this node's log.
    public init(
        store: CaseStore, client: any PeerClient, targets: @escaping @Sendable () -> [PullTarget], signal: ChangeSignal?,
        configuration: PullConfiguration = PullConfiguration(), clock: @escaping @Sendable () -> Timestamp, logger: Logger
    ) {
        self.store = store
        self.client = client
        self.targets = targets
        self.signal = signal
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
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
        var backoff = configuration.backoff
        var caughtUp = false
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
                let outcome = try await store.applyBatch(batch.items, from: name, policy: target.policy, cursor: batch.cursor, at: clock())
                if outcome.applied > 0 { signal?.poke() }
                let lag = batch.hasMore ? max(batch.lag, 1) : 0
                try store.recordPullSuccess(from: name, lag: lag, at: clock())
                if outcome.applied > 0 || backoff.failures > 0 {
                    logger.info(
                        "pulled a batch", metadata: ["sync.applied": "\(outcome.applied)", "sync.unchanged": "\(outcome.unchanged)", "sync.cursor": "\(batch.cursor)"])
                }
                if !batch.hasMore {
                    prefetch?.cancel()
                    prefetch = nil
                }
                caughtUp = !batch.hasMore
                backoff.reset()
            } catch {
                // Batches fetched ahead of one that failed are dropped: the next pull asks again
                // from the committed cursor.
                prefetch?.cancel()
                prefetch = nil
                if Task.isCancelled { return }
                caughtUp = false
                let delay = backoff.nextDelay(unit: Double.random(in: 0...1))
                // Error descriptions name peers, addresses and certificates, never a person.
                logger.warning("pull failed; retrying", metadata: ["error": "\(error)", "sync.retry.seconds": "\(delay)", "sync.failures": "\(backoff.failures)"])
                do {
                    try store.recordPullFailure(from: name, reason: "\(error)", at: clock())
                } catch {
                    logger.error("cannot record the failed pull", metadata: ["error": "\(error)"])
                }
                do { try await Task.sleep(for: delay) } catch { return }
            }
        }
    }
}
