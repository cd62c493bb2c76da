import GRDB
import VVECore

/// A field whose concurrent values the merge rules could not all keep, for a person to review.
package struct OpenConflict: Sendable, Equatable {
    /// Stable while the conflict stays open.
    package var id: Int64
    package var recordID: RecordID
    package var kind: RecordKind
    package var owner: AuthorityName
    /// Whether the record is a peer's, held here as a shared copy.
    package var onCopy: Bool
    /// The register: `status` or `fields.NAME`.
    package var field: String
    /// The value every node shows until someone resolves it.
    package var chosen: FieldWrite
    /// The values kept beside it.
    package var others: [FieldWrite]
}

/// Which value a resolution keeps.
package enum ConflictChoice: Sendable, Equatable {
    /// The value this node wrote.
    case local
    /// The value another node wrote (there must be exactly one).
    case remote
    /// A value given by the person resolving.
    case value(JSONValue)
}

extension CaseStore {
    /// Keeps the conflict index in step with a replica's registers: rows for the fields now in
    /// conflict, none for the rest, ids kept for conflicts that stay open.
    func indexConflicts(of replica: ReplicatedRecord, _ db: Database) throws {
        let id = replica.id.description
        // Most saves hold no concurrent writes at all: no need to run the merge rules.
        let fields = replica.registers.values.contains(where: \.isConflicted) ? replica.resolved().conflicts.map(\.field) : []
        if fields.isEmpty {
            try db.cachedStatement(sql: "DELETE FROM conflict WHERE record_id = ?").execute(arguments: [id])
            return
        }
        let placeholders = Array(repeating: "?", count: fields.count).joined(separator: ", ")
        try db.execute(
            sql: "DELETE FROM conflict WHERE record_id = ? AND field NOT IN (\(placeholders))", arguments: StatementArguments([id] + fields))
        for field in fields {
            try db.execute(sql: "INSERT OR IGNORE INTO conflict(record_id, field) VALUES (?, ?)", arguments: [id, field])
        }
    }

    /// Every open conflict, oldest first, with the consultation audited as one read.
    package func conflicts(context: OperationContext) throws -> [OpenConflict] {
        try transaction { db in
            var found: [OpenConflict] = []
            for row in try Row.fetchAll(db, sql: "SELECT id FROM conflict ORDER BY id") {
                if let conflict = try openConflict(row["id"], db) { found.append(conflict) }
            }
            var audit = try AuditAppender(db)
            try audit.append(
                AuditEvent(time: context.time, actor: context.actor.rawValue, action: .read, detail: "list conflicts: \(found.count)"), db)
            return found
        }
    }

    /// One open conflict, with the read audited.
    package func conflict(id: Int64, context: OperationContext) throws -> OpenConflict {
        try transaction { db in
            guard let conflict = try openConflict(id, db) else { throw StoreError.conflictNotFound(id) }
            var audit = try AuditAppender(db)
            try audit.append(
                AuditEvent(
                    time: context.time, actor: context.actor.rawValue, action: .read, recordID: conflict.recordID,
                    detail: "conflict on \(conflict.field)"),
                db)
            return conflict
        }
    }

    /// Resolves a conflict by writing the value kept at this node: a new write that dominates
    /// every value in conflict, so it wins everywhere and propagates like any edit. On a
    /// shared copy only fields the owner accepts from this node can be resolved here; the
    /// owner resolves the rest, and its resolution reaches this copy.
    package func resolveConflict(id: Int64, keeping choice: ConflictChoice, context: OperationContext) throws -> (OpenConflict, JSONValue) {
        try transaction { db in
            guard let conflict = try openConflict(id, db) else { throw StoreError.conflictNotFound(id) }
            let writes = [conflict.chosen] + conflict.others
            let value: JSONValue
            switch choice {
            case .local:
                guard let mine = writes.first(where: { $0.writer == node }) else {
                    throw StoreError.conflictChoice(id, reason: "\(node) wrote none of its values; keep remote or give a value")
                }
                value = mine.value
            case .remote:
                let theirs = Set(writes.filter { $0.writer != node }.map(\.value))
                guard theirs.count == 1, let only = theirs.first else {
                    throw StoreError.conflictChoice(
                        id, reason: "\(theirs.count) values came from other nodes; give the one to keep as --keep VALUE")
                }
                value = only
            case .value(let given):
                let member = conflict.field.hasPrefix("fields.") ? String(conflict.field.dropFirst("fields.".count)) : nil
                value = member.map { SharedCopy.normalised($0, given, kind: conflict.kind) } ?? given
            }
            let change = [(field: conflict.field, value: value)]
            if conflict.onCopy {
                guard var copy = try sharedCopy(conflict.recordID, db) else { throw StoreError.conflictNotFound(id) }
                let member = conflict.field.hasPrefix("fields.") ? String(conflict.field.dropFirst("fields.".count)) : nil
                let refusal =
                    member.flatMap { copy.refusal(ofEditTo: $0) }
                    ?? (member == nil && !copy.writable.contains("status") ? "is not a group \(copy.owner) accepts from this node" : nil)
                if let refusal {
                    throw StoreError.conflictChoice(id, reason: "\(conflict.field) \(refusal); it is resolved when \(copy.owner) resolves it")
                }
                do {
                    try copy.validate(change)
                } catch let invalid as ValidationError {
                    throw StoreError.conflictChoice(id, reason: invalid.issues.map(\.description).joined(separator: "; "))
                }
                copy.replica.apply(change, by: node)
                try saveSharedCopy(copy, at: context.time, db)
                try logChange(
                    id: copy.id.description, .update, version: JSONWriter.canonical(copy.replica.version.jsonValue), at: context.time.description, db)
            } else {
                var replica = try replica(conflict.recordID, db)
                replica.apply(change, by: node)
                let updated: CaseRecord
                switch Result(catching: { () throws(ValidationError) -> CaseRecord in try Self.record(from: replica, updatedAt: context.time) }) {
                case .success(let record): updated = record
                case .failure(let invalid):
                    throw StoreError.conflictChoice(id, reason: invalid.issues.map(\.description).joined(separator: "; "))
                }
                let row = EncodedRecord(updated)
                try write(row, insert: false, db)
                try saveRegisters(replica, db)
                try logChange(row, .update, db)
            }
            var audit = try AuditAppender(db)
            let kept =
                switch choice {
                case .local: "the local value"
                case .remote: "the remote value"
                case .value: "a new value"
                }
            try audit.append(
                AuditEvent(
                    time: context.time, actor: context.actor.rawValue, action: .update, recordID: conflict.recordID,
                    detail: "conflict on \(conflict.field) resolved: kept \(kept)"), db)
            return (conflict, value)
        }
    }

    func openConflict(_ id: Int64, _ db: Database) throws -> OpenConflict? {
        guard let row = try Row.fetchOne(db, sql: "SELECT record_id, field FROM conflict WHERE id = ?", arguments: [id]),
            let recordID = RecordID(row["record_id"] as String)
        else { return nil }
        let field: String = row["field"]
        let replica: ReplicatedRecord
        let onCopy: Bool
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM record WHERE id = ?", arguments: [recordID.description]) == true {
            replica = try self.replica(recordID, db)
            onCopy = false
        } else if let copy = try sharedCopy(recordID, db) {
            replica = copy.replica
            onCopy = true
        } else {
            return nil
        }
        guard let found = replica.resolved().conflicts.first(where: { $0.field == field }) else { return nil }
        return OpenConflict(
            id: id, recordID: recordID, kind: replica.kind, owner: replica.owner, onCopy: onCopy, field: field, chosen: found.chosen,
            others: found.others)
    }
}
