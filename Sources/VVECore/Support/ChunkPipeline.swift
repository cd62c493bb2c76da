import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Produces chunks of work on every core while the caller consumes them in order.
///
/// A bulk import validates and encodes on all cores while one thread writes into the open
/// transaction; with the two overlapped, neither waits for the other to finish everything.
///
/// The producers are plain threads, one per core, each taking the next chunk index from a
/// shared counter. They are not libdispatch's pool: on two cores its `concurrentPerform` can
/// start the second producer only once the pool's other thread is free, late into an
/// import, which then runs on one producer until it does.
///
/// Producer threads are bounded across the process (`maximumThreads`): batches for many
/// peers at once, or a flood of them, never start more. A pipeline that finds none to spare
/// produces each chunk on the caller's thread as it is taken, in order, as if it had no
/// pipeline at all: slower, never stuck waiting for another's threads.
package final class ChunkPipeline<Chunk: Sendable>: Sendable {
    private let slots: Mutex<[Chunk?]>
    private let ready: [DispatchSemaphore]
    private let nextIndex = Atomic<Int>(0)
    private let finished = DispatchGroup()
    /// Produces chunks on the caller's thread when no producer thread started.
    private let inline: (@Sendable (Int) -> Chunk)?
    /// The producer threads this pipeline was granted; 0 when it produces on the caller's
    /// thread.
    package let threads: Int

    /// Producer threads across every pipeline of the process, at most: twice the cores, so
    /// that two pipelines at full width (an import and a batch, or two batches) run at once.
    package static var maximumThreads: Int { 2 * processorCount }

    /// Starts producing `count` chunks at once on `workers` threads (default: one per core).
    /// Every producer takes chunks until none are left, so any one of them finishes the work:
    /// if the system will not start some threads (out of memory or of threads), the others
    /// do it all, and only when it will start none does this throw, rather than crash.
    package init(count: Int, workers: Int = ChunkPipeline.processorCount, produce: @escaping @Sendable (Int) -> Chunk) throws(ThreadStartFailure) {
        slots = Mutex(Array(repeating: nil, count: count))
        ready = (0..<count).map { _ in DispatchSemaphore(value: 0) }
        let granted = Self.reserveThreads(max(1, min(workers, count)))
        threads = granted
        inline = granted == 0 ? produce : nil
        var started = 0
        var failure: ThreadStartFailure?
        for _ in 0..<granted {
            finished.enter()
            do {
                try ProducerThread.start { [self] in
                    while true {
                        let index = nextIndex.add(1, ordering: .relaxed).oldValue
                        guard index < count else { break }
                        let chunk = produce(index)
                        slots.withLock { $0[index] = chunk }
                        ready[index].signal()
                    }
                    ProducerThreads.running.subtract(1, ordering: .relaxed)
                    finished.leave()
                }
                started += 1
            } catch {
                ProducerThreads.running.subtract(1, ordering: .relaxed)
                finished.leave()
                failure = error
            }
        }
        if started == 0, let failure { throw failure }
    }

    /// Takes up to `wanted` of the process's producer threads; 0 when none are free.
    private static func reserveThreads(_ wanted: Int) -> Int {
        var running = ProducerThreads.running.load(ordering: .relaxed)
        while true {
            let granted = max(0, min(wanted, maximumThreads - running))
            guard granted > 0 else { return 0 }
            let (exchanged, original) = ProducerThreads.running.compareExchange(
                expected: running, desired: running + granted, ordering: .relaxed)
            if exchanged { return granted }
            running = original
        }
    }

    /// Waits for chunk `index` and hands it over, releasing it from the pipeline.
    package func take(_ index: Int) -> Chunk {
        if let inline { return inline(index) }
        ready[index].wait()
        return slots.withLock { slots in
            defer { slots[index] = nil }
            return slots[index]!
        }
    }

    /// Waits until every chunk has been produced, so no work outlives its caller.
    package func waitUntilFinished() {
        finished.wait()
    }

    /// The number of processors online.
    package static var processorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}

/// Producer threads running now, across every pipeline of the process.
private enum ProducerThreads {
    static let running = Atomic<Int>(0)
}

/// Work run on a thread of its own, awaited without holding a thread of the concurrency pool.
package enum OwnThread {
    /// Runs `body` on a new thread and returns what it returns: a long computation started
    /// ahead of need must not take one of the pool's few threads from the requests it serves.
    /// When the system will not start a thread, it throws `ThreadStartFailure`: the caller's
    /// request fails, and the process goes on.
    package static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            do {
                try ProducerThread.start { continuation.resume(with: Result { try body() }) }
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }
}

/// The system would not start a thread: `pthread_create`'s error, such as `EAGAIN` when the
/// process is out of threads or memory.
package struct ThreadStartFailure: Error, Sendable, CustomStringConvertible {
    package let code: Int32
    package var description: String { "cannot start a worker thread: error \(code); the system is out of threads or memory" }
}

/// Runs a closure on a new, detached POSIX thread.
private enum ProducerThread {
    final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    static func start(_ run: @escaping @Sendable () -> Void) throws(ThreadStartFailure) {
        let retained = Unmanaged.passRetained(Body(run))
        let body = retained.toOpaque()
        #if canImport(Glibc)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        let created = pthread_create(
            &thread, nil,
            { argument in
                let body = Unmanaged<Body>.fromOpaque(argument!).takeRetainedValue()
                body.run()
                return nil
            }, body)
        guard created == 0 else {
            // The thread never ran, so the body it would have released is released here.
            retained.release()
            throw ThreadStartFailure(code: created)
        }
        #if canImport(Glibc)
        pthread_detach(thread)
        #else
        pthread_detach(thread!)
        #endif
    }
}
