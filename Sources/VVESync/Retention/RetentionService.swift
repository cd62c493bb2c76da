import Logging
import ServiceLifecycle
import VVECore
import VVEStore

/// Applies the retention policy inside `vve serve`: at start, then every `interval`, records
/// past review beyond the grace period are erased (the erasure reaching every holder), copies
/// likewise overdue deleted, and tombstones no peer holds collected after their retention.
/// A node with peers sweeps only once a peer's clock was seen: until then it looks again
/// every `peerWait`, so the first sweep follows the first peer answer, not an hour later.
package struct RetentionService: Service {
    /// What one sweep did.
    package enum Sweep: Sendable, Equatable {
        /// Applied the policy, or failed and tries again at the next interval.
        case done
        /// No peer's clock seen within the hour yet: looked at again after `peerWait`.
        case waitingForPeers
        /// This node's clock is more than a day ahead of its peers'.
        case clockAhead
    }

    let store: CaseStore
    let policy: RetentionPolicy
    let interval: Duration
    let signal: ChangeSignal?
    let clock: @Sendable () -> Timestamp
    let logger: Logger
    /// The peers' clocks as their answers showed them, and whether this node pulls from any:
    /// with peers, a sweep runs only once one's clock was seen in the last hour, and not at
    /// all while this node's clock is more than a day ahead of theirs.
    let clocks: PeerClocks?
    let hasPeers: @Sendable () -> Bool
    /// How soon a sweep waiting for a peer's clock looks again.
    let peerWait: Duration

    /// How far ahead of its peers' median clock this node's may be before the sweep refuses.
    static let clockAheadLimit: Int64 = 86_400_000

    /// Default interval one hour: review dates are days, so an hour late is on time.
    package init(
        store: CaseStore, policy: RetentionPolicy, interval: Duration = .seconds(3600), signal: ChangeSignal?,
        clock: @escaping @Sendable () -> Timestamp, clocks: PeerClocks? = nil, hasPeers: @escaping @Sendable () -> Bool = { false },
        peerWait: Duration = .seconds(5), logger: Logger
    ) {
        self.clocks = clocks
        self.peerWait = peerWait
        self.hasPeers = hasPeers
        self.store = store
        self.policy = policy
        self.interval = interval
        self.signal = signal
        self.clock = clock
        self.logger = logger
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let wait = sweep() == .waitingForPeers ? peerWait : interval
                do { try await Task.sleep(for: wait) } catch { break }
            }
        }
    }

    @discardableResult
    func sweep() -> Sweep {
        let now = clock()
        if let clocks, hasPeers() {
            // A clock jumped forward would make everything look overdue; the peers' clocks,
            // seen within the hour by a clock no jump moves, say whether it has.
            guard let skew = clocks.medianSkew(maximumAge: .seconds(3600)) else {
                logger.debug("retention waits for a peer's answer, to check this node's clock against the peers'")
                return .waitingForPeers
            }
            if -skew > Self.clockAheadLimit {
                logger.error(
                    "retention refused: this node's clock is ahead of its peers' by more than a day; correct the clock",
                    metadata: ["clock.ahead.seconds": "\(-skew / 1000)"])
                return .clockAhead
            }
        }
        do {
            let outcome = try store.sweepRetention(policy, today: now.calendarDate, at: now)
            if !outcome.erased.isEmpty { signal?.poke() }
            if outcome != RetentionOutcome() {
                logger.notice(
                    "retention applied",
                    metadata: [
                        "retention.erased": "\(outcome.erased.count)", "retention.copies.deleted": "\(outcome.copiesDeleted.count)",
                        "retention.tombstones.collected": "\(outcome.tombstonesCollected.count)", "retention.held": "\(outcome.held)",
                        "retention.failed": "\(outcome.failed.count)",
                    ])
            }
        } catch let refusal as RetentionRefusal {
            logger.error("retention refused; it tries again at the next interval", metadata: ["retention.refusal": "\(refusal)"])
        } catch {
            logger.error("retention sweep failed; it runs again at the next interval", metadata: ["error": "\(error)"])
        }
        return .done
    }
}
