import GRDB
import VVECore

extension CaseStore {
    /// The replica state of a record: its per-field registers, for sync. Not audited as a
    /// read: sync audits what it discloses, and nothing here reaches an operator.
    package func replica(id: RecordID) throws -> ReplicatedRecord {
        try reading { db in try replica(id, db) }
    }

    func replica(_ id: RecordID, _ db: Database, implicitFrom known: CaseRecord? = nil) throws -> ReplicatedRecord {
        guard let row = try Row.fetchOne(db, sql: "SELECT document, registers FROM record WHERE id = ?", arguments: [id.description]) else {
            throw StoreError.recordNotFound(id)
        }
        return try replica(id, registers: row["registers"], implicitFrom: try known ?? decode(row["document"], id: id))
    }

    /// The replica from a row's `registers` column, or the implicit one of `record` when NULL.
    func replica(_ id: RecordID, registers: String?, implicitFrom record: @autoclosure () throws -> CaseRecord) throws -> ReplicatedRecord {
        if let registers { return try storedRegisters(id, registers) }
        return ReplicatedRecord(implicit: try record())
    }

    /// The registers kept in a row's `registers` column.
    func storedRegisters(_ id: RecordID, _ text: String) throws -> ReplicatedRecord {
        do {
            return try ReplicatedRecord.read(from: try JSONParser.parse(Array(text.utf8)))
        } catch let error as ValidationError {
            throw StoreError.corruptRecord(id, error)
        } catch {
            throw StoreError.corruptRecord(id, ValidationError(issues: [ValidationIssue(path: .root, value: nil, rule: "registers are not JSON")]))
        }
    }

    /// Records a local edit or erasure in the record's registers, in the caller's transaction.
    /// `current` is the record before the edit, which implicit registers are made from: the
    /// stored document may already be the edited one.
    func recordReplicaChange(from current: CaseRecord, to updated: CaseRecord, _ db: Database) throws {
        var replica = try replica(current.id, db, implicitFrom: current)
        if case .erased(let time) = updated.content {
            replica.erase(at: time, by: node)
        } else {
            replica.apply(ReplicatedRecord.changes(from: current, to: updated), by: node)
        }
        // The two views of one record agree on its version, or sync would lose an edit.
        precondition(replica.version == updated.version, "replica version \(replica.version) differs from record version \(updated.version)")
        try saveRegisters(replica, db)
    }

    /// Stores a record's registers, in the caller's transaction.
    func saveRegisters(_ replica: ReplicatedRecord, _ db: Database) throws {
        try db.execute(
            sql: "UPDATE record SET registers = ? WHERE id = ?", arguments: [JSONWriter.canonical(replica.jsonValue), replica.id.description])
        try indexConflicts(of: replica, db)
    }
}
