import GRDB
import VVECore

/// An item of a peer's batch that this node refused and keeps, as `vve status` shows it.
package struct SetAsideItem: Sendable, Equatable {
    /// The peer that sent it.
    package var peer: AuthorityName
    /// The record it is about; nil when the item names none.
    package var recordID: RecordID?
    /// Why it was refused, last time it was tried.
    package var reason: String
    /// The vve version that last refused it.
    package var refusedBy: String
    /// When it was last refused.
    package var at: Timestamp
    /// How many times it has been refused: once, and once more each time it was retried.
    package var refusals: Int
}

extension CaseStore {
    /// Items set aside per peer, beyond which a batch that would set aside one more is
    /// refused whole, as every batch was before items were set aside: a peer that sends
    /// that many bad items is broken or hostile, and its admin has to look.
    package static let setAsideLimit = 10_000

    /// Every item set aside, oldest first.
    package func setAsideItems() throws -> [SetAsideItem] {
        try reading { db in
            try Row.fetchAll(db, sql: "SELECT peer, record_id, reason, refused_by, at, refusals FROM set_aside ORDER BY seq").compactMap { row in
                guard let peer = AuthorityName(row["peer"] as String), let at = Timestamp(row["at"] as String) else { return nil }
                return SetAsideItem(
                    peer: peer, recordID: (row["record_id"] as String?).flatMap(RecordID.init), reason: row["reason"], refusedBy: row["refused_by"],
                    at: at, refusals: row["refusals"])
            }
        }
    }

    /// Keeps a refused item of `peer`'s, in the batch's transaction, and audits the refusal.
    /// An earlier item about the same record is replaced: the later one carries everything
    /// the owner or writer has since, so the earlier one would add nothing if retried.
    func setAside(
        _ item: JSONValue, reason: String, from peer: AuthorityName, policy: SharingPolicy, at time: Timestamp, audit: inout AuditAppender,
        _ db: Database
    ) throws {
        let recordID = Self.recordID(of: item)
        var replacing = false
        if let recordID {
            replacing =
                try Bool.fetchOne(
                    db, sql: "SELECT 1 FROM set_aside WHERE peer = ? AND record_id = ?", arguments: [peer.rawValue, recordID.description])
                ?? false
        }
        if !replacing {
            let held = try Int.fetchOne(db, sql: "SELECT count(*) FROM set_aside WHERE peer = ?", arguments: [peer.rawValue]) ?? 0
            guard held < Self.setAsideLimit else {
                throw RefusedWrite(
                    "\(reason); \(peer) already has \(held) items set aside here, the most a peer may: `vve status` lists them, and its admin has to fix what it sends"
                )
            }
        }
        try db.execute(
            sql: """
                INSERT INTO set_aside(peer, record_id, item, reason, refused_by, policy, at) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(peer, record_id) WHERE record_id IS NOT NULL DO UPDATE SET
                    item = excluded.item, reason = excluded.reason, refused_by = excluded.refused_by, policy = excluded.policy,
                    at = excluded.at, refusals = refusals + 1
                """,
            arguments: [
                peer.rawValue, recordID?.description, JSONWriter.canonical(item), reason, SoftwareVersion.current, policy.projectionDigest,
                time.description,
            ])
        try audit.append(
            AuditEvent(
                time: time, actor: "peer:\(peer)", action: .refuse, recordID: recordID,
                detail: "write refused: \(reason); set aside, retried when this node's policy for \(peer) or its vve version changes"), db)
    }

    /// Releases the item set aside about `id`, if any, once a later item about the record
    /// from the same peer has been applied.
    func releaseSetAside(about id: RecordID, from peer: AuthorityName, at time: Timestamp, audit: inout AuditAppender, _ db: Database) throws {
        try db.execute(
            sql: "DELETE FROM set_aside WHERE peer = ? AND record_id = ?", arguments: [peer.rawValue, id.description])
        guard db.changesCount > 0 else { return }
        try audit.append(
            AuditEvent(
                time: time, actor: "peer:\(peer)", action: .update, recordID: id,
                detail: "set-aside item released: a later item about the record was applied"), db)
    }

    /// Whether `peer` has any item set aside here.
    func hasSetAside(from peer: AuthorityName, _ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT 1 FROM set_aside WHERE peer = ? LIMIT 1", arguments: [peer.rawValue]) ?? false
    }

    /// Tries again, oldest first, each item of `peer`'s set aside under another vve version
    /// or another policy for the peer than now. An item applied leaves the set; one refused
    /// again stays, with the new reason, version and policy, and the refusal audited.
    func retrySetAside(
        from peer: AuthorityName, policy: SharingPolicy, at time: Timestamp, audit: inout AuditAppender, _ db: Database
    ) throws -> (applied: Int, refused: Int) {
        let rows = try Row.fetchAll(
            db, sql: "SELECT seq, item FROM set_aside WHERE peer = ? AND (refused_by <> ? OR policy <> ?) ORDER BY seq",
            arguments: [peer.rawValue, SoftwareVersion.current, policy.projectionDigest])
        var retried = (applied: 0, refused: 0)
        for row in rows {
            let sequence: Int64 = row["seq"]
            let item = (try? JSONParser.parse(Array((row["item"] as String).utf8))) ?? .null
            let before = audit
            do {
                try db.inSavepoint {
                    _ = try applyItem(IncomingItem(item), label: "a set-aside item", from: peer, policy: policy, at: time, audit: &audit, db)
                    return .commit
                }
                try db.execute(sql: "DELETE FROM set_aside WHERE seq = ?", arguments: [sequence])
                try audit.append(
                    AuditEvent(
                        time: time, actor: "peer:\(peer)", action: .update, recordID: Self.recordID(of: item),
                        detail: "set-aside item applied on retry"), db)
                retried.applied += 1
            } catch let refusal as RefusedWrite {
                audit = before
                try db.execute(
                    sql: "UPDATE set_aside SET reason = ?, refused_by = ?, policy = ?, at = ?, refusals = refusals + 1 WHERE seq = ?",
                    arguments: [refusal.reason, SoftwareVersion.current, policy.projectionDigest, time.description, sequence])
                try audit.append(
                    AuditEvent(
                        time: time, actor: "peer:\(peer)", action: .refuse, recordID: Self.recordID(of: item),
                        detail: "write refused again on retry: \(refusal.reason); still set aside"), db)
                retried.refused += 1
            }
        }
        return retried
    }

    /// The record an item of a batch is about, read from the item as it arrived, however
    /// malformed the rest of it is; nil when it names no valid record id.
    static func recordID(of item: JSONValue) -> RecordID? {
        let body = item["copy"] ?? item["writes"] ?? item["erase"] ?? item["withdraw"]
        return body?["id"]?.stringValue.flatMap(RecordID.init)
    }
}
