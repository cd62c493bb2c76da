import GRDB
import Synchronization
import VVECore

/// Which records a list or export covers. Nil members do not filter.
package struct RecordFilter: Sendable, Hashable {
    package var kind: RecordKind?
    package var status: RecordStatus?
    package var riskLevel: RiskLevel?
    /// Whether tombstones are included.
    package var includeErased: Bool

    package init(kind: RecordKind? = nil, status: RecordStatus? = nil, riskLevel: RiskLevel? = nil, includeErased: Bool = false) {
        self.kind = kind
        self.status = status
        self.riskLevel = riskLevel
        self.includeErased = includeErased
    }

    /// The filter as the audit log records it (`kind=relocation risk=high`).
    var auditDetail: String {
        let parts = [kind.map { "kind=\($0.rawValue)" }, status.map { "status=\($0.rawValue)" }, riskLevel.map { "risk=\($0.rawValue)" }]
            .compactMap { $0 }
        return parts.isEmpty ? "all records" : parts.joined(separator: " ")
    }
}

/// The result of an edit: the new version, or the unchanged record when the edit changed nothing.
package enum UpdateOutcome: Sendable, Equatable {
    case updated(CaseRecord)
    case unchanged(CaseRecord)
}

/// The result of a chunked import.
package enum ImportOutcome: Sendable {
    /// Every record was written: their ids and kinds, in input order.
    case imported([(id: RecordID, kind: RecordKind)])
    /// Some input was invalid, so nothing was written.
    case refused
}

/// Rolls back an import whose input turned out to be invalid.
private struct ImportRefused: Error {}

/// What a change-log entry says happened to a record.
package enum ChangeOperation: String, Sendable, CaseIterable {
    case create
    case update
    case erase
}

/// One entry of the change log, which sync reads in sequence order.
package struct ChangeLogEntry: Sendable, Hashable {
    package var sequence: Int64
    package var recordID: RecordID
    package var operation: ChangeOperation
    package var version: VersionVector
    package var time: Timestamp
    /// The one peer this entry is for (a revisit after its policy changed); nil for all.
    package var onlyFor: AuthorityName?
}

/// A chunk of an import as the producing core leaves it for the writer.
enum EncodedChunk: Sendable {
    case records([EncodedRecord])
    /// The caller's input was invalid: the import is refused, and the caller says why.
    case invalidInput
    /// A record that would not read back from the JSON it would be stored as.
    case unreadable(RecordID, ValidationError)
}

/// A record as the values of its row, encoded once. It holds no `CaseRecord`, so a bulk
/// import frees each record where it was encoded, not one by one in the writer.
struct EncodedRecord: Sendable {
    let recordID: RecordID
    let kind: RecordKind
    let id: String
    let owner: String
    let status: String
    let riskLevel: String?
    let reviewDate: String
    let createdAt: String
    let updatedAt: String
    let version: String
    let erased: Bool
    /// The canonical JSON of the whole record.
    let document: String
    /// Where an imported record came from, and the digest (hex) of its line: written with a
    /// new record only; an update leaves both columns as they are.
    let source: SourceReference?
    let sourceDigest: String?
    /// What the audit entry of the record's creation says of it, if anything.
    let auditNote: String?

    init(_ record: CaseRecord, source: SourceReference? = nil, sourceDigest: [UInt8]? = nil, auditNote: String? = nil) {
        self.auditNote = auditNote
        self.source = source
        self.sourceDigest = sourceDigest.map(Hex.encode)
        recordID = record.id
        kind = record.kind
        id = record.id.description
        owner = record.owner.rawValue
        status = record.status.rawValue
        riskLevel = record.fields?.riskLevel.rawValue
        reviewDate = record.reviewDate.description
        createdAt = record.createdAt.description
        updatedAt = record.updatedAt.description
        version = String(decoding: CanonicalJSONWriter.bytes(of: record.version, capacity: 64), as: UTF8.self)
        erased = record.isErased
        document = String(decoding: CanonicalJSONWriter.bytes(of: record, capacity: 1024), as: UTF8.self)
    }
}

