import CompressNIO

/// Gzip on the wire between nodes: the server compresses batches for callers that accept it,
/// and the client inflates them within a bound, so a hostile peer cannot make it allocate
/// without limit.
enum WireCompression {
    /// zlib's fastest level: batches are mostly hex match keys, which compress well at any
    /// level, and the CPU goes to building and applying batches instead.
    static let algorithm = CompressionAlgorithm.gzip(configuration: .init(compressionLevel: .fastestCompression))
    /// Bodies smaller than this are sent as they are.
    static let minimumBytes = 1024
    /// The largest body a client inflates: a full batch is a few megabytes.
    static let maximumBytes = 256 * 1024 * 1024
    /// The largest body a client collects as it comes, compressed or not: a hostile peer
    /// cannot make it hold more.
    static let maximumRawBytes = 64 * 1024 * 1024
}
