import GRDB
import VVECore

/// What a change in the log stands for when a feed is built for a peer.
package enum SyncSource: Sendable {
    /// One of this node's records, as a projection reads it, with its registers as kept.
    case own(ProjectionSource, StoredReplica)
    /// A copy of a peer's record this node holds, and this node's writes to it still owed to
    /// the owner from registers the copy no longer holds (its groups narrowed).
    case copy(SharedCopy, pending: ReplicatedRecord?)
    /// This node's writes to a copy since withdrawn, still owed to the record's owner.
    case pending(owner: AuthorityName, writes: ReplicatedRecord)
}

/// What applying a peer's batch did.
package struct BatchOutcome: Sendable, Equatable {
    /// Items that changed something here.
    package var applied = 0
    /// Items this node already had.
    package var unchanged = 0
    /// Items refused and set aside (`vve status` lists them).
    package var setAside = 0
    /// Items set aside before and applied now, on a retry.
    package var retried = 0

    package init(applied: Int = 0, unchanged: Int = 0, setAside: Int = 0, retried: Int = 0) {
        self.applied = applied
        self.unchanged = unchanged
        self.setAside = setAside
        self.retried = retried
    }

    /// Both outcomes, added up.
    package static func + (lhs: BatchOutcome, rhs: BatchOutcome) -> BatchOutcome {
        BatchOutcome(
            applied: lhs.applied + rhs.applied, unchanged: lhs.unchanged + rhs.unchanged, setAside: lhs.setAside + rhs.setAside,
            retried: lhs.retried + rhs.retried)
    }
}

extension CaseStore {
    /// The records and shared copies behind changed ids, for building a peer's batch. Not
    /// audited here: the batch is audited as a disclosure when it is sent.
    package func syncSources(_ ids: [RecordID]) throws -> [RecordID: SyncSource] {
        try reading { db in
            var sources: [RecordID: SyncSource] = [:]
            // A few queries for a whole batch, not one per record.
            for records in Self.chunks(of: ids) {
                for row in try Row.fetchAll(
                    db, sql: "SELECT id, document, registers FROM record WHERE id IN (\(Self.placeholders(records.count)))",
                    arguments: StatementArguments(records.map(\.description)))
                {
                    guard let id = RecordID(row["id"] as String) else { continue }
                    let registers: String? = row["registers"]
                    sources[id] = .own(
                        try projectionSource(row["document"], id: id), try registers.map { .registers(try storedRegisters(id, $0)) } ?? .implicit)
                }
                // Copies and pending writes are looked for only where no own record is: a
                // copy never has an own record's id, and an owner's first sync has no other.
                let chunk = records.filter { sources[$0] == nil }
                guard !chunk.isEmpty else { continue }
                let list = Self.placeholders(chunk.count)
                let arguments = StatementArguments(chunk.map(\.description))
                for row in try Row.fetchAll(db, sql: "SELECT id, copy FROM shared_copy WHERE id IN (\(list))", arguments: arguments) {
                    guard let id = RecordID(row["id"] as String), sources[id] == nil else { continue }
                    sources[id] = .copy(try decodeSharedCopy(row["copy"], id: id), pending: nil)
                }
                let pending = "SELECT record_id, owner, writes FROM pending_writes WHERE record_id IN (\(list))"
                for row in try Row.fetchAll(db, sql: pending, arguments: arguments) {
                    guard let id = RecordID(row["record_id"] as String), let owner = AuthorityName(row["owner"] as String) else { continue }
                    let writes = try pendingWrites(row["writes"], id: id)
                    switch sources[id] {
                    case nil: sources[id] = .pending(owner: owner, writes: writes)
                    case .copy(let copy, _)? where copy.owner == owner: sources[id] = .copy(copy, pending: writes)
                    default: continue
                    }
                }
            }
            return sources
        }
    }

