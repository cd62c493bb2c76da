import GRDB
import VVECore

/// What applying a peer's writes to one of this node's records did.
package enum PeerWriteOutcome: Sendable, Equatable {
    /// The record changed; the new state.
    case applied(CaseRecord)
    /// The peer sent nothing this node had not seen.
    case unchanged
}

extension CaseStore {
    /// Merges what a peer wrote to one of this node's own records, such as a receiving
    /// authority's acknowledgement, in one transaction: the record, its registers, the change
    /// log and the audit log move together.
    ///
    /// The whole write is refused, audited, and nothing of it applied, when: the record is not
    /// this node's; it carries writes the peer did not make itself, or an erasure; a new
    /// write's version claims edits this node never saw (`forgedVersion`); any new write falls
    /// outside the groups this node accepts from the peer; or the merged record would not be
    /// valid.
    package func applyPeerWrites(
        _ incoming: ReplicatedRecord, from peer: AuthorityName, policy: SharingPolicy, at time: Timestamp
    ) throws
        -> PeerWriteOutcome
    {
        do {
            return try transaction { db in
                var audit = try AuditAppender(db)
                return try applyPeerWrites(incoming, from: peer, policy: policy, at: time, audit: &audit, db)
            }
        } catch let refusal as RefusedWrite {
            // Thrown inside the transaction, so it rolled back: nothing of the write remains.
            try refuse(refusal.reason, from: peer, recordID: incoming.id, at: time)
        }
    }

    /// `applyPeerWrites` inside the caller's transaction, auditing through its appender; a
    /// refusal throws `RefusedWrite`.
    func applyPeerWrites(
        _ incoming: ReplicatedRecord, from peer: AuthorityName, policy: SharingPolicy, at time: Timestamp, audit: inout AuditAppender, _ db: Database
    ) throws -> PeerWriteOutcome {
        // A write that crossed the erasure on the way is moot, not wrong: the erasure is final.
        guard let current = try fetchRecord(incoming.id, db) else {
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM collected_tombstone WHERE id = ?", arguments: [incoming.id.description]) == true {
                return .unchanged
            }
            throw RefusedWrite("no record \(incoming.id) here; writes go to the owner's copy only")
        }
        if current.isErased { return .unchanged }
        guard current.owner == node else {
            throw RefusedWrite("record \(current.id) is owned by \(current.owner); writes go to the owner's copy only")
        }
        guard incoming.kind == current.kind, incoming.owner == current.owner, incoming.createdAt == current.createdAt else {
            throw RefusedWrite("the copy's kind, owner or creation time differ from record \(current.id)")
        }
        guard incoming.erasure == nil else {
            throw RefusedWrite("\(peer) may not erase a record \(node) owns")
        }
        let local = try replica(incoming.id, db, implicitFrom: current)
        var touched: [String] = []
        var relayed = Set<AuthorityName>()
        for (field, register) in incoming.registers.sorted(by: { $0.key < $1.key }) {
            let known = local.registers[field]?.writes ?? []
            for write in register.writes where !known.contains(write) && !known.contains(where: { $0.version.dominates(write.version) }) {
                if write.writer == peer { touched.append(field) } else { relayed.insert(write.writer) }
                if write.writer == peer, let reason = Self.forgedVersion(write.version, by: peer, seen: local.version) {
                    throw RefusedWrite("its write to \(field) \(reason)")
                }
            }
        }
        guard relayed.isEmpty else {
            throw RefusedWrite(
                "it carries writes by \(relayed.map(\.rawValue).sorted().joined(separator: ", ")), which \(peer) did not make; a write reaches the owner from its writer only"
            )
        }
        guard !touched.contains("reviewDate") else {
            throw RefusedWrite("\(peer) may not change the review date; only the owner reviews its records")
        }
        let members = touched.filter { $0.hasPrefix("fields.") }.map { String($0.dropFirst("fields.".count)) }
        if let reason = PolicyProjection.refusal(
            ofWriteTo: current.kind, members: members, changesStatus: touched.contains("status"), from: peer, policy: policy)
        {
            throw RefusedWrite(reason)
        }
        let merged = local.merged(with: incoming)
        guard merged != local else { return .unchanged }
        // A Result, not do/catch: the 6.3 compiler crashes on a typed catch in this function.
        let updated: CaseRecord
        switch Result(catching: { () throws(ValidationError) -> CaseRecord in try Self.record(from: merged, updatedAt: time) }) {
        case .success(let record): updated = record
        case .failure(let invalid):
            throw RefusedWrite("the merged record would be invalid: " + invalid.issues.map(\.redactedDescription).joined(separator: "; "))
        }
        let row = EncodedRecord(updated)
        try write(row, insert: false, db)
        try saveRegisters(merged, db)
        try logChange(row, .update, db)
        try audit.append(
            AuditEvent(
                time: time, actor: "peer:\(peer)", action: .update, recordID: current.id,
                detail: "written by \(peer): " + Set(touched).sorted().joined(separator: ", ")), db)
        return .applied(updated)
    }

    /// Why a write `peer` made is refused for its version, or nil when it is one `peer` could
    /// have made. Every copy of this node's record came from here, so a holder can have seen
    /// no node's edits but those this node has (`seen`), and no more of them: only its own
    /// counter can be ahead. A version that names another node, or counts more of its edits,
    /// is forged, and merging it would let the peer put the record ahead of its owner.
    static func forgedVersion(_ version: VersionVector, by peer: AuthorityName, seen: VersionVector) -> String? {
        for node in version.nodes where node != peer && version[node] > seen[node] {
            return seen[node] == 0
                ? "has a version naming \(node), whose edits this node has never seen: \(version)"
                : "has a version counting \(version[node]) edits by \(node), of which this node has seen \(seen[node]): \(version)"
        }
        return nil
    }

    /// The record a merged replica stands for: its resolved values, validated as a whole.
    static func record(from replica: ReplicatedRecord, updatedAt time: Timestamp) throws(ValidationError) -> CaseRecord {
        let values = replica.resolved().values
        var fields = JSONObject()
        var envelope: [(String, JSONValue?)] = [
            ("id", replica.id.jsonValue), ("kind", replica.kind.jsonValue), ("owner", replica.owner.jsonValue),
            ("createdAt", replica.createdAt.jsonValue), ("updatedAt", time.jsonValue), ("version", replica.version.jsonValue),
        ]
        for (name, value) in values {
            if name.hasPrefix("fields.") {
                fields[String(name.dropFirst("fields.".count))] = value
            } else {
                envelope.append((name, value))
            }
        }
        envelope.append(("fields", .object(fields)))
        return try CaseRecord.read(from: .compactObject(envelope))
    }

    /// Audits a refused write in its own transaction and throws it.
    func refuse(_ reason: String, from peer: AuthorityName, recordID: RecordID?, at time: Timestamp) throws -> Never {
        try audit([AuditEvent(time: time, actor: "peer:\(peer)", action: .refuse, recordID: recordID, detail: "write refused: \(reason)")])
        throw StoreError.writeRefused(peer: peer, recordID: recordID, reason: reason)
    }
}

/// Why a peer's write was refused, carried out of the transaction so the refusal can be
/// audited after the transaction rolled nothing forward.
struct RefusedWrite: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
