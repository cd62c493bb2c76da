/// A peer's answer to a changes request once it has arrived, before its items are read: the
/// cursor it ends at and whether more follow, which the peer announces in its headers, so the
/// next batch is asked for while this one is read, checked and applied.
package struct AnnouncedBatch: Sendable {
    /// The cursor the batch ends at, as announced; `batch()` refuses a batch that says otherwise.
    package let cursor: Int64
    /// Whether the peer has more after `cursor`.
    package let hasMore: Bool
    private let read: @Sendable () throws -> IncomingBatch

    package init(cursor: Int64, hasMore: Bool, read: @escaping @Sendable () throws -> IncomingBatch) {
        self.cursor = cursor
        self.hasMore = hasMore
        self.read = read
    }

    /// The batch, read and checked.
    package func batch() throws -> IncomingBatch { try read() }
}
