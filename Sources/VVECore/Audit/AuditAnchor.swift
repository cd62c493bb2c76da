/// One entry of a node's audit log as another node saw it: its sequence and hash. Every
/// batch carries its sender's audit head, and the receiver keeps the last one of each day.
/// The chain checks itself only as far as its head, which lives in the same file, so
/// whoever can write the file could cut the log short, or rewrite it and hash everything
/// again; an entry anchored at a peer shows either (`vve audit verify --peers`).
package struct AuditAnchor: Sendable, Hashable {
    /// The entry's sequence, from 1.
    package var sequence: Int64
    /// The entry's hash: 64 lowercase hex digits.
    package var hash: String
    /// When the peer that kept it received it; nil in a batch, where it is the head now.
    package var seenAt: Timestamp?

    package init(sequence: Int64, hash: String, seenAt: Timestamp? = nil) {
        self.sequence = sequence
        self.hash = hash
        self.seenAt = seenAt
    }

    package var jsonValue: JSONValue {
        var object: JSONObject = ["sequence": .integer(sequence), "hash": .string(hash)]
        if let seenAt { object["seenAt"] = .string(seenAt.description) }
        return .object(object)
    }

    /// Reads what `jsonValue` writes; nil for anything else.
    package static func read(_ value: JSONValue) -> AuditAnchor? {
        guard let object = value.objectValue, case .integer(let sequence)? = object["sequence"], sequence >= 1,
            let hash = object["hash"]?.stringValue, hash.utf8.count == 64, Hex.decode(hash) != nil
        else { return nil }
        let allowed: Set<String> = ["sequence", "hash", "seenAt"]
        guard object.keys.allSatisfy(allowed.contains) else { return nil }
        var seenAt: Timestamp?
        if let text = object["seenAt"] {
            guard let time = text.stringValue.flatMap(Timestamp.init) else { return nil }
            seenAt = time
        }
        return AuditAnchor(sequence: sequence, hash: hash, seenAt: seenAt)
    }
}
