import Foundation
import Logging
import Metrics
import Synchronization
import VVECore
import VVEStore
import VVESync

/// The node's gauges, read from its store and its certificate when Prometheus scrapes them:
/// the pull state of each peer, the store's counts and the certificate's days to expiry.
/// Counters (batches, items, bytes, lookups answered, refusals) are recorded where they
/// happen; lookups asked are made by `vve lookup`, another process, so they are counted from
/// the store, a counter advanced by what the store gained since the last scrape.
package final class NodeMetrics: Sendable {
    let store: CaseStore
    let identity: NodeIdentity
    let logger: Logger
    /// The lookups asked that the counters already hold, by peer and outcome.
    private let lookupsAskedCounted = Mutex<[AuthorityName: [String: Int]]>([:])

    package init(store: CaseStore, identity: NodeIdentity, logger: Logger) {
        self.store = store
        self.identity = identity
        self.logger = logger
    }

    /// Sets every gauge from what the store and the certificate say now. A store that cannot
    /// be read leaves the gauges as they were, and says so in the log.
    package func refresh(now: Timestamp = Timestamp(Date())) {
        Gauge(label: MetricName.certificateDays, dimensions: [("certificate", "own")])
            .record(CertificateFiles.daysToExpiry(identity.certificate))
        do {
            let counts = try store.counts(today: now.calendarDate)
            Gauge(label: MetricName.records).record(counts.records)
            Gauge(label: MetricName.copies).record(counts.copies)
            Gauge(label: MetricName.auditEntries).record(counts.auditEntries)
            Gauge(label: MetricName.overdueReviews).record(counts.overdueReviews)
            countLookupsAsked(counts.lookupsAsked)
            for (peer, state) in try store.peerSyncStates() {
                let dimensions = [("peer", "\(peer)")]
                Gauge(label: MetricName.peerCursor, dimensions: dimensions).record(state.cursor)
                Gauge(label: MetricName.peerSetAside, dimensions: dimensions).record(counts.setAside[peer] ?? 0)
                if let lag = state.lagChanges { Gauge(label: MetricName.peerLagChanges, dimensions: dimensions).record(lag) }
                if let behind = state.lagSeconds(now: now) { Gauge(label: MetricName.peerBehindSeconds, dimensions: dimensions).record(behind) }
                if let success = state.lastSuccess {
                    Gauge(label: MetricName.peerLastSuccess, dimensions: dimensions).record(Double(success.millisecondsSinceEpoch) / 1000)
                }
            }
        } catch {
            logger.error("cannot read the store for the metrics; the gauges keep their last values", metadata: ["error": "\(error)"])
        }
    }

    /// Advances each lookups-asked counter to the store's count. Two scrapes at once, or a
    /// count read before another scrape's, never move a counter back or count twice.
    private func countLookupsAsked(_ asked: [AuthorityName: [String: Int]]) {
        lookupsAskedCounted.withLock { counted in
            for (peer, outcomes) in asked {
                for (outcome, count) in outcomes where count > counted[peer]?[outcome] ?? 0 {
                    Counter(label: MetricName.lookupsAsked, dimensions: [("peer", "\(peer)"), ("outcome", outcome)])
                        .increment(by: count - (counted[peer]?[outcome] ?? 0))
                    counted[peer, default: [:]][outcome] = count
                }
            }
        }
    }
}
