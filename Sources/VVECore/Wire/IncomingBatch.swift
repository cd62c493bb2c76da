/// A batch as a peer sent it, checked for shape before anything of it is applied.
package struct IncomingBatch: Sendable {
    /// The items, applied whole or not at all by `CaseStore.applyBatch`.
    package var items: [JSONValue]
    /// The peer's clock when it answered, from the answer's `Date`, if it gave one.
    package var peerTime: Timestamp? = nil
    /// The cursor to commit with the items and ask from next time.
    package var cursor: Int64
    /// Whether the peer has more after `cursor`.
    package var hasMore: Bool
    /// The peer's last change-log sequence when it built the batch; nil from a peer that does
    /// not say.
    package var head: Int64?
    /// The cursor the batch was asked from.
    package var since: Int64
    /// The peer's store incarnation; nil from a peer that does not say.
    package var incarnation: String?
    /// The peer's audit head when it built the batch, to keep as an anchor; nil from a peer
    /// that does not say.
    package var auditHead: AuditAnchor?
    /// True when the peer said, in `VVE-Shares`, that it shares nothing with this node: the
    /// batch is empty, and the caller asks again only hourly or when its peer file changes.
    package var sharesNothing = false

    package init(items: [JSONValue], cursor: Int64, hasMore: Bool, head: Int64?, since: Int64? = nil, incarnation: String? = nil) {
        self.items = items
        self.cursor = cursor
        self.hasMore = hasMore
        self.head = head
        self.since = since ?? cursor
        self.incarnation = incarnation
    }

    /// Whether the peer's log ends before the cursor this node asked from: its store went
    /// back in time (a restore), and changes it logs from now on reuse sequences this node
    /// has passed.
    package var logEndsBeforeCursor: Bool { head.map { $0 < since } ?? false }

    /// Change-log entries of the peer's this node has not yet scanned.
    package var lag: Int64 { max(0, (head ?? cursor) - cursor) }

    /// Why a peer's answer is not a batch.
    package struct Malformed: Error, Sendable, CustomStringConvertible {
        package var description: String
    }

    /// Reads a batch asked for after `since`; a cursor that goes backwards is refused, since
    /// applying it would re-apply history and commit a cursor the peer never gave. A batch
    /// holds at most the items asked for, never more than `ChangesRequest.maximumBatch`.
    package static func read(_ object: JSONObject, since: Int64) throws(Malformed) -> IncomingBatch {
        guard let items = object["items"]?.arrayValue else { throw Malformed(description: "it has no items array") }
        guard items.count <= ChangesRequest.maximumBatch else {
            throw Malformed(description: "it has \(items.count) items; a batch holds at most \(ChangesRequest.maximumBatch)")
        }
        guard case .integer(let cursor)? = object["cursor"] else { throw Malformed(description: "it has no integer cursor") }
        guard cursor >= since else { throw Malformed(description: "its cursor \(cursor) is before the one asked from, \(since)") }
        guard case .bool(let hasMore)? = object["hasMore"] else { throw Malformed(description: "it has no hasMore flag") }
        var head: Int64?
        if case .integer(let value)? = object["head"] {
            // A log that ends before the cursor asked from is a restored store: it answers
            // with nothing and stays where it was asked, which the caller takes as a restart.
            let restarted = value < since && cursor == since && items.isEmpty && !hasMore
            guard value >= cursor || restarted else { throw Malformed(description: "its head \(value) is before its cursor \(cursor)") }
            head = value
        }
        var incarnation: String?
        if let value = object["incarnation"] {
            guard let text = value.stringValue, text.utf8.count == 32, Hex.decode(text) != nil else {
                throw Malformed(description: "its incarnation is not 32 lowercase hex digits")
            }
            incarnation = text
        }
        var auditHead: AuditAnchor?
        if let value = object["auditHead"] {
            guard let anchor = AuditAnchor.read(value), anchor.seenAt == nil else {
                throw Malformed(description: "its auditHead is not a sequence from 1 and a hash of 64 lowercase hex digits")
            }
            auditHead = anchor
        }
        var batch = IncomingBatch(items: items, cursor: cursor, hasMore: hasMore, head: head, since: since, incarnation: incarnation)
        batch.auditHead = auditHead
        return batch
    }

    /// This batch, when it ends where its answer's headers announced (`AnnouncedBatch`): the
    /// next batch was already asked for from there, so a body that says otherwise is refused.
    package func matching(announcedCursor: Int64, hasMore announcedMore: Bool) throws(Malformed) -> IncomingBatch {
        guard cursor == announcedCursor, hasMore == announcedMore else {
            throw Malformed(
                description: "it ends at \(cursor) (more: \(hasMore)) after its headers announced \(announcedCursor) (more: \(announcedMore))")
        }
        return self
    }
}
