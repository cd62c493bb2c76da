/// One batch of the change feed for a peer: what it may receive of the changes after its
/// cursor, and the cursor to ask from next time.
package struct ChangeBatch: Sendable {
    /// `{"copy": projection}` for this node's records, `{"writes": replica}` for this node's
    /// writes to copies of the peer's records, and `{"erase": {"id"}}` or `{"withdraw":
    /// {"id"}}` for copies the peer holds and must delete.
    package var items: [JSONValue] {
        // Read back from their canonical JSON, which cannot fail to parse: only in-process
        // callers (tests) ask, while a server sends the bytes as they are.
        get { encodedItems.map { (try? JSONParser.parse($0)) ?? .null } }
        set { encodedItems = newValue.map(JSONWriter.canonicalBytes) }
    }
    /// Each item's canonical JSON, written by the core that projected it: the answer is sent
    /// from these, and the items' JSON trees are freed where they were made.
    package private(set) var encodedItems: [[UInt8]]
    /// The last change-log sequence this batch covers, seen or not.
    package var cursor: Int64
    /// Whether more changes wait after `cursor`.
    package var hasMore: Bool
    /// The last sequence in the log when the batch was built, so the peer knows its lag. Below
    /// `cursor` only when the peer asked from past the end of the log: a store restored
    /// from a backup that did not come from `vve backup`.
    package var head: Int64
    /// The store's incarnation (`CaseStore.incarnation`): another one than before tells the
    /// peer that the log restarted, and to read it from the start.
    package var incarnation: String
    /// The last entry of the sender's audit log when the batch was built, for the peer to
    /// keep (`AuditAnchor`); nil while the log is empty.
    package var auditHead: AuditAnchor?

    package init(items: [JSONValue], cursor: Int64, hasMore: Bool, head: Int64, incarnation: String, auditHead: AuditAnchor? = nil) {
        self.init(
            encodedItems: items.map(JSONWriter.canonicalBytes), cursor: cursor, hasMore: hasMore, head: head, incarnation: incarnation,
            auditHead: auditHead)
    }

    package init(encodedItems: [[UInt8]], cursor: Int64, hasMore: Bool, head: Int64, incarnation: String, auditHead: AuditAnchor? = nil) {
        self.encodedItems = encodedItems
        self.cursor = cursor
        self.hasMore = hasMore
        self.head = head
        self.incarnation = incarnation
        self.auditHead = auditHead
    }

    /// Whether the batch carries nothing for the peer (its cursor may still move).
    package var isEmpty: Bool { encodedItems.isEmpty }

    package var jsonValue: JSONValue {
        var object: JSONObject = [
            "items": .array(items), "cursor": .integer(cursor), "hasMore": .bool(hasMore), "head": .integer(head),
            "incarnation": .string(incarnation),
        ]
        if let auditHead { object["auditHead"] = auditHead.jsonValue }
        return .object(object)
    }

    /// `jsonValue` in canonical JSON, as a peer receives it.
    package func encoded() -> [UInt8] {
        var output = Self.encodedHead(cursor: cursor, hasMore: hasMore, head: head, incarnation: incarnation, auditHead: auditHead)
        output.reserveCapacity(output.count + encodedItems.reduce(2) { $0 + $1.count + 1 })
        for (index, item) in encodedItems.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            output.append(contentsOf: item)
        }
        output.append(contentsOf: Self.encodedTail)
        return output
    }

    /// The canonical JSON of a batch up to its first item: its members in canonical (sorted)
    /// order, as JSONWriter writes them, with `items` last.
    package static func encodedHead(cursor: Int64, hasMore: Bool, head: Int64, incarnation: String, auditHead: AuditAnchor? = nil) -> [UInt8] {
        let anchor = auditHead.map { "\"auditHead\":" + JSONWriter.canonical($0.jsonValue) + "," } ?? ""
        return Array("{\(anchor)\"cursor\":\(cursor),\"hasMore\":\(hasMore),\"head\":\(head),\"incarnation\":\"\(incarnation)\",\"items\":[".utf8)
    }

    /// The canonical JSON of a batch after its last item.
    package static let encodedTail = Array("]}".utf8)
}
