import Logging
import ServiceLifecycle
import VVECore
import VVEStore

/// Keeps the match index current inside `vve serve`, so a lookup seldom waits for indexing:
/// at start (a whole store's worth, in transactions of 1,000 records) and every `interval`,
/// while `isNeeded` says some peer's lookups, or its `known-in-several-areas` queries, are
/// answered. A node that answers neither spends nothing on an index.
package struct MatchIndexService: Service {
    let responder: @Sendable () -> LookupResponder?
    let interval: Duration
    let isNeeded: @Sendable () -> Bool
    let logger: Logger

    /// Default interval 2 seconds: an idle refresh is two indexed reads.
    /// `responder` is nil while the node has no linkage key to index with.
    package init(
        responder: @escaping @Sendable () -> LookupResponder?, interval: Duration = .seconds(2), isNeeded: @escaping @Sendable () -> Bool,
        logger: Logger
    ) {
        self.responder = responder
        self.interval = interval
        self.isNeeded = isNeeded
        self.logger = logger
    }

    package func run() async throws {
        await repeatUntilShutdown(every: interval) {
            if self.isNeeded(), let responder = self.responder() { await self.refresh(responder) }
        }
    }

    private func refresh(_ responder: LookupResponder) async {
        do {
            let indexed = try await responder.catchUp()
            if indexed > 0 { logger.debug("match index refreshed", metadata: ["lookup.indexed": "\(indexed)"]) }
        } catch {
            logger.error("match index refresh failed; lookups refresh it again before answering", metadata: ["error": "\(error)"])
        }
    }
}