    /// A stored record as a projection reads it (`ProjectionSource.stored`): its fields
    /// were validated when it was written.
    func projectionSource(_ document: String, id: RecordID) throws -> ProjectionSource {
        do {
            return try ProjectionSource.stored(try JSONParser.parse(document))
        } catch let error as ValidationError {
            throw StoreError.corruptRecord(id, error)
        } catch {
            throw StoreError.corruptRecord(id, ValidationError(issues: [ValidationIssue(path: .root, value: nil, rule: "\(error)")]))
        }
    }

    /// At most 500 ids at a time, well under SQLite's limit on bound parameters.
    static func chunks(of ids: [RecordID]) -> [ArraySlice<RecordID>] {
        stride(from: 0, to: ids.count, by: 500).map { ids[$0..<min($0 + 500, ids.count)] }
    }

    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }

    /// Records a batch sent to a peer, in one transaction: one `disclose` entry naming the
    /// peer and every record in it, and the peer as a holder of the records sent as copies.
    /// The peer stays a holder of those it was told to delete until it acknowledges the batch
    /// by asking for a cursor at or past `cursor` (`acknowledge`), so that a batch lost on the
    /// way is sent again, deletions included. `writes` are this node's writes to the peer's
    /// own records, which it holds already.
    package func recordDisclosure(
        to peer: AuthorityName, copies: [RecordID], writes: [RecordID] = [], deletions: [RecordID], cursor: Int64, at time: Timestamp
    ) throws {
        let ids = copies + writes + deletions
        guard !ids.isEmpty else { return }
        try transaction { db in
            let holding = try db.cachedStatement(
                sql: """
                    INSERT INTO holder(record_id, peer) VALUES (?, ?)
                    ON CONFLICT(record_id, peer) DO UPDATE SET release_after = NULL
                    """)
            // Bound directly: a first sync discloses a thousand copies a batch, and this
            // transaction's commit is what the batch waits for before it is sent.
            for id in copies {
                try DirectBinding.execute(holding, db) { bind in
                    bind.text(id.description)
                    bind.text(peer.rawValue)
                }
            }
            for id in deletions {
                try db.execute(
                    sql: "UPDATE holder SET release_after = ? WHERE record_id = ? AND peer = ?", arguments: [cursor, id.description, peer.rawValue])
            }
            for id in writes {
                try db.cachedStatement(sql: "UPDATE pending_writes SET release_after = ? WHERE record_id = ? AND owner = ?")
                    .execute(arguments: [cursor, id.description, peer.rawValue])
            }
            var audit = try AuditAppender(db)
            try audit.append(
                AuditEvent(time: time, actor: "sync", action: .disclose, detail: "to \(peer): " + ids.map(\.description).joined(separator: ", ")), db)
        }
    }

    /// A peer asked for changes after `cursor`, so it has applied every batch up to there:
    /// it no longer holds the copies those batches told it to delete.
    package func acknowledge(_ peer: AuthorityName, through cursor: Int64) throws {
        try transaction { db in
            try db.execute(
                sql: "DELETE FROM holder WHERE peer = ? AND release_after IS NOT NULL AND release_after <= ?", arguments: [peer.rawValue, cursor])
            try db.execute(
                sql: "DELETE FROM pending_writes WHERE owner = ? AND release_after IS NOT NULL AND release_after <= ?",
                arguments: [peer.rawValue, cursor])
        }
    }

    /// What a feed reads before it projects a batch for `peer`, in one snapshot: the log's
    /// head, the entries after `sequence` (at most `limit`), and which of their records the
    /// peer holds a copy of.
    package func feedWindow(for peer: AuthorityName, after sequence: Int64, limit: Int) throws -> FeedWindow {
        try reading { db in
            let head = try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(seq) FROM change_log")) ?? 0
            let entries = try feedEntries(after: sequence, limit: limit, db)
            let held = try records(heldBy: peer, changedAfter: sequence, through: entries.last?.sequence ?? sequence, db)
            return FeedWindow(head: head, entries: entries, held: held)
        }
    }

    /// The records changed in the log after `sequence` and up to `last` that `peer` holds a
    /// copy of: what a feed needs to know to tell the peer to delete one. One pass over the
    /// log's range, each change looked up in the holdings' key.
    func records(heldBy peer: AuthorityName, changedAfter sequence: Int64, through last: Int64, _ db: Database) throws -> Set<RecordID> {
        let sql = """
            SELECT DISTINCT holder.record_id FROM change_log JOIN holder ON holder.record_id = change_log.record_id AND holder.peer = ?
            WHERE change_log.seq > ? AND change_log.seq <= ?
            """
        return Set(try String.fetchAll(db.cachedStatement(sql: sql), arguments: [peer.rawValue, sequence, last]).compactMap(RecordID.init))
    }

    /// The peers that hold a copy of records, by record.
    package func holders(of ids: [RecordID]) throws -> [RecordID: Set<AuthorityName>] {
        try reading { db in
            var holders: [RecordID: Set<AuthorityName>] = [:]
            for chunk in Self.chunks(of: ids) {
                let sql = "SELECT record_id, peer FROM holder WHERE record_id IN (\(Self.placeholders(chunk.count)))"
                for row in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(chunk.map(\.description))) {
                    guard let id = RecordID(row["record_id"] as String), let peer = AuthorityName(row["peer"] as String) else { continue }
                    holders[id, default: []].insert(peer)
                }
            }
            return holders
        }
    }

    /// The incarnation of `peer`'s store that this node's cursor for it counts in; nil before
    /// the first batch, or from a peer that does not say.
    package func incarnation(of peer: AuthorityName) throws -> String? {
        try reading { db in try String.fetchOne(db, sql: "SELECT incarnation FROM peer_cursor WHERE peer = ?", arguments: [peer.rawValue]) }
    }

    /// Starts reading `peer`'s change log again from the start, in `incarnation`, because its
    /// store restarted the log (`PeerLogContinuity`): the cursor goes back to 0, audited
    /// with the reason. Copies held stay; reading the log again brings each up to date.
    package func restartPull(from peer: AuthorityName, incarnation: String?, reason: String, at time: Timestamp) throws {
        try transaction { db in
            let cursor = try Int64.fetchOne(db, sql: "SELECT cursor FROM peer_cursor WHERE peer = ?", arguments: [peer.rawValue]) ?? 0
            try db.execute(
                sql: """
                    INSERT INTO peer_cursor(peer, cursor, updated_at, incarnation) VALUES (?, 0, ?, ?)
                    ON CONFLICT(peer) DO UPDATE SET cursor = 0, updated_at = excluded.updated_at,
                        incarnation = coalesce(excluded.incarnation, peer_cursor.incarnation)
                    """,
                arguments: [peer.rawValue, time.description, incarnation])
            var audit = try AuditAppender(db)
            try audit.append(
                AuditEvent(
                    time: time, actor: "peer:\(peer)", action: .update,
                    detail: "reading \(peer)'s change log again from the start, from cursor \(cursor): \(reason)"), db)
        }
    }

    /// How far into `peer`'s change log this node has applied; 0 before the first batch.
    package func cursor(for peer: AuthorityName) throws -> Int64 {
        try reading { db in try Int64.fetchOne(db, sql: "SELECT cursor FROM peer_cursor WHERE peer = ?", arguments: [peer.rawValue]) ?? 0 }
    }

    /// Applies a batch from `peer` in one transaction with the cursor that follows it: copies
    /// of the peer's records (`{"copy": ...}`), the peer's writes to this node's records
    /// (`{"writes": ...}`), and deletions. An item refused is set aside, audited, and the
    /// items behind it are applied (`setAside`); the batch is refused whole, and the cursor
    /// stays, only when the peer has `setAsideLimit` items set aside already. Items set aside
    /// before are retried first when the policy or the vve version changed since. Applying a
    /// batch twice changes nothing the second time, so a crash between applying and
    /// acknowledging is harmless.
    package func applyBatch(
        _ items: [JSONValue], from peer: AuthorityName, policy: SharingPolicy, cursor: Int64, incarnation: String? = nil,
        auditHead: AuditAnchor? = nil, at time: Timestamp
    ) throws
        -> BatchOutcome
    {
        do {
            // Items are applied without a savepoint each; only a batch with a refusal in it
            // is applied again, item by item, to set the refused ones aside.
            do {
                return try transaction { db in
                    try apply(
                        items, from: peer, policy: policy, cursor: cursor, incarnation: incarnation, auditHead: auditHead, isolating: false, at: time,
                        db)
                }
            } catch is RefusedWrite {
                return try transaction { db in
                    try apply(
                        items, from: peer, policy: policy, cursor: cursor, incarnation: incarnation, auditHead: auditHead, isolating: true, at: time,
                        db)
                }
            }
        } catch let refusal as RefusedWrite {
            try refuse("batch refused whole: " + refusal.reason, from: peer, recordID: nil, at: time)
        }
    }

    /// `applyBatch`, without holding a thread of the concurrency pool while it waits and writes.
    package func applyBatch(
        _ items: [JSONValue], from peer: AuthorityName, policy: SharingPolicy, cursor: Int64, incarnation: String? = nil,
        auditHead: AuditAnchor? = nil, at time: Timestamp
    ) async throws
        -> BatchOutcome
    {
        do {
            do {
                return try await transaction { db in
                    try self.apply(
                        items, from: peer, policy: policy, cursor: cursor, incarnation: incarnation, auditHead: auditHead, isolating: false, at: time,
                        db)
                }
            } catch is RefusedWrite {
                return try await transaction { db in
                    try self.apply(
                        items, from: peer, policy: policy, cursor: cursor, incarnation: incarnation, auditHead: auditHead, isolating: true, at: time,
                        db)
                }
            }
        } catch let refusal as RefusedWrite {
            try refuse("batch refused whole: " + refusal.reason, from: peer, recordID: nil, at: time)
        }
    }

    /// One attempt at a batch. Without `isolating`, the first item refused throws
    /// `RefusedWrite` and the transaction rolls back; with it, each item is applied in a
    /// savepoint, and one refused is rolled back alone and set aside.
    private func apply(
        _ items: [JSONValue], from peer: AuthorityName, policy: SharingPolicy, cursor: Int64, incarnation: String?,
        auditHead: AuditAnchor?, isolating: Bool, at time: Timestamp, _ db: Database
    ) throws
        -> BatchOutcome
    {
        var outcome = BatchOutcome()
        // A batch ending before the cursor already committed is a stale duplicate: what
        // it carries was built before changes this node has applied since (an erasure,
        // say), so applying it could bring back a deleted copy.
        let committed = try Int64.fetchOne(db, sql: "SELECT cursor FROM peer_cursor WHERE peer = ?", arguments: [peer.rawValue]) ?? 0
        guard cursor >= committed else {
            outcome.unchanged = items.count
            return outcome
        }
        // Items are read and checked on every core while this transaction applies
        // the ones before them, as an import does.
        let chunkSize = 128
        let chunkCount = (items.count + chunkSize - 1) / chunkSize
        let read: @Sendable (Int) -> [IncomingItem] = { chunk in
            items[chunk * chunkSize..<min(items.count, (chunk + 1) * chunkSize)].map(IncomingItem.init)
        }
        let pipeline = chunkCount > 1 ? try ChunkPipeline(count: chunkCount, produce: read) : nil
        defer { pipeline?.waitUntilFinished() }
        // One appender for the whole batch: every item's audit entry goes through it.
        var audit = try AuditAppender(db)
        // Items set aside before are older than this batch: retried first, when what refused
        // them may have changed.
        var setAsideHeld = try hasSetAside(from: peer, db)
        if setAsideHeld {
            let retried = try retrySetAside(from: peer, policy: policy, at: time, audit: &audit, db)
            outcome.retried = retried.applied
        }
        for chunk in 0..<chunkCount {
            for (offset, item) in (pipeline?.take(chunk) ?? read(chunk)).enumerated() {
                let index = chunk * chunkSize + offset
                let changed: Bool
                if isolating {
                    let before = audit
                    do {
                        var applied = false
                        try db.inSavepoint {
                            applied = try applyItem(item, label: "item \(index)", from: peer, policy: policy, at: time, audit: &audit, db)
                            return .commit
                        }
                        changed = applied
                    } catch let refusal as RefusedWrite {
                        audit = before
                        try setAside(items[index], reason: refusal.reason, from: peer, policy: policy, at: time, audit: &audit, db)
                        setAsideHeld = true
                        outcome.setAside += 1
                        continue
                    }
                } else {
                    changed = try applyItem(item, label: "item \(index)", from: peer, policy: policy, at: time, audit: &audit, db)
                }
                // Each record appears once in a batch, so what is released here was set
                // aside by an earlier batch.
                if setAsideHeld, let id = Self.recordID(of: items[index]) {
                    try releaseSetAside(about: id, from: peer, at: time, audit: &audit, db)
                }
                if changed { outcome.applied += 1 } else { outcome.unchanged += 1 }
            }
        }
        try db.execute(
            sql: """
                INSERT INTO peer_cursor(peer, cursor, updated_at, incarnation) VALUES (?, ?, ?, ?)
                ON CONFLICT(peer) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at,
                    incarnation = coalesce(excluded.incarnation, peer_cursor.incarnation)
                """,
            arguments: [peer.rawValue, cursor, time.description, incarnation])
        if let auditHead { try keepAuditAnchor(auditHead, from: peer, at: time, db) }
        return outcome
    }

    /// Applies one item of `peer`'s, named by `label` in a refusal; true when it changed
    /// something. A refusal throws `RefusedWrite`.
    func applyItem(
        _ item: IncomingItem, label: String, from peer: AuthorityName, policy: SharingPolicy, at time: Timestamp, audit: inout AuditAppender,
        _ db: Database
    ) throws -> Bool {
        switch item {
        case .copy(let copy):
            return try receiveSharedCopy(copy, from: peer, at: time, audit: &audit, db).changed
        case .delete(let id?, let erased):
            let reason = erased ? "erased by its owner" : "withdrawn by its owner: this node is no longer in its audience"
            return try deleteSharedCopy(id, owner: peer, reason: reason, keepingWrites: !erased, at: time, audit: &audit, db)
        case .delete(nil, _):
            throw RefusedWrite("\(label) names no record to delete")
        case .writes(.success(let replica)):
            return try applyPeerWrites(replica, from: peer, policy: policy, at: time, audit: &audit, db) != .unchanged
        case .writes(.failure(let invalid)):
            throw RefusedWrite("\(label) is malformed: " + invalid.issues.map(\.redactedDescription).joined(separator: "; "))
        case .unknown:
            throw RefusedWrite("\(label) is not a copy, writes, an erasure or a withdrawal")
        }
    }

    /// Deletes this node's copy of `owner`'s record, auditing why; false when none was held.
    /// With `keepingWrites` (a withdrawal, not an erasure), this node's own writes to the copy
    /// are kept as pending writes, still owed to the owner, and logged so the feed sends them.
    func deleteSharedCopy(
        _ id: RecordID, owner: AuthorityName, reason: String, keepingWrites: Bool, at time: Timestamp, audit: inout AuditAppender, _ db: Database
    ) throws -> Bool {
        guard let copy = try sharedCopy(id, db) else { return false }
        guard copy.owner == owner else {
            throw RefusedWrite("\(owner) asked to delete a copy of a record \(copy.owner) owns")
        }
        if keepingWrites { try keepPending(copy.ownWrites(by: node), owner: owner, at: time, db) }
        try removeSharedCopy(id.description, db)
        try audit.append(AuditEvent(time: time, actor: "peer:\(owner)", action: .erase, recordID: id, detail: "shared copy deleted: \(reason)"), db)
        return true
    }
}

