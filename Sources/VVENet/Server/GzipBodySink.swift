import CompressNIO
import Foundation
import NIOCore
import VVECore

/// Compresses a batch's body (at zlib's fastest level) as the feed writes it
/// (`BatchBodySink`), with the newline every JSON answer ends with. docs/benchmarks.md
/// gives the sizes on the wire.
package final class GzipBodySink: BatchBodySink, @unchecked Sendable {
    /// A finished body: the gzip stream, and the match keys' bytes taken out of it.
    struct Body {
        var compressed: ByteBuffer
        var keys: [UInt8]
    }

    /// The encoding this sink writes.
    package let encoding: BatchEncoding
    // Unchecked: every access to the stream holds `lock`.
    private let lock = NSLock()
    private let compressor = WireCompression.algorithm.compressor
    private var started = false
    private var output = ByteBuffer()
    private var plainBytes = 0
    private var keys: [UInt8] = []

    /// A sink writing `encoding`.
    package init(encoding: BatchEncoding) {
        self.encoding = encoding
    }

    package func begin() throws {
        try locked {
            if started { try compressor.resetStream() } else { try compressor.startStream() }
            started = true
            var window = ByteBuffer(repeating: 0, count: 64 * 1024)
            window.clear()
            compressor.window = window
            output.clear()
            plainBytes = 0
            keys.removeAll(keepingCapacity: true)
        }
    }

    package func write(_ bytes: [UInt8]) throws {
        try locked {
            // The feed writes whole items at a time, so no key is ever cut between two writes.
            try compress(encoding == .gzipWithKeysApart ? SplitMatchKeys.split(bytes, keys: &keys) : bytes, flush: .no)
        }
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Holding `lock`.
    private func compress(_ bytes: [UInt8], flush: CompressNIOFlush) throws {
        var input = ByteBuffer(bytes: bytes)
        plainBytes += bytes.count
        try input.compressStream(with: compressor, flush: flush) { window in output.writeImmutableBuffer(window) }
    }

    /// The compressed body; nil when it is too small to be worth compressing, and is sent
    /// as it is.
    func finish() throws -> Body? {
        try locked {
            try compress([UInt8(ascii: "\n")], flush: .finish)
            try compressor.finishStream()
            return plainBytes + keys.count >= WireCompression.minimumBytes ? Body(compressed: output, keys: keys) : nil
        }
    }
}
