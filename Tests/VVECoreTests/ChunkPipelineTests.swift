import Dispatch
import Synchronization
import Testing
import VVECore

/// Chunks are produced on every core and taken in order; producer threads are bounded across
/// the process, and a pipeline without any still delivers every chunk.
@Suite struct ChunkPipelineTests {
    @Test func everyChunkArrivesInOrder() throws {
        let pipeline = try ChunkPipeline(count: 50) { index in index * index }
        #expect((0..<50).map(pipeline.take) == (0..<50).map { $0 * $0 })
        pipeline.waitUntilFinished()
    }

    @Test func aPipelineFindingNoThreadToSpareProducesOnTheCallersThread() throws {
        // Pipelines whose producers wait hold threads until none is left to spare. Other
        // tests' pipelines come and go meanwhile: hold every thread they free, until one
        // made when none was free gets none either.
        let gate = DispatchSemaphore(value: 0)
        var blocked: [ChunkPipeline<Int>] = []
        var starved: ChunkPipeline<Int>?
        let produced = Mutex<Int>(0)
        for _ in 0..<(100 * ChunkPipeline<Int>.maximumThreads) {
            let blocker = try ChunkPipeline(count: 1, workers: 1) { _ in
                gate.wait()
                return 0
            }
            if blocker.threads > 0 {
                blocked.append(blocker)
                continue
            }
            let pipeline = try ChunkPipeline(count: 3, workers: 1) { index in
                produced.withLock { $0 += 1 }
                return index
            }
            if pipeline.threads == 0 {
                starved = pipeline
                break
            }
            _ = (0..<3).map(pipeline.take)
            pipeline.waitUntilFinished()
        }
        defer {
            for _ in blocked { gate.signal() }
            for pipeline in blocked { pipeline.waitUntilFinished() }
        }
        let pipeline = try #require(starved, "every pipeline found a thread to spare")
        let before = produced.withLock { $0 }
        // Nothing is produced until taken, then each chunk on this thread, in order.
        #expect((0..<3).map(pipeline.take) == [0, 1, 2])
        #expect(produced.withLock { $0 } == before + 3)
        pipeline.waitUntilFinished()
    }
}
