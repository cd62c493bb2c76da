import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import VVECore
import VVEStore

/// Records every refused connection in the audit log, and logs them without letting a flood
/// of bad connections flood the log or the disk's sync rate. Refusals are queued in memory
/// and written in one transaction a second by `run()`; the first few each minute are logged
/// in full, the rest are counted and summarised.
package final class RefusalLog: Service, Sendable {
    /// Tuning, with the defaults `vve serve` uses.
    package struct Configuration: Sendable {
        /// Log lines about refusals per minute before they are only counted. Default 10.
        package var logLinesPerMinute = 10
        /// Refusals held in memory between flushes; beyond it they are counted, and the count
        /// is audited, so an attacker cannot exhaust memory. Default 10,000.
        package var queueLimit = 10_000
        /// How often queued refusals are written. Default one second.
        package var flushInterval: Duration = .seconds(1)

        package init() {}
    }

    /// One refused connection.
    package struct Refusal: Sendable {
        package var time: Timestamp
        /// The remote address, as `IP:PORT`.
        package var remote: String
        package var reason: CertificateRefusal
    }

    private struct State {
        var queue: [Refusal] = []
        var overflow = 0
        var windowStart: ContinuousClock.Instant
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
        self.state = Mutex(State(windowStart: .now))
    }

    /// Notes a refusal; safe to call from an event loop, as it never blocks on I/O.
    package func record(_ reason: CertificateRefusal, remote: String, at time: Timestamp) {
        let refusal = Refusal(time: time, remote: remote, reason: reason)
        let (logIt, suppressed) = state.withLock { state -> (Bool, Int) in
            if state.queue.count < configuration.queueLimit {
                state.queue.append(refusal)
            } else {
                state.overflow += 1
            }
            var suppressed = 0
            if ContinuousClock.now - state.windowStart >= .seconds(60) {
                suppressed = state.suppressedInWindow
                state.windowStart = .now
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
            logger.warning("further connections refused and not logged in the last minute", metadata: ["refusals.suppressed": "\(suppressed)"])
        }
        if logIt {
            logger.warning(
                "connection refused",
                metadata: ["remote.address": "\(remote)", "refusal.reason": "\(reason.label)", "refusal.detail": "\(reason)"])
        }
    }

    /// Writes queued refusals to the audit log now.
    package func flush() {
        let (batch, overflow) = state.withLock { state -> ([Refusal], Int) in
            defer {
                state.queue.removeAll(keepingCapacity: true)
                state.overflow = 0
            }
            return (state.queue, state.overflow)
        }
        var events = batch.map { refusal in
            AuditEvent(
                time: refusal.time, actor: "tls:unidentified", action: .refuse,
                detail: "connection from \(refusal.remote) refused (\(refusal.reason.label)): \(refusal.reason)")
        }
        if overflow > 0 {
            events.append(
                AuditEvent(
                    time: batch.last?.time ?? Timestamp(Date()), actor: "tls:unidentified", action: .refuse,
                    detail: "\(overflow) further connections refused while the refusal queue was full; not itemised"))
        }
        do {
            try store.audit(events)
        } catch {
            logger.error("cannot write refused connections to the audit log", metadata: ["error": "\(error)", "refusals.count": "\(events.count)"])
        }
    }

    /// Flushes once a second until graceful shutdown, then once more.
    package func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: self.configuration.flushInterval)
                self.flush()
            }
        }
        flush()
    }
}
