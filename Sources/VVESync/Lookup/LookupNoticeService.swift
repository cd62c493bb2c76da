import Logging
import ServiceLifecycle
import VVECore
import VVEStore

/// Delivers queued lookup notices to their owners inside `vve serve`, every `interval`; a
/// notice stays queued until its owner has taken it, so an owner that is down hears later.
package struct LookupNoticeService: Service {
    let store: CaseStore
    let sender: any LookupNoticeSender
    let interval: Duration
    let clock: @Sendable () -> Timestamp
    let logger: Logger

    /// Default interval 2 seconds.
    package init(
        store: CaseStore, sender: any LookupNoticeSender, interval: Duration = .seconds(2), clock: @escaping @Sendable () -> Timestamp, logger: Logger
    ) {
        self.store = store
        self.sender = sender
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    package func run() async throws {
        await repeatUntilShutdown(every: interval) { await self.deliver() }
    }

    /// One round: every owner's queued notices, each owner on its own.
    package func deliver() async {
        let queued: [(owner: AuthorityName, notices: [LookupNotice])]
        do {
            queued = try store.undeliveredLookupNotices()
        } catch {
            logger.error("cannot read queued lookup notices", metadata: ["error": "\(error)"])
            return
        }
        for (owner, notices) in queued {
            do {
                try await sender.send(notices, to: owner)
                try store.markLookupNoticesDelivered(notices.map(\.sequence), at: clock())
            } catch {
                logger.warning("lookup notices not delivered yet; they stay queued", metadata: ["peer.name": "\(owner)", "error": "\(error)"])
            }
        }
    }
}