extension CaseStore {
    /// Creates one record from a validated draft.
    package func add(_ draft: RecordDraft, context: OperationContext) throws -> CaseRecord {
        try importDrafts([draft], context: context)[0]
    }

    /// Creates many records in one transaction: all of them, or none.
    ///
    /// A draft built in code rather than read from JSON has had only its types checked, not
    /// the limits reading enforces (30 areas, lengths, a status of its kind): each record is
    /// read back from the JSON it would be stored as, and one that would not read is refused
    /// with every other, before anything is written (`StoreError.unreadableDraft`), rather than
    /// stored where every later read of it would fail.
    package func importDrafts(_ drafts: [RecordDraft], context: OperationContext) throws -> [CaseRecord] {
        let chunkSize = Self.importChunkSize
        let chunkCount = (drafts.count + chunkSize - 1) / chunkSize
        let outcome = try importChunks(count: chunkCount, context: context, readBack: true) { chunk in
            Array(drafts[chunk * chunkSize..<min(drafts.count, (chunk + 1) * chunkSize)])
        }
        guard case .imported(let imported) = outcome else { preconditionFailure("every chunk of drafts is valid") }
        // Records are a pure function of draft, id, node and time: rebuild them rather than
        // keep every one alive through the import.
        return zip(drafts, imported).map { draft, record in CaseRecord(draft: draft, id: record.id, node: node, at: context.time) }
    }

    /// Records per chunk of an import that get ids in import order: 1,024, and 4,096 such
    /// chunks fit `RecordID.sequenceLimit`. A larger chunk still gets unique ids.
    static let importChunkBits = 10

    /// The records an import's caller puts in one chunk, to keep them in order.
    package static let importChunkSize = 1 << importChunkBits

    /// The first of `count` id sequences (`RecordID.make`) for an operation at `time`: after
    /// those of every earlier operation of this process in the same millisecond, so that
    /// records added one by one in one millisecond never rely on 20 random bits alone to
    /// differ. Another process writing the same store still can; its ids differ by chance.
    func reserveSequences(at time: Timestamp, count: Int) -> Int {
        issuedSequences.withLock { issued in
            let first = issued.millisecond == time.millisecondsSinceEpoch ? issued.next : 0
            issued = (time.millisecondsSinceEpoch, first + count)
            return first
        }
    }

    /// Creates records in one transaction from drafts produced in chunks, all or nothing.
    ///
    /// `produce` runs on every core, in any order, while this thread writes the chunks in
    /// order into the open transaction. A chunk that `produce` returns as nil (invalid input)
    /// refuses the import: every chunk is still produced, so that the caller can report every
    /// problem, and then the transaction rolls back. With `readBack`, each record is read back
    /// from its encoded JSON on the producing core, and one that does not read throws
    /// `StoreError.unreadableDraft`, writing nothing; drafts read from JSON were checked as
    /// they were read, so an import of them skips it.
    package func importChunks(
        count: Int, context: OperationContext, readBack: Bool = false, produce: @escaping @Sendable (Int) -> [RecordDraft]?
    ) throws -> ImportOutcome {
        let node = node
        let firstSequence = reserveSequences(at: context.time, count: count << Self.importChunkBits)
        let pipeline = try ChunkPipeline(count: count) { index -> EncodedChunk in
            var random = BulkRandom()
            guard let drafts = produce(index) else { return .invalidInput }
            var rows: [EncodedRecord] = []
            rows.reserveCapacity(drafts.count)
            for (position, draft) in drafts.enumerated() {
                // Ids in the order of the import, chunk by chunk, whichever core makes them.
                let id = RecordID.make(
                    at: context.time, sequence: firstSequence + (index << Self.importChunkBits | position), owner: node, using: &random)
                let row = EncodedRecord(CaseRecord(draft: draft, id: id, node: node, at: context.time), auditNote: draft.auditNote)
                if readBack {
                    guard let json = try? JSONParser.parse(Array(row.document.utf8)) else {
                        return .unreadable(id, ValidationError(issues: [ValidationIssue(path: .root, value: nil, rule: "must be JSON")]))
                    }
                    do throws(ValidationError) { _ = try CaseRecord.read(from: json) } catch { return .unreadable(id, error) }
                }
                rows.append(row)
            }
            return .records(rows)
        }
        defer { pipeline.waitUntilFinished() }
        var imported: [(id: RecordID, kind: RecordKind)] = []
        do {
            try transaction { db in
                var audit = try AuditAppender(db)
                var refused = false
                for index in 0..<count {
                    let rows: [EncodedRecord]
                    switch pipeline.take(index) {
                    case .records(let encoded) where !refused: rows = encoded
                    case .records, .invalidInput:
                        refused = true
                        continue
                    case .unreadable(let id, let error): throw StoreError.unreadableDraft(id, error)
                    }
                    for row in rows {
                        try write(row, insert: true, db)
                        try logChange(row, .create, db)
                        try audit.append(
                            AuditEvent(
                                time: context.time, actor: context.actor.rawValue, action: .create, recordID: row.recordID, detail: row.auditNote),
                            db)
                        imported.append((row.recordID, row.kind))
                    }
                }
                if refused { throw ImportRefused() }
            }
        } catch is ImportRefused {
            return .refused
        }
        return .imported(imported)
    }