extension CaseStore {
    /// Ends the sharing relationship with a removed peer, in one transaction: this node's
    /// copies of the peer's records are deleted (each audited), the peer no longer counts as
    /// a holder of this node's records, and its cursor and pull state go. The peer's copies of
    /// this node's records are deleted when its admin removes this node in turn.
    package func forgetPeer(_ peer: AuthorityName, actor: String, at time: Timestamp) throws -> (copiesDeleted: Int, holdings: Int) {
        try transaction { db in
            var audit = try AuditAppender(db)
            let copies = try String.fetchAll(db, sql: "SELECT id FROM shared_copy WHERE owner = ? ORDER BY id", arguments: [peer.rawValue])
            for id in copies {
                try removeSharedCopy(id, db)
                try audit.append(
                    AuditEvent(
                        time: time, actor: actor, action: .erase, recordID: RecordID(id), detail: "shared copy deleted: \(peer) was removed as a peer"
                    ), db)
            }
            let holdings = try Int.fetchOne(db, sql: "SELECT count(*) FROM holder WHERE peer = ?", arguments: [peer.rawValue]) ?? 0
            try db.execute(sql: "DELETE FROM holder WHERE peer = ?", arguments: [peer.rawValue])
            try db.execute(sql: "DELETE FROM pending_writes WHERE owner = ?", arguments: [peer.rawValue])
            // What it sent and this node refused goes with it: its refusals stay in the audit log.
            let setAside = try Int.fetchOne(db, sql: "SELECT count(*) FROM set_aside WHERE peer = ?", arguments: [peer.rawValue]) ?? 0
            if setAside > 0 {
                try db.execute(sql: "DELETE FROM set_aside WHERE peer = ?", arguments: [peer.rawValue])
                try audit.append(
                    AuditEvent(
                        time: time, actor: actor, action: .erase, detail: "\(setAside) set-aside items deleted: \(peer) was removed as a peer"),
                    db)
            }
            try db.execute(sql: "DELETE FROM peer_cursor WHERE peer = ?", arguments: [peer.rawValue])
            try db.execute(sql: "DELETE FROM peer_audit_anchor WHERE peer = ?", arguments: [peer.rawValue])
            try db.execute(sql: "DELETE FROM peer_sync_state WHERE peer = ?", arguments: [peer.rawValue])
            return (copies.count, holdings)
        }
    }
}

