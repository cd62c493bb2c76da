import Dispatch
import Synchronization

/// Produces chunks of work on every core while the caller consumes them in order.
///
/// A bulk import validates and encodes on all cores while one thread writes into the open
/// transaction; with the two overlapped, neither waits for the other to finish everything.
public final class ChunkPipeline<Chunk: Sendable>: Sendable {
    private let slots: Mutex<[Chunk?]>
    private let ready: [DispatchSemaphore]
    private let finished = DispatchGroup()

    /// Starts producing `count` chunks in the background, at most one per core at a time.
    public init(count: Int, produce: @escaping @Sendable (Int) -> Chunk) {
        slots = Mutex(Array(repeating: nil, count: count))
        ready = (0..<count).map { _ in DispatchSemaphore(value: 0) }
        finished.enter()
        DispatchQueue.global().async { [self] in
            DispatchQueue.concurrentPerform(iterations: count) { index in
                let chunk = produce(index)
                slots.withLock { $0[index] = chunk }
                ready[index].signal()
            }
            finished.leave()
        }
    }

    /// Waits for chunk `index` and hands it over, releasing it from the pipeline.
    public func take(_ index: Int) -> Chunk {
        ready[index].wait()
        return slots.withLock { slots in
            defer { slots[index] = nil }
            return slots[index]!
        }
    }

    /// Waits until every chunk has been produced, so no work outlives its caller.
    public func waitUntilFinished() {
        finished.wait()
    }
}
