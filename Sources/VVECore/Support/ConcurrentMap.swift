import Dispatch
import Synchronization

extension Array where Element: Sendable {
    /// `map` spread over every core, in chunks, keeping the order. For pure, CPU-bound
    /// transforms of many elements (validating or encoding an import).
    public func concurrentMap<Transformed: Sendable>(
        chunkSize: Int = 2048, _ transform: @Sendable (Element) -> Transformed
    ) -> [Transformed] {
        guard count > chunkSize else { return map(transform) }
        let chunkCount = (count + chunkSize - 1) / chunkSize
        let done = Mutex<[Int: [Transformed]]>([:])
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            let transformed = self[chunk * chunkSize..<Swift.min(count, (chunk + 1) * chunkSize)].map(transform)
            done.withLock { $0[chunk] = transformed }
        }
        return done.withLock { chunks in (0..<chunkCount).flatMap { chunks[$0]! } }
    }
}
