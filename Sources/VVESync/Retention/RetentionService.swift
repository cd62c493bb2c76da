import Logging
import ServiceLifecycle
import VVECore
import VVEStore

/// Applies the retention policy inside `vve serve`: at start, then every `interval`, records
/// past review beyond the grace period are erased (the erasure reaching every holder), copies
/// likewise overdue deleted, and tombstones no peer holds collected after their retention.
package struct RetentionService: Service {
    let store: CaseStore
    let policy: RetentionPolicy
    let interval: Duration
    let signal: ChangeSignal?
    let clock: @Sendable () -> Timestamp
    let logger: Logger

    /// Default interval one hour: review dates are days, so an hour late is on time.
    package init(
        store: CaseStore, policy: RetentionPolicy, interval: Duration = .seconds(3600), signal: ChangeSignal?,
        clock: @escaping @Sendable () -> Timestamp,
        logger: Logger
    ) {
        self.store = store
        self.policy = policy
        self.interval = interval
        self.signal = signal
        self.clock = clock
        self.logger = logger
    }

    package func run() async throws {
        await repeatUntilShutdown(every: interval) { self.sweep() }
    }

    func sweep() {
        let now = clock()
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
    }
}
