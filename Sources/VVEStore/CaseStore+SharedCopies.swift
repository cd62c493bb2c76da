import GRDB
import VVECore

/// What receiving a shared copy did.
package enum SharedCopyOutcome: Sendable, Equatable {
    /// A copy this node did not hold.
    case created(SharedCopy)
    /// The copy changed.
    case updated(SharedCopy)
    /// Nothing new.
    case unchanged
}

extension CaseStore {
    /// Takes a copy of a peer's record as the peer projected it for this node, merging it with
    /// the copy already held, in one transaction with its audit entry. A copy is taken only
    /// from its owner; a malformed copy is refused whole, audited, and nothing applied.
    package func receiveSharedCopy(_ document: JSONValue, from peer: AuthorityName, at time: Timestamp) throws -> SharedCopyOutcome {
        do {
            return try transaction { db in
                var audit = try AuditAppender(db)
                let read = Result { () throws(ValidationError) -> IncomingCopy in try IncomingCopy.receive(document) }
                switch try receiveSharedCopy(read, from: peer, at: time, audit: &audit, db) {
                case .created: return .created(try read.get().sharedCopy)
                case .updated(let copy): return .updated(copy)
                case .unchanged: return .unchanged
                }
            }
        } catch let refusal as RefusedWrite {
            try refuse(refusal.reason, from: peer, recordID: document["id"]?.stringValue.flatMap(RecordID.init), at: time)
        }
    }

    /// What receiving a copy did, without building the registers of a copy new to this node.
    enum ReceivedCopy {
        case created
        case updated(SharedCopy)
        case unchanged

        var changed: Bool {
            if case .unchanged = self { false } else { true }
        }
    }

    /// `receiveSharedCopy` of a copy already read (on another core, for a large batch) inside
    /// the caller's transaction; a refusal throws `RefusedWrite`. `audit` is the transaction's
    /// one appender: every entry of the transaction goes through it.
    func receiveSharedCopy(
        _ read: Result<IncomingCopy, ValidationError>, from peer: AuthorityName, at time: Timestamp, audit: inout AuditAppender, _ db: Database
    ) throws -> ReceivedCopy {
        let incoming: IncomingCopy
        switch read {
        case .success(let copy): incoming = copy
        case .failure(let invalid):
            throw RefusedWrite("shared copy malformed: " + invalid.issues.map(\.redactedDescription).joined(separator: "; "))
        }
        guard incoming.owner == peer else {
            throw RefusedWrite("\(peer) sent a copy of a record \(incoming.owner) owns; copies come from their owner only")
        }
        // Ids are visible, so one that its sender did not make is another owner's record
        // claimed as its own: taken, it would stand in for the real one here.
        guard incoming.id.isMade(by: peer) else {
            throw RefusedWrite("\(peer) sent a copy of \(incoming.id), an id \(peer) did not make; a node sends copies of its own records only")
        }
        let groups = incoming.groups.sorted().joined(separator: ",")
        // The copy held, and whether the id is one of this node's own records, in one look.
        let row = try Row.fetchOne(
            db.cachedStatement(
                sql: "SELECT (SELECT copy FROM shared_copy WHERE id = ?1) AS copy, EXISTS (SELECT 1 FROM record WHERE id = ?1) AS own"),
            arguments: [incoming.id.description])
        guard let text: String = row?["copy"] else {
            // A copy never shares an id with a record of this node's own: a peer that sends
            // one is refused, so that nothing of it shadows or touches the record.
            if row?["own"] == true {
                throw RefusedWrite("\(peer) sent a copy of \(incoming.id), which is the id of a record this node owns")
            }
            try insertSharedCopy(incoming, at: time, db)
            try audit.append(
                AuditEvent(time: time, actor: "peer:\(peer)", action: .create, recordID: incoming.id, detail: "shared copy received: \(groups)"), db)
            return .created
        }
        let held = try decodeSharedCopy(text, id: incoming.id)
        // The copy held came from its owner: another peer sending the same id, or a record
        // of another kind, is refused, or it would write into a record it does not own.
        guard held.owner == incoming.owner else {
            throw RefusedWrite(
                "\(peer) sent a copy of \(incoming.id), which this node holds from its owner, \(held.owner); copies come from their owner only")
        }
        guard held.replica.kind == incoming.kind else {
            throw RefusedWrite(
                "\(peer) sent \(incoming.id) as a \(incoming.kind.rawValue) record; this node holds it as a \(held.replica.kind.rawValue) record, and a record's kind never changes"
            )
        }
        let merged = held.merged(with: incoming.sharedCopy)
        guard merged != held else { return .unchanged }
        // Groups narrowed: this node's writes in registers the copy no longer holds are still
        // owed to the owner, which accepts them from it; they wait as pending writes.
        let own = held.ownWrites(by: node)
        let dropped = own.registers.filter { merged.replica.registers[$0.key] == nil }
        if !dropped.isEmpty {
            try keepPending(
                ReplicatedRecord(id: own.id, kind: own.kind, owner: own.owner, createdAt: own.createdAt, registers: dropped), owner: peer, at: time,
                db)
        }
        try saveSharedCopy(merged, at: time, db)
        try audit.append(
            AuditEvent(time: time, actor: "peer:\(peer)", action: .update, recordID: incoming.id, detail: "shared copy updated: \(groups)"), db)
        return .updated(merged)
    }

