import Logging
import ServiceLifecycle
import Synchronization
import VVEStore

/// Wakes long-polling requests when the change log grows.
///
/// Writes come from this process (batches the pull loops apply) and from other processes
/// (`vve record` commands on the same store), so the signal looks at the log's last sequence
/// every `interval` and whenever this process has written (`poke`). One timer serves every
/// waiter, and expires their deadlines too, so an idle node with many peers does not spin.
package final class ChangeSignal: Service, Sendable {
    private struct Waiter {
        var after: Int64
        var deadline: ContinuousClock.Instant
        var continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var latest: Int64 = 0
        var nextID = 0
        var waiters: [Int: Waiter] = [:]
        /// Waiters cancelled before they were registered.
        var cancelled: Set<Int> = []
        var stopped = false
    }

    private let store: CaseStore
    private let interval: Duration
    private let logger: Logger
    private let state = Mutex(State())

    /// Default interval 200 ms: an edit made by a command reaches waiting peers within it.
    package init(store: CaseStore, interval: Duration = .milliseconds(200), logger: Logger) {
        self.store = store
        self.interval = interval
        self.logger = logger
    }

    /// Waits until the log holds a change after `sequence` (true), or until `deadline`, a
    /// shutdown or cancellation (false).
    package func wait(after sequence: Int64, until deadline: ContinuousClock.Instant) async -> Bool {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow: Bool? = state.withLock { state in
                    if state.cancelled.remove(id) != nil || state.stopped { return false }
                    if state.latest > sequence { return true }
                    state.waiters[id] = Waiter(after: sequence, deadline: deadline, continuation: continuation)
                    return nil
                }
                if let resumeNow { continuation.resume(returning: resumeNow) }
            }
        } onCancel: {
            let waiter: Waiter? = state.withLock { state in
                if let waiter = state.waiters.removeValue(forKey: id) { return waiter }
                state.cancelled.insert(id)
                return nil
            }
            waiter?.continuation.resume(returning: false)
        }
    }

    /// Looks at the log now: call after this process wrote to it.
    package func poke() {
        do {
            let latest = try store.latestChangeSequence()
            wake(latest: latest, now: .now)
        } catch {
            logger.error("cannot read the change log's last sequence", metadata: ["error": "\(error)"])
        }
    }

    private func wake(latest: Int64, now: ContinuousClock.Instant) {
        let ready: [(CheckedContinuation<Bool, Never>, Bool)] = state.withLock { state in
            state.latest = max(state.latest, latest)
            var ready: [(CheckedContinuation<Bool, Never>, Bool)] = []
            for (id, waiter) in state.waiters {
                if state.latest > waiter.after || now >= waiter.deadline || state.stopped {
                    state.waiters.removeValue(forKey: id)
                    ready.append((waiter.continuation, state.latest > waiter.after))
                }
            }
            return ready
        }
        for (continuation, changed) in ready { continuation.resume(returning: changed) }
    }

    /// Polls until shutdown, then releases every waiter so that long-polls end at once.
    package func run() async throws {
        poke()
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await Task.sleep(for: self.interval) } catch { break }
                self.poke()
            }
        }
        let latest = state.withLock { state in
            state.stopped = true
            return state.latest
        }
        wake(latest: latest, now: .now)
    }
}