    /// Applies an RFC 7396 merge patch to a record's `reviewDate`, `status` and `fields`, and
    /// validates the result as a whole. Reading, checking and writing are one transaction, so a
    /// concurrent edit can never be lost in between.
    package func update(
        id: RecordID, patch: JSONValue, today: CalendarDate, allowUnusualAges: Bool = false, context: OperationContext
    ) throws -> UpdateOutcome {
        try transaction { db in
            let current = try liveRecord(id, db)
            let draft = try RecordDraft.read(
                from: current.editableJSON.merging(patch: patch), kind: current.kind, today: today, editing: current,
                allowUnusualAges: allowUnusualAges)
            guard let updated = current.updated(with: draft, by: node, at: context.time) else { return .unchanged(current) }
            var audit = try AuditAppender(db)
            try writeEdit(from: current, to: updated, draft: draft, context: context, audit: &audit, db)
            return .updated(updated)
        }
    }

    /// Writes an edit of one of this node's records: the row, its replica, the change log, and
    /// an `update` audit entry saying what changed (after `cause`, when given) and the draft's
    /// note.
    func writeEdit(
        from current: CaseRecord, to updated: CaseRecord, draft: RecordDraft, cause: String? = nil, context: OperationContext,
        audit: inout AuditAppender, _ db: Database
    ) throws {
        let row = EncodedRecord(updated)
        try write(row, insert: false, db)
        try recordReplicaChange(from: current, to: updated, db)
        try logChange(row, .update, db)
        let changed = changedParts(current, updated)
        try audit.append(
            AuditEvent(
                time: context.time, actor: context.actor.rawValue, action: .update, recordID: updated.id,
                detail: [cause.map { "\($0): \(changed)" } ?? changed, draft.auditNote].compactMap { $0 }.joined(separator: "; ")), db)
    }

    /// Sets a record's status to closed.
    package func close(id: RecordID, today: CalendarDate, context: OperationContext) throws -> UpdateOutcome {
        try update(id: id, patch: ["status": "closed"], today: today, context: context)
    }

    /// Erases a record: its body is deleted and a tombstone with the id and envelope remains,
    /// so that the erasure can reach every copy.
    package func erase(id: RecordID, justification: Justification, context: OperationContext) throws -> CaseRecord {
        try transaction { db in
            let current = try liveRecord(id, db)
            let tombstone = current.erased(by: node, at: context.time)
            let row = EncodedRecord(tombstone)
            try write(row, insert: false, db)
            try recordReplicaChange(from: current, to: tombstone, db)
            try logChange(row, .erase, db)
            var audit = try AuditAppender(db)
            try audit.append(
                AuditEvent(time: context.time, actor: context.actor.rawValue, action: .erase, recordID: id, justification: justification.text), db)
            return tombstone
        }
    }

