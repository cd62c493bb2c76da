import VVECore

/// A sink that keeps what it is given, as the server's compressing one would.
package final class CollectingSink: BatchBodySink, @unchecked Sendable {
    /// The one encoding a test asks of it.
    package enum Encoding: Hashable, Sendable { case collected }

    // Unchecked: the tests write and read it from one thread.
    package var bytes: [UInt8] = []
    package var writes = 0

    package init() {}

    package func begin() throws {
        bytes = []
        writes = 0
    }

    package func write(_ bytes: [UInt8]) throws {
        self.bytes += bytes
        writes += 1
    }
}