    /// A local edit of a shared copy, such as the receiving authority's acknowledgement:
    /// written to the copy's registers, audited, and sent back to the owner by sync.
    package func editSharedCopy(id: RecordID, changes: [(field: String, value: JSONValue)], context: OperationContext) throws -> SharedCopy {
        try transaction { db in
            guard var copy = try sharedCopy(id, db) else { throw StoreError.recordNotFound(id) }
            for (field, _) in changes {
                let refusal =
                    field == "status"
                    ? (copy.writable.contains("status") ? nil : "is not a group \(copy.owner) accepts from this node")
                    : field.hasPrefix("fields.")
                        ? copy.refusal(ofEditTo: String(field.dropFirst("fields.".count))) : "cannot be edited on a shared copy"
                if let refusal { throw StoreError.copyEditRefused(id, field: field, reason: refusal) }
            }
            // Stored as the owner's typed record will hold them, so register and record agree.
            let normalised = changes.map { change in
                (
                    field: change.field,
                    value: change.field.hasPrefix("fields.")
                        ? SharedCopy.normalised(String(change.field.dropFirst("fields.".count)), change.value, kind: copy.replica.kind) : change.value
                )
            }
            copy.replica.apply(normalised, by: node)
            try saveSharedCopy(copy, at: context.time, db)
            // Logged like an edit of an own record, so sync sends the writes to the owner.
            try logChange(
                id: id.description, .update, version: JSONWriter.canonical(copy.replica.version.jsonValue), at: context.time.description, db)
            var audit = try AuditAppender(db)
            try audit.append(
                AuditEvent(
                    time: context.time, actor: context.actor.rawValue, action: .update, recordID: id,
                    detail: "shared copy: " + changes.map(\.field).sorted().joined(separator: ", ")), db)
            return copy
        }
    }

    /// Every shared copy this node holds, by id, with the consultation audited as one read.
    /// Whether this node holds a copy of any of `owner`'s records: then it may write back to
    /// them, and has something for `owner` even when it shares none of its own records.
    /// Read without an audit entry: it reveals nothing of a record.
    package func holdsCopies(ownedBy owner: AuthorityName) throws -> Bool {
        try reading { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM shared_copy WHERE owner = ?)", arguments: [owner.rawValue]) ?? false
        }
    }

    package func sharedCopies(context: OperationContext) throws -> [SharedCopy] {
        try transaction { db in
            var copies: [SharedCopy] = []
            for id in try String.fetchAll(db, sql: "SELECT id FROM shared_copy ORDER BY id") {
                guard let recordID = RecordID(id), let copy = try sharedCopy(recordID, db) else { continue }
                copies.append(copy)
            }
            var audit = try AuditAppender(db)
            try audit.append(
                AuditEvent(time: context.time, actor: context.actor.rawValue, action: .read, detail: "list shared copies: \(copies.count) copies"), db
            )
            return copies
        }
    }

    /// A shared copy this node holds, with the read audited.
    package func sharedCopy(id: RecordID, context: OperationContext) throws -> SharedCopy {
        try transaction { db in
            guard let copy = try sharedCopy(id, db) else { throw StoreError.recordNotFound(id) }
            var audit = try AuditAppender(db)
            try audit.append(AuditEvent(time: context.time, actor: context.actor.rawValue, action: .read, recordID: id, detail: "shared copy"), db)
            return copy
        }
    }

    func sharedCopy(_ id: RecordID, _ db: Database) throws -> SharedCopy? {
        let statement = try db.cachedStatement(sql: "SELECT copy FROM shared_copy WHERE id = ?")
        guard let text = try String.fetchOne(statement, arguments: [id.description]) else { return nil }
        return try decodeSharedCopy(text, id: id)
    }

    func decodeSharedCopy(_ text: String, id: RecordID) throws -> SharedCopy {
        do {
            return try SharedCopy.read(from: try JSONParser.parse(Array(text.utf8)))
        } catch let error as ValidationError {
            throw StoreError.corruptRecord(id, error)
        }
    }

    /// Stores a copy new to this node, in the form it arrived in (`IncomingCopy.storedBytes`).
    func insertSharedCopy(_ copy: IncomingCopy, at time: Timestamp, _ db: Database) throws {
        try writeSharedCopy(
            sql: "INSERT INTO shared_copy(kind, owner, review_date, copy, received_at, id) VALUES (?, ?, ?, ?, ?, ?)",
            id: copy.id, kind: copy.kind, owner: copy.owner, reviewDate: copy.reviewDate, bytes: copy.storedBytes, at: time, db)
        // A new copy has no conflicts indexed (deleting a copy deletes its conflicts), so
        // there is nothing to index unless it arrives with concurrent writes.
        if copy.isConflicted { try indexConflicts(of: copy.sharedCopy.replica, db) }
    }

    /// Stores a copy this node holds, changed, with its conflicts indexed again.
    func saveSharedCopy(_ copy: SharedCopy, at time: Timestamp, _ db: Database) throws {
        try writeSharedCopy(
            sql: "UPDATE shared_copy SET kind = ?, owner = ?, review_date = ?, copy = ?, received_at = ? WHERE id = ?",
            id: copy.id, kind: copy.replica.kind, owner: copy.owner, reviewDate: copy.reviewDate, bytes: copy.storedBytes, at: time, db)
        try indexConflicts(of: copy.replica, db)
    }

    private func writeSharedCopy(
        sql: String, id: RecordID, kind: RecordKind, owner: AuthorityName, reviewDate: CalendarDate, bytes: [UInt8], at time: Timestamp,
        _ db: Database
    ) throws {
        try DirectBinding.execute(db.cachedStatement(sql: sql), db) { bind in
            bind.text(kind.rawValue)
            bind.text(owner.rawValue)
            bind.text(reviewDate.description)
            bind.text(utf8: bytes)
            bind.text(time.description)
            bind.text(id.description)
        }
    }
}
