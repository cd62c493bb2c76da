import GRDB
import VVECore

extension CaseStore {
    /// Days an audit anchor of a peer's is kept: long enough to cover the audit log's usual
    /// retention review, short enough that the table stays small (one row a peer a day).
    package static let auditAnchorDays = 400

    /// The last entry of this node's audit log, as a peer keeps it; nil while it is empty.
    package func auditHead() throws -> AuditAnchor? {
        try reading { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")).map {
                AuditAnchor(sequence: $0["seq"], hash: $0["hash"])
            }
        }
    }

    /// Keeps `anchor`, `peer`'s audit head, as the peer's anchor of the day unless one with a
    /// later entry is already kept: an anchor never moves back, so a log cut short and
    /// written on the same day does not wipe out what was seen before it.
    func keepAuditAnchor(_ anchor: AuditAnchor, from peer: AuthorityName, at time: Timestamp, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO peer_audit_anchor(peer, day, sequence, hash, seen_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(peer, day) DO UPDATE SET sequence = excluded.sequence, hash = excluded.hash, seen_at = excluded.seen_at
                WHERE excluded.sequence >= peer_audit_anchor.sequence
                """,
            arguments: [peer.rawValue, time.calendarDate.description, anchor.sequence, anchor.hash, time.description])
        let oldest = time.calendarDate.adding(days: -Self.auditAnchorDays)
        try db.execute(sql: "DELETE FROM peer_audit_anchor WHERE peer = ? AND day < ?", arguments: [peer.rawValue, oldest.description])
    }

    /// The anchors of `peer`'s audit log this node keeps, oldest first, for the peer to check
    /// its log against (`GET /v1/audit-anchors`).
    package func auditAnchors(keptFor peer: AuthorityName) throws -> [AuditAnchor] {
        try reading { db in
            try Row.fetchAll(
                db, sql: "SELECT sequence, hash, seen_at FROM peer_audit_anchor WHERE peer = ? ORDER BY sequence, day", arguments: [peer.rawValue]
            ).map { AuditAnchor(sequence: $0["sequence"], hash: $0["hash"], seenAt: Timestamp($0["seen_at"] as String)) }
        }
    }
}