    /// Reads one record (or its tombstone), auditing the read.
    package func record(id: RecordID, context: OperationContext) throws -> CaseRecord {
        try transaction { db in
            guard let record = try fetchRecord(id, db) else { throw StoreError.recordNotFound(id) }
            var audit = try AuditAppender(db)
            try audit.append(AuditEvent(time: context.time, actor: context.actor.rawValue, action: .read, recordID: id), db)
            return record
        }
    }

    /// Lists records matching a filter, oldest first, auditing the consultation as one entry.
    package func records(matching filter: RecordFilter, context: OperationContext) throws -> [CaseRecord] {
        try transaction { db in
            let records = try fetchRecords(filter, db)
            var audit = try AuditAppender(db)
            try audit.append(
                AuditEvent(
                    time: context.time, actor: context.actor.rawValue, action: .read,
                    detail: "list \(filter.auditDetail): \(records.count) records"), db)
            return records
        }
    }

    /// Exports records for use outside vve, auditing each one as exported with the reason.
    package func export(matching filter: RecordFilter, justification: Justification, context: OperationContext) throws -> [ExportedRecord] {
        try transaction { db in
            var sources: [String: SourceReference] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, source_system, source_id FROM record WHERE source_system IS NOT NULL") {
                sources[row["id"]] = SourceReference(system: row["source_system"], id: row["source_id"])
            }
            let records = try fetchRecords(filter, db).map { ExportedRecord(record: $0, source: sources[$0.id.description]) }
            var audit = try AuditAppender(db)
            for exported in records {
                try audit.append(
                    AuditEvent(
                        time: context.time, actor: context.actor.rawValue, action: .export, recordID: exported.record.id,
                        justification: justification.text), db)
            }
            return records
        }
    }

    /// The number of records, tombstones included. Not audited: it reveals no case data.
    package func recordCount() throws -> Int {
        try reading { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM record") ?? 0 }
    }

    /// The change-log entries after `sequence` as a feed reads them: which record, and for
    /// which peer alone if any, without the versions and times it does not need.
    func feedEntries(after sequence: Int64, limit: Int, _ db: Database) throws -> [(sequence: Int64, recordID: RecordID, onlyFor: AuthorityName?)] {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT seq, record_id, only_for FROM change_log WHERE seq > ? ORDER BY seq LIMIT ?"),
            arguments: [sequence, limit]
        ).map { row in
            guard let id = RecordID(row["record_id"] as String) else {
                throw StoreError.database(path: path, message: "change log entry \(row["seq"] as Int64) is malformed")
            }
            return (row["seq"], id, (row["only_for"] as String?).flatMap(AuthorityName.init))
        }
    }

    /// The change log after `sequence`, in order.
    package func changes(after sequence: Int64 = 0, limit: Int = 1000) throws -> [ChangeLogEntry] {
        try reading { db in
            try Row.fetchAll(
                db, sql: "SELECT seq, record_id, operation, version, at, only_for FROM change_log WHERE seq > ? ORDER BY seq LIMIT ?",
                arguments: [sequence, limit]
            ).map { row in
                let versionJSON = try JSONParser.parse(row["version"] as String)
                var issues = IssueCollector()
                guard let id = RecordID(row["record_id"]), let operation = ChangeOperation(rawValue: row["operation"]),
                    let version = VersionVector.read(from: versionJSON, at: .root, issues: &issues), let time = Timestamp(row["at"])
                else { throw StoreError.database(path: path, message: "change log entry \(row["seq"] as Int64) is malformed") }
                return ChangeLogEntry(
                    sequence: row["seq"], recordID: id, operation: operation, version: version, time: time,
                    onlyFor: (row["only_for"] as String?).flatMap(AuthorityName.init))
            }
        }
    }

    // MARK: - Rows

    func write(_ row: EncodedRecord, insert: Bool, _ db: Database) throws {
        let sql =
            insert
            ? """
            INSERT INTO record(kind, owner, status, risk_level, review_date, created_at, updated_at, version, erased, document,
                source_system, source_id, source_digest, id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
            : """
            UPDATE record SET kind = ?, owner = ?, status = ?, risk_level = ?, review_date = ?, created_at = ?,
                updated_at = ?, version = ?, erased = ?, document = ? WHERE id = ?
            """
        try DirectBinding.execute(try db.cachedStatement(sql: sql), db) { bind in
            bind.text(row.kind.rawValue)
            bind.text(row.owner)
            bind.text(row.status)
            bind.text(row.riskLevel)
            bind.text(row.reviewDate)
            bind.text(row.createdAt)
            bind.text(row.updatedAt)
            bind.text(row.version)
            bind.integer(row.erased ? 1 : 0)
            bind.text(row.document)
            if insert {
                bind.text(row.source?.system)
                bind.text(row.source?.id)
                bind.text(row.sourceDigest)
            }
            bind.text(row.id)
        }
    }

    func logChange(_ row: EncodedRecord, _ operation: ChangeOperation, _ db: Database) throws {
        try logChange(id: row.id, operation, version: row.version, at: row.updatedAt, db)
    }

    /// Appends to the change log: the record (or shared copy) id, and its canonical version.
    func logChange(id: String, _ operation: ChangeOperation, version: String, at time: String, _ db: Database) throws {
        try DirectBinding.execute(try db.cachedStatement(sql: "INSERT INTO change_log(record_id, operation, version, at) VALUES (?, ?, ?, ?)"), db) {
            bind in
            bind.text(id)
            bind.text(operation.rawValue)
            bind.text(version)
            bind.text(time)
        }
    }

    package func fetchRecord(_ id: RecordID, _ db: Database) throws -> CaseRecord? {
        guard let document = try String.fetchOne(try db.cachedStatement(sql: "SELECT document FROM record WHERE id = ?"), arguments: [id.description])
        else {
            return nil
        }
        return try decode(document, id: id)
    }

    func liveRecord(_ id: RecordID, _ db: Database) throws -> CaseRecord {
        guard let record = try fetchRecord(id, db) else { throw StoreError.recordNotFound(id) }
        if case .erased(let time) = record.content { throw StoreError.recordErased(id, at: time) }
        return record
    }

    private func fetchRecords(_ filter: RecordFilter, _ db: Database) throws -> [CaseRecord] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let kind = filter.kind {
            conditions.append("kind = ?")
            arguments += [kind.rawValue]
        }
        if let status = filter.status {
            conditions.append("status = ?")
            arguments += [status.rawValue]
        }
        if let risk = filter.riskLevel {
            conditions.append("risk_level = ?")
            arguments += [risk.rawValue]
        }
        if !filter.includeErased { conditions.append("erased = 0") }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try Row.fetchAll(db, sql: "SELECT id, document FROM record \(whereClause) ORDER BY id", arguments: arguments).map { row in
            try decode(row["document"], id: RecordID(row["id"]))
        }
    }

    func decode(_ document: String, id: RecordID?) throws -> CaseRecord {
        let fallbackID = id ?? RecordID("00000000-0000-0000-0000-000000000000")!
        do {
            return try CaseRecord.read(from: try JSONParser.parse(document))
        } catch let error as ValidationError {
            throw StoreError.corruptRecord(fallbackID, error)
        } catch {
            throw StoreError.corruptRecord(
                fallbackID, ValidationError(issues: [ValidationIssue(path: .root, value: nil, rule: "\(error)")]))
        }
    }

    private func changedParts(_ before: CaseRecord, _ after: CaseRecord) -> String {
        var parts: [String] = []
        if before.reviewDate != after.reviewDate { parts.append("reviewDate") }
        if before.status != after.status { parts.append("status") }
        if let old = before.fields?.jsonValue.objectValue, let new = after.fields?.jsonValue.objectValue {
            parts += Set(old.keys).union(new.keys).sorted().filter { old[$0] != new[$0] }.map { "fields.\($0)" }
        }
        return "changed " + parts.joined(separator: ", ")
    }
}