/// What a feed reads of the log before it projects a batch (`CaseStore.feedWindow`).
package struct FeedWindow: Sendable {
    /// The log's last sequence when it was read.
    package var head: Int64
    /// The entries after the cursor, in order: which record, and for which peer alone if any.
    package var entries: [(sequence: Int64, recordID: RecordID, onlyFor: AuthorityName?)]
    /// The records of those entries that the peer holds a copy of.
    package var held: Set<RecordID>
}

/// One item of a batch, read and checked before the transaction applies it.
enum IncomingItem: Sendable {
    /// A copy with its stored form, encoded off the writing thread.
    case copy(Result<IncomingCopy, ValidationError>)
    case writes(Result<ReplicatedRecord, ValidationError>)
    /// The record to delete (nil when the item names none), and whether it was erased.
    case delete(RecordID?, erased: Bool)
    case unknown

    init(_ item: JSONValue) {
        if let copy = item["copy"] {
            self = .copy(Result { () throws(ValidationError) -> IncomingCopy in try IncomingCopy.receive(copy) })
        } else if let deletion = item["erase"] ?? item["withdraw"] {
            self = .delete(deletion["id"]?.stringValue.flatMap(RecordID.init), erased: item["erase"] != nil)
        } else if let writes = item["writes"] {
            self = .writes(Result { () throws(ValidationError) -> ReplicatedRecord in try ReplicatedRecord.read(from: writes) })
        } else {
            self = .unknown
        }
    }
}

