import VVECore

/// A batch as a peer sent it, checked for shape before anything of it is applied.
public struct IncomingBatch: Sendable {
    /// The items, applied whole or not at all by `CaseStore.applyBatch`.
    public var items: [JSONValue]
    /// The cursor to commit with the items and ask from next time.
    public var cursor: Int64
    /// Whether the peer has more after `cursor`.
    public var hasMore: Bool
    /// The peer's last change-log sequence when it built the batch; nil from a peer that does
    /// not say.
    public var head: Int64?

    /// Change-log entries of the peer's this node has not yet scanned.
    public var lag: Int64 { max(0, (head ?? cursor) - cursor) }

    /// Why a peer's answer is not a batch.
    public struct Malformed: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Reads a batch asked for after `since`; a cursor that goes backwards is refused, since
    /// applying it would re-apply history and commit a cursor the peer never gave.
    public static func read(_ object: JSONObject, since: Int64) throws(Malformed) -> IncomingBatch {
        guard let items = object["items"]?.arrayValue else { throw Malformed(description: "it has no items array") }
        guard case .integer(let cursor)? = object["cursor"] else { throw Malformed(description: "it has no integer cursor") }
        guard cursor >= since else { throw Malformed(description: "its cursor \(cursor) is before the one asked from, \(since)") }
        guard case .bool(let hasMore)? = object["hasMore"] else { throw Malformed(description: "it has no hasMore flag") }
        var head: Int64?
        if case .integer(let value)? = object["head"] {
            guard value >= cursor else { throw Malformed(description: "its head \(value) is before its cursor \(cursor)") }
            head = value
        }
        return IncomingBatch(items: items, cursor: cursor, hasMore: hasMore, head: head)
    }

    /// This batch, when it ends where its answer's headers announced (`AnnouncedBatch`): the
    /// next batch was already asked for from there, so a body that says otherwise is refused.
    public func matching(announcedCursor: Int64, hasMore announcedMore: Bool) throws(Malformed) -> IncomingBatch {
        guard cursor == announcedCursor, hasMore == announcedMore else {
            throw Malformed(description: "it ends at \(cursor) (more: \(hasMore)) after its headers announced \(announcedCursor) (more: \(announcedMore))")
        }
        return self
    }
}

/// A peer's answer to a changes request once it has arrived, before its items are read: the
/// cursor it ends at and whether more follow, which the peer announces in its headers, so the
/// next batch is asked for while this one is read, checked and applied.
public struct AnnouncedBatch: Sendable {
    /// The cursor the batch ends at, as announced; `batch()` refuses a batch that says otherwise.
    public let cursor: Int64
    /// Whether the peer has more after `cursor`.
    public let hasMore: Bool
    private let read: @Sendable () throws -> IncomingBatch

    public init(cursor: Int64, hasMore: Bool, read: @escaping @Sendable () throws -> IncomingBatch) {
        self.cursor = cursor
        self.hasMore = hasMore
        self.read = read
    }

    /// The batch, read and checked.
    public func batch() throws -> IncomingBatch { try read() }
}

/// Exponential backoff with full jitter, so peers that failed together do not retry in step.
public struct Backoff: Sendable, Equatable {
    /// The ceiling of the first delay.
    public var initial: Duration
    /// The longest delay.
    public var maximum: Duration
    /// Failures in a row so far.
    public private(set) var failures = 0

    /// Defaults: the first retry within half a second, then doubling, never over a minute.
    public init(initial: Duration = .milliseconds(500), maximum: Duration = .seconds(60)) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The delay before the next try after one more failure: uniform in [ceiling/2, ceiling],
    /// where the ceiling doubles per failure up to `maximum`. `unit` is a random number in [0, 1].
    public mutating func nextDelay(unit: Double) -> Duration {
        failures += 1
        let doublings = min(failures - 1, 30)
        let ceiling = min(initial * (1 << doublings), maximum)
        let fraction = 0.5 + 0.5 * min(max(unit, 0), 1)
        return ceiling * fraction
    }

    /// After a success: the next failure starts again from `initial`.
    public mutating func reset() { failures = 0 }
}
