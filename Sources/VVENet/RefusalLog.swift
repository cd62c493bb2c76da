import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Synchronization
import VVECore
import VVEStore
import VVESync

/// Records refused connections, and peers' requests refused before any work (`RefusalAuditor`),
/// in the audit log, and logs them, without letting a flood of either flood the log. The log
/// cannot be pruned without breaking its chain, so a refusal is audited in full only the
/// first time its source (an address, or a peer) is refused for its reason in a window (a
/// minute by default); the rest of that window's are counted, and the count is audited in one
/// entry when the window closes. One source can therefore add at most two entries a window
/// for each reason. Refusals are queued in memory and written in one
/// transaction a second by `run()`; the first few each minute are logged in full, the rest
/// are counted and summarised.
package final class RefusalLog: Service, RefusalAuditor, Sendable {
    /// Tuning, with the defaults `vve serve` uses.
    package struct Configuration: Sendable {
        /// Log lines about refusals per minute before they are only counted. Default 10.
        package var logLinesPerMinute = 10
        /// The window in which an address's refusals for one reason are audited as one entry
        /// and one count (`refusal-audit-window-seconds:` in node.yaml). Default 60 seconds.
        package var auditWindow: Duration = .seconds(60)
        /// Addresses and reasons told apart in one window; refusals from more are counted
        /// together, so a flood from many addresses cannot exhaust memory. Default 1,000.
        package var trackedSources = 1_000
        /// How often queued refusals are written. Default one second.
        package var flushInterval: Duration = .seconds(1)

        package init() {}
    }

    /// Where refusals are counted together: one address, without its port, or one peer,
    /// for one reason. `subject` names what was refused in the entry that counts them.
    private struct Source: Hashable {
        var actor: String
        var subject: String
        var reason: String
    }

    /// The refusals of one source after its first in a window.
    private struct Tally {
        var count = 0
        var first: Timestamp
        var last: Timestamp
    }

    private struct State {
        /// Refusals to audit in full at the next flush: the first of each source this window.
        var itemised: [AuditEvent] = []
        var tallies: [Source: Tally] = [:]
        /// Refusals from sources beyond `trackedSources`, and when the first and last came.
        var untracked: Tally?
        var auditWindowStart: ContinuousClock.Instant
        var logWindowStart: ContinuousClock.Instant
        var loggedInWindow = 0
        var suppressedInWindow = 0
    }

    private let store: CaseStore
    private let logger: Logger
    private let configuration: Configuration
    private let state: Mutex<State>

    package init(store: CaseStore, logger: Logger, configuration: Configuration = Configuration()) {
        self.store = store
        self.logger = logger
        self.configuration = configuration
        self.state = Mutex(State(auditWindowStart: .now, logWindowStart: .now))
    }

    /// Notes a refused connection; safe to call from an event loop, as it never blocks on I/O.
    package func record(_ reason: CertificateRefusal, remote: String, at time: Timestamp) {
        let event = AuditEvent(
            time: time, actor: "tls:unidentified", action: .refuse, detail: "connection from \(remote) refused (\(reason.label)): \(reason)")
        let source = Source(actor: "tls:unidentified", subject: "connections from \(Self.host(of: remote))", reason: reason.label)
        Counter(label: MetricName.refusals, dimensions: [("reason", reason.label)]).increment()
        if note(event, from: source) {
            logger.warning(
                "connection refused",
                metadata: ["remote.address": "\(remote)", "refusal.reason": "\(reason.label)", "refusal.detail": "\(reason)"])
        }
    }

    /// Queues `event` in full or counts it, as the first or a later refusal of `source` in
    /// the window; true when it may be logged, within the log's rate.
    private func note(_ event: AuditEvent, from source: Source) -> Bool {
        let time = event.time
        let (logIt, suppressed) = state.withLock { state -> (Bool, Int) in
            if state.tallies[source] != nil {
                state.tallies[source]!.count += 1
                state.tallies[source]!.last = time
            } else if state.tallies.count < configuration.trackedSources {
                state.tallies[source] = Tally(first: time, last: time)
                state.itemised.append(event)
            } else {
                state.untracked =
                    state.untracked.map { Tally(count: $0.count + 1, first: $0.first, last: time) }
                    ?? Tally(count: 1, first: time, last: time)
            }
            var suppressed = 0
            if ContinuousClock.now - state.logWindowStart >= .seconds(60) {
                suppressed = state.suppressedInWindow
                state.logWindowStart = .now
                state.loggedInWindow = 0
                state.suppressedInWindow = 0
            }
            if state.loggedInWindow < configuration.logLinesPerMinute {
                state.loggedInWindow += 1
                return (true, suppressed)
            }
            state.suppressedInWindow += 1
            return (false, suppressed)
        }
        if suppressed > 0 {
            logger.warning("further refusals not logged in the last minute", metadata: ["refusals.suppressed": "\(suppressed)"])
        }
        return logIt
    }

    /// Writes what is due to the audit log now: each source's first refusal of the window in
    /// full and, once the window has closed, one count for each source refused again in it.
    /// `closingWindow` closes it now, as at shutdown.
    package func flush(closingWindow: Bool = false) {
        let (itemised, counted, untracked) = state.withLock { state -> ([AuditEvent], [(Source, Tally)], Tally?) in
            let itemised = state.itemised
            state.itemised.removeAll(keepingCapacity: true)
            guard closingWindow || ContinuousClock.now - state.auditWindowStart >= configuration.auditWindow else { return (itemised, [], nil) }
            defer {
                state.tallies.removeAll(keepingCapacity: true)
                state.untracked = nil
                state.auditWindowStart = .now
            }
            let counted = state.tallies.filter { $0.value.count > 0 }.sorted { ($0.key.subject, $0.key.reason) < ($1.key.subject, $1.key.reason) }
            return (itemised, counted.map { ($0.key, $0.value) }, state.untracked)
        }
        var events = itemised
        for (source, tally) in counted {
            events.append(
                AuditEvent(
                    time: tally.last, actor: source.actor, action: .refuse,
                    detail:
                        "\(tally.count) further \(source.subject) refused (\(source.reason)) from \(tally.first) to \(tally.last); the first of the window is audited in full"
                ))
        }
        if let untracked {
            events.append(
                AuditEvent(
                    time: untracked.last, actor: "tls:unidentified", action: .refuse,
                    detail:
                        "\(untracked.count) refused from \(untracked.first) to \(untracked.last) from sources beyond the \(configuration.trackedSources) told apart in a window; not itemised"
                ))
        }
        guard !events.isEmpty else { return }
        do {
            try store.audit(events)
        } catch {
            logger.error("cannot write refused connections to the audit log", metadata: ["error": "\(error)", "refusals.count": "\(events.count)"])
        }
    }

    /// Flushes once a second until graceful shutdown, then once more, closing the window.
    package func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: self.configuration.flushInterval)
                self.flush()
            }
        }
        flush(closingWindow: true)
    }

    /// Notes a refused request of a peer's (`RefusalAuditor`): counted per peer and reason.
    package func refuse(_ event: AuditEvent, source: String, reason: String) {
        Counter(label: MetricName.refusals, dimensions: [("reason", reason)]).increment()
        if note(event, from: Source(actor: event.actor, subject: "requests of \(source)", reason: reason)) {
            logger.warning("request refused", metadata: ["refusal.source": "\(source)", "refusal.reason": "\(reason)"])
        }
    }

    /// The address of `remote` (`IP:PORT`, or `[IPv6]:PORT`) without its port.
    static func host(of remote: String) -> String {
        if remote.hasPrefix("["), let end = remote.firstIndex(of: "]") { return String(remote[remote.index(after: remote.startIndex)..<end]) }
        guard let colon = remote.lastIndex(of: ":"), remote.firstIndex(of: ":") == colon else { return remote }
        return String(remote[..<colon])
    }
}