extension CaseStore {
    func pendingWrites(_ text: String, id: RecordID) throws -> ReplicatedRecord {
        do {
            return try ReplicatedRecord.read(from: try JSONParser.parse(Array(text.utf8)))
        } catch let error as ValidationError {
            throw StoreError.corruptRecord(id, error)
        }
    }
}

extension CaseStore {
    /// Notes the policy `peer` is served under. When it differs from the last one noted, every
    /// record the peer holds, and every live record of a kind the policy now shares, is logged
    /// again for the peer alone, so its feed withdraws what it may no longer hold, re-sends
    /// narrowed or widened copies, and sends what it may now receive. A peer's first request
    /// only notes the policy. Returns how many records were logged.
    @discardableResult
    package func notePolicy(_ policy: SharingPolicy, servedTo peer: AuthorityName, at time: Timestamp) throws -> Int {
        let digest = policy.projectionDigest
        let noted = try reading { db in
            try String.fetchOne(db, sql: "SELECT digest FROM peer_policy WHERE peer = ?", arguments: [peer.rawValue])
        }
        guard noted != digest else { return 0 }
        return try transaction { db in
            try db.execute(
                sql: "INSERT INTO peer_policy(peer, digest) VALUES (?, ?) ON CONFLICT(peer) DO UPDATE SET digest = excluded.digest",
                arguments: [peer.rawValue, digest])
            guard noted != nil else { return 0 }
            let kinds = policy.share.keys.map(\.rawValue).sorted()
            var sql = "SELECT id, version FROM record WHERE id IN (SELECT record_id FROM holder WHERE peer = ?)"
            if !kinds.isEmpty { sql += " OR (erased = 0 AND kind IN (\(Self.placeholders(kinds.count))))" }
            let rows = try Row.fetchAll(db, sql: sql + " ORDER BY id", arguments: StatementArguments([peer.rawValue] + kinds))
            let statement = try db.cachedStatement(
                sql: "INSERT INTO change_log(record_id, operation, version, at, only_for) VALUES (?, 'update', ?, ?, ?)")
            for row in rows {
                try statement.execute(arguments: [row["id"] as String, row["version"] as String, time.description, peer.rawValue])
            }
            return rows.count
        }
    }
}

