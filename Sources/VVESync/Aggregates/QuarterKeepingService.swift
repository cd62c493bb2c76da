import Logging
import ServiceLifecycle
import VVECore
import VVEStore

/// Keeps each quarter's counts once it may be reported, inside `vve serve`: at start, then
/// every `interval`, every measure's reportable quarters not kept yet are counted from the
/// node's own records and kept, so that later erasures at review dates leave the trend as it
/// was. A node that starts without kept counts (a new node, or after an upgrade) counts every
/// closed quarter back to its oldest record, at most `maximumQuarters`; answers say which
/// quarters were counted late.
package struct QuarterKeepingService: Service {
    /// How far back a node counts quarters it never kept: ten years.
    package static let maximumQuarters = 40

    let store: CaseStore
    let reportLagDays: Int
    let interval: Duration
    let clock: @Sendable () -> Timestamp
    let logger: Logger

    /// Default interval six hours: a quarter becomes reportable on a given day.
    package init(
        store: CaseStore, reportLagDays: Int, interval: Duration = .seconds(6 * 3600), clock: @escaping @Sendable () -> Timestamp, logger: Logger
    ) {
        self.store = store
        self.reportLagDays = reportLagDays
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    package func run() async throws {
        await repeatUntilShutdown(every: interval) { await self.keep() }
    }

    /// Keeps every measure's reportable quarters not kept yet.
    package func keep() async {
        let now = clock()
        let latest = Quarter.latestReportable(on: now.calendarDate, lagDays: reportLagDays)
        for measure in Measure.allCases where measure.isCountedByQuarter {
            do {
                let added = try await store.keepQuarters(of: measure, through: latest, maximumQuarters: Self.maximumQuarters, at: now)
                if let first = added.first, let last = added.last {
                    logger.notice(
                        "quarterly counts kept", metadata: ["aggregate.measure": "\(measure.rawValue)", "aggregate.quarters": "\(first)-\(last)"])
                }
            } catch {
                logger.error(
                    "cannot keep quarterly counts; they are kept at the next interval or the next query",
                    metadata: ["aggregate.measure": "\(measure.rawValue)", "error": "\(error)"])
            }
        }
    }
}
