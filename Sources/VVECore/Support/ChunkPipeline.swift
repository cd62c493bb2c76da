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
package final class ChunkPipeline<Chunk: Sendable>: Sendable {
    private let slots: Mutex<[Chunk?]>
    private let ready: [DispatchSemaphore]
    private let nextIndex = Atomic<Int>(0)
    private let finished = DispatchGroup()

    /// Starts producing `count` chunks at once on `workers` threads (default: one per core).
    package init(count: Int, workers: Int = ChunkPipeline.processorCount, produce: @escaping @Sendable (Int) -> Chunk) {
        slots = Mutex(Array(repeating: nil, count: count))
        ready = (0..<count).map { _ in DispatchSemaphore(value: 0) }
        for _ in 0..<max(1, min(workers, count)) {
            finished.enter()
            ProducerThread.start { [self] in
                while true {
                    let index = nextIndex.add(1, ordering: .relaxed).oldValue
                    guard index < count else { break }
                    let chunk = produce(index)
                    slots.withLock { $0[index] = chunk }
                    ready[index].signal()
                }
                finished.leave()
            }
        }
    }

    /// Waits for chunk `index` and hands it over, releasing it from the pipeline.
    package func take(_ index: Int) -> Chunk {
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

/// Work run on a thread of its own, awaited without holding a thread of the concurrency pool.
package enum OwnThread {
    /// Runs `body` on a new thread and returns what it returns: a long computation started
    /// ahead of need must not take one of the pool's few threads from the requests it serves.
    package static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            ProducerThread.start { continuation.resume(with: Result { try body() }) }
        }
    }
}

/// Runs a closure on a new, detached POSIX thread.
private enum ProducerThread {
    final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    static func start(_ run: @escaping @Sendable () -> Void) {
        let body = Unmanaged.passRetained(Body(run)).toOpaque()
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
        precondition(created == 0, "cannot start a producer thread: error \(created)")
        #if canImport(Glibc)
        pthread_detach(thread)
        #else
        pthread_detach(thread!)
        #endif
    }
}