extension CaseStore {
    /// Keeps this node's writes, still owed to `owner`, as pending writes (merged with any
    /// already pending), and logs them so the feed sends them until the owner acknowledges.
    func keepPending(_ writes: ReplicatedRecord, owner: AuthorityName, at time: Timestamp, _ db: Database) throws {
        guard !writes.registers.isEmpty else { return }
        let id = writes.id.description
        var owed = writes
        if let text = try String.fetchOne(db, sql: "SELECT writes FROM pending_writes WHERE record_id = ?", arguments: [id]) {
            owed = owed.merged(with: try pendingWrites(text, id: writes.id))
        }
        try db.execute(
            sql: "INSERT OR REPLACE INTO pending_writes(record_id, owner, writes, release_after) VALUES (?, ?, ?, NULL)",
            arguments: [id, owner.rawValue, JSONWriter.canonical(owed.jsonValue)])
        try logChange(id: id, .update, version: JSONWriter.canonical(owed.version.jsonValue), at: time.description, db)
    }
}

extension CaseStore {
    /// Deletes a shared copy and its open conflicts, in the caller's transaction; the caller
    /// audits why.
    func removeSharedCopy(_ id: String, _ db: Database) throws {
        try db.execute(sql: "DELETE FROM shared_copy WHERE id = ?", arguments: [id])
        try db.execute(sql: "DELETE FROM conflict WHERE record_id = ?", arguments: [id])
    }
}
