import Foundation

/// A cryptographically secure generator that reads the kernel's randomness in bulk.
///
/// `SystemRandomNumberGenerator` makes one `getrandom` call per value: an import of 100,000
/// records spent a second of system time there. This reads 4 KiB of /dev/urandom at a time.
struct BulkRandom: RandomNumberGenerator {
    private var buffer: [UInt64] = []
    private var position = 0
    private let source = FileHandle(forReadingAtPath: "/dev/urandom")
    private var fallback = SystemRandomNumberGenerator()

    mutating func next() -> UInt64 {
        if position == buffer.count { refill() }
        guard position < buffer.count else { return fallback.next() }
        defer { position += 1 }
        return buffer[position]
    }

    private mutating func refill() {
        position = 0
        guard let bytes = try? source?.read(upToCount: 4096), bytes.count == 4096 else {
            buffer = []
            return
        }
        buffer = bytes.withUnsafeBytes { raw in (0..<512).map { raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self) } }
    }
}
