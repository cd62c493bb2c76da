import Crypto

/// What an audit entry records, in the words of DPA 2018 s.62: collection, consultation,
/// alteration, disclosure and erasure.
package enum AuditAction: String, Sendable, CaseIterable, JSONEnumeration {
    case create
    case read
    case update
    case erase
    case export
    case disclose
    case lookup
    /// An aggregate query asked or answered: who asked, why, and what each side released.
    case aggregate
    /// A connection or payload from outside that was refused: who presented what, and why.
    case refuse
}

/// Something to record in the audit log, before it is sealed into the chain.
package struct AuditEvent: Sendable, Hashable {
    package var time: Timestamp
    /// Who acted: an operator, or a peer node for what peers cause.
    package var actor: String
    package var action: AuditAction
    package var recordID: RecordID?
    package var justification: String?
    /// Extra context that is not case data, such as a list filter or a count.
    package var detail: String?

    package init(time: Timestamp, actor: String, action: AuditAction, recordID: RecordID? = nil, justification: String? = nil, detail: String? = nil)
    {
        self.time = time
        self.actor = actor
        self.action = action
        self.recordID = recordID
        self.justification = justification
        self.detail = detail
    }
}

/// An audit event sealed into the hash chain: its sequence number, and the hash that binds it
/// to every entry before it.
package struct AuditEntry: Sendable, Hashable {
    package var sequence: Int64
    package var event: AuditEvent
    /// The hash of the previous entry (64 zeros for the first).
    package var previousHash: String
    /// SHA-256 over this entry's canonical form, which includes `previousHash`.
    package var hash: String

    package init(sequence: Int64, event: AuditEvent, previousHash: String, hash: String) {
        self.sequence = sequence
        self.event = event
        self.previousHash = previousHash
        self.hash = hash
    }

    /// The entry as JSON, for `vve audit list --json`: what is hashed, and the hash.
    package var jsonValue: JSONValue {
        .compactObject(AuditChain.hashedMembers(of: event, sequence: sequence, previousHash: previousHash) + [("hash", .string(hash))])
    }
}

/// Where an audit chain first fails to verify.
package struct AuditBreak: Sendable, Hashable, CustomStringConvertible {
    /// The sequence number of the first entry that does not verify.
    package var sequence: Int64
    /// What is wrong with it.
    package var reason: String

    package init(sequence: Int64, reason: String) {
        self.sequence = sequence
        self.reason = reason
    }

    package var description: String { "audit entry \(sequence) \(reason)" }
}

/// The hash chain over the audit log: sealing new entries and verifying stored ones.
package enum AuditChain {
    /// The previous hash of the first entry.
    package static let genesisHash = String(repeating: "0", count: 64)

    /// Seals an event as entry `sequence`, chained to `previousHash`.
    package static func seal(_ event: AuditEvent, sequence: Int64, previousHash: String) -> AuditEntry {
        AuditEntry(
            sequence: sequence, event: event, previousHash: previousHash,
            hash: hash(of: event, sequence: sequence, previousHash: previousHash))
    }

    /// SHA-256 over the canonical JSON of the entry's content and its predecessor's hash.
    static func hash(of event: AuditEvent, sequence: Int64, previousHash: String) -> String {
        Hex.encode(SHA256.hash(data: canonicalHashInput(of: event, sequence: sequence, previousHash: previousHash)))
    }

    /// `JSONWriter.canonicalBytes(.compactObject(hashedMembers(...)))`, written directly in
    /// its sorted member order: every write seals an entry, and an import seals one a record.
    /// A test holds the two equal.
    static func canonicalHashInput(of event: AuditEvent, sequence: Int64, previousHash: String) -> [UInt8] {
        var output: [UInt8] = [UInt8(ascii: "{")]
        output.reserveCapacity(384)
        func member(_ key: String, _ value: String?) {
            guard let value else { return }
            if output.count > 1 { output.append(UInt8(ascii: ",")) }
            JSONWriter.writeString(key, into: &output)
            output.append(UInt8(ascii: ":"))
            JSONWriter.writeString(value, into: &output)
        }
        member("action", event.action.rawValue)
        member("actor", event.actor)
        member("detail", event.detail)
        member("justification", event.justification)
        member("previousHash", previousHash)
        member("recordId", event.recordID?.description)
        output.append(contentsOf: ",\"sequence\":\(sequence)".utf8)
        member("time", event.time.description)
        output.append(UInt8(ascii: "}"))
        return output
    }

    /// Everything the hash covers. Changing this list changes every hash: it is part of the format.
    static func hashedMembers(of event: AuditEvent, sequence: Int64, previousHash: String) -> [(String, JSONValue?)] {
        [
            ("sequence", .integer(sequence)),
            ("time", event.time.jsonValue),
            ("actor", .string(event.actor)),
            ("action", event.action.jsonValue),
            ("recordId", event.recordID?.jsonValue),
            ("justification", event.justification.map(JSONValue.string)),
            ("detail", event.detail.map(JSONValue.string)),
            ("previousHash", .string(previousHash)),
        ]
    }

    /// Checks entries one at a time, in sequence order, so a long log verifies in constant memory.
    package struct Verifier: Sendable {
        private var expectedSequence: Int64 = 1
        private var expectedPreviousHash = AuditChain.genesisHash
        /// How many entries have verified so far.
        package private(set) var verifiedCount = 0

        package init() {}

        /// The hash of the last verified entry: the chain's head.
        package var headHash: String { expectedPreviousHash }

        /// Verifies the next entry; returns where the chain breaks, if it does here.
        package mutating func check(_ entry: AuditEntry) -> AuditBreak? {
            if entry.sequence != expectedSequence {
                return AuditBreak(
                    sequence: expectedSequence,
                    reason: "is missing: the next entry found is \(entry.sequence), so entries were deleted or renumbered")
            }
            if entry.previousHash != expectedPreviousHash {
                return AuditBreak(sequence: entry.sequence, reason: "does not link to entry \(entry.sequence - 1): its previous hash differs")
            }
            let recomputed = AuditChain.hash(of: entry.event, sequence: entry.sequence, previousHash: entry.previousHash)
            if recomputed != entry.hash {
                return AuditBreak(sequence: entry.sequence, reason: "was altered: its content no longer matches its hash")
            }
            expectedSequence += 1
            expectedPreviousHash = entry.hash
            verifiedCount += 1
            return nil
        }
    }
}
