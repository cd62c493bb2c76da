import GRDB
import VVECore

/// The outcome of checking the whole audit chain.
package enum AuditVerification: Sendable, Equatable {
    /// Every entry links to the one before it and matches its hash.
    case intact(entries: Int, headHash: String)
    /// The chain breaks here; entries after it cannot be trusted.
    case broken(AuditBreak)
}

/// Appends sealed entries inside an open write transaction. It reads the chain's head once,
/// so a bulk import of many records hashes in memory and writes with one cached statement.
struct AuditAppender {
    private var lastSequence: Int64
    private var lastHash: String

    init(_ db: Database) throws {
        if let row = try Row.fetchOne(try db.cachedStatement(sql: "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")) {
            lastSequence = row["seq"]
            lastHash = row["hash"]
        } else {
            lastSequence = 0
            lastHash = AuditChain.genesisHash
        }
    }

    mutating func append(_ event: AuditEvent, _ db: Database) throws {
        let entry = AuditChain.seal(event, sequence: lastSequence + 1, previousHash: lastHash)
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO audit_log(seq, at, actor, action, record_id, justification, detail, previous_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        try DirectBinding.execute(statement, db) { bind in
            bind.integer(entry.sequence)
            bind.text(event.time.description)
            bind.text(event.actor)
            bind.text(event.action.rawValue)
            bind.text(event.recordID?.description)
            bind.text(event.justification)
            bind.text(event.detail)
            bind.text(entry.previousHash)
            bind.text(entry.hash)
        }
        lastSequence = entry.sequence
        lastHash = entry.hash
    }
}

extension CaseStore {
    /// The hash of the entry at `sequence`, as `verifyAudit` reports a head: nil when the log
    /// has no such entry.
    package func auditHash(at sequence: Int64) throws -> String? {
        try reading { db in try String.fetchOne(db, sql: "SELECT hash FROM audit_log WHERE seq = ?", arguments: [sequence]) }
    }

    /// Appends events that touch no record, such as refused connections, in one transaction.
    package func audit(_ events: [AuditEvent]) throws {
        guard !events.isEmpty else { return }
        try transaction { db in
            var appender = try AuditAppender(db)
            for event in events { try appender.append(event, db) }
        }
    }

    /// Audit entries in sequence order: the last `limit` of them when a limit is given.
    package func auditEntries(action: AuditAction? = nil, limit: Int? = nil) throws -> [AuditEntry] {
        try reading { db in
            var sql = "SELECT * FROM audit_log"
            var arguments: StatementArguments = []
            if let action {
                sql += " WHERE action = ?"
                arguments += [action.rawValue]
            }
            sql += " ORDER BY seq DESC"
            if let limit {
                sql += " LIMIT ?"
                arguments += [limit]
            }
            return try Row.fetchAll(db, sql: sql, arguments: arguments).reversed().map(auditEntry)
        }
    }

    /// Walks the whole chain in order and reports the first broken link, in constant memory.
    package func verifyAudit() throws -> AuditVerification {
        try reading { db in
            var verifier = AuditChain.Verifier()
            let rows = try Row.fetchCursor(db, sql: "SELECT * FROM audit_log ORDER BY seq")
            while let row = try rows.next() {
                guard let entry = try? auditEntry(row) else {
                    return .broken(AuditBreak(sequence: row["seq"], reason: "was altered: a column no longer holds a valid value"))
                }
                if let broken = verifier.check(entry) { return .broken(broken) }
            }
            return .intact(entries: verifier.verifiedCount, headHash: verifier.headHash)
        }
    }

    func auditEntry(_ row: Row) throws -> AuditEntry {
        let sequence: Int64 = row["seq"]
        guard let time = Timestamp(row["at"]), let action = AuditAction(rawValue: row["action"]) else {
            throw StoreError.database(path: path, message: "audit entry \(sequence) is malformed")
        }
        let recordText: String? = row["record_id"]
        let recordID = recordText.flatMap(RecordID.init)
        if recordText != nil, recordID == nil {
            throw StoreError.database(path: path, message: "audit entry \(sequence) has a malformed record id")
        }
        let event = AuditEvent(
            time: time, actor: row["actor"], action: action, recordID: recordID, justification: row["justification"], detail: row["detail"])
        return AuditEntry(sequence: sequence, event: event, previousHash: row["previous_hash"], hash: row["hash"])
    }
}
