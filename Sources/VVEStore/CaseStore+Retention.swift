import GRDB
import VVECore

/// A record or shared copy past its review date.
package struct ReviewDue: Sendable, Equatable {
    package var id: RecordID
    package var kind: RecordKind
    package var owner: AuthorityName
    /// Whether it is a peer's record held here as a shared copy.
    package var onCopy: Bool
    package var reviewDate: CalendarDate
    /// Days past the review date.
    package var daysOverdue: Int
}

/// What one retention sweep did.
package struct RetentionOutcome: Sendable, Equatable {
    /// This node's records erased for being past review beyond the grace period.
    package var erased: [RecordID] = []
    /// Shared copies deleted for the same reason.
    package var copiesDeleted: [RecordID] = []
    /// Tombstones collected.
    package var tombstonesCollected: [RecordID] = []

    package init() {}
}

/// How long records may stay past review, and how long tombstones are kept.
package struct RetentionPolicy: Sendable, Equatable {
    /// Days a record or copy may stay past its review date before it is erased. Default 30.
    package var reviewGraceDays: Int
    /// Days a tombstone is kept after the erasure before it may be collected. Default 90.
    package var tombstoneDays: Int

    package init(reviewGraceDays: Int = 30, tombstoneDays: Int = 90) {
        self.reviewGraceDays = reviewGraceDays
        self.tombstoneDays = tombstoneDays
    }
}

extension CaseStore {
    /// Records and shared copies whose review date is before `today`, most overdue first;
    /// the consultation is audited as one read.
    package func reviewDue(today: CalendarDate, context: OperationContext) throws -> [ReviewDue] {
        try transaction { db in
            var due: [ReviewDue] = []
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT id, kind, owner, review_date, 0 AS copy FROM record WHERE erased = 0 AND review_date < :today"
                    + " UNION ALL SELECT id, kind, owner, review_date, 1 FROM shared_copy WHERE review_date < :today",
                arguments: ["today": today.description])
            for row in rows {
                guard let id = RecordID(row["id"] as String), let kind = RecordKind(rawValue: row["kind"]),
                    let owner = AuthorityName(row["owner"] as String),
                    let review = CalendarDate(row["review_date"] as String)
                else { continue }
                due.append(
                    ReviewDue(
                        id: id, kind: kind, owner: owner, onCopy: row["copy"] as Int64 == 1, reviewDate: review,
                        daysOverdue: today.daysSinceEpoch - review.daysSinceEpoch))
            }
            due.sort { ($0.daysOverdue, $1.id) > ($1.daysOverdue, $0.id) }
            var audit = try AuditAppender(db)
            try audit.append(AuditEvent(time: context.time, actor: context.actor.rawValue, action: .read, detail: "review due: \(due.count)"), db)
            return due
        }
    }

    /// Erases this node's records past review by more than the grace period (the erasure then
    /// reaches every holder), deletes shared copies likewise overdue, and collects tombstones
    /// past their retention that no peer still holds. One transaction; each step audited
    /// with why.
    package func sweepRetention(_ policy: RetentionPolicy, today: CalendarDate, at time: Timestamp) throws -> RetentionOutcome {
        let cutoff = today.adding(days: -policy.reviewGraceDays).description
        return try transaction { db in
            var outcome = RetentionOutcome()
            var audit = try AuditAppender(db)
            for id in try String.fetchAll(db, sql: "SELECT id FROM record WHERE erased = 0 AND review_date < ? ORDER BY id", arguments: [cutoff]) {
                guard let recordID = RecordID(id), let current = try fetchRecord(recordID, db), !current.isErased else { continue }
                let tombstone = current.erased(by: node, at: time)
                let row = EncodedRecord(tombstone)
                try write(row, insert: false, db)
                try recordReplicaChange(from: current, to: tombstone, db)
                try logChange(row, .erase, db)
                try audit.append(
                    AuditEvent(
                        time: time, actor: "retention", action: .erase, recordID: recordID,
                        justification: "review overdue: due \(current.reviewDate), not reviewed within the \(policy.reviewGraceDays)-day grace period"
                    ), db)
                outcome.erased.append(recordID)
            }
            for row in try Row.fetchAll(db, sql: "SELECT id, review_date FROM shared_copy WHERE review_date < ? ORDER BY id", arguments: [cutoff]) {
                guard let recordID = RecordID(row["id"] as String) else { continue }
                try removeSharedCopy(recordID.description, db)
                try audit.append(
                    AuditEvent(
                        time: time, actor: "retention", action: .erase, recordID: recordID,
                        detail: "shared copy deleted: review overdue (due \(row["review_date"] as String), grace \(policy.reviewGraceDays) days)"), db
                )
                outcome.copiesDeleted.append(recordID)
            }
            outcome.tombstonesCollected = try collectTombstones(
                olderThan: time.millisecondsSinceEpoch - Int64(policy.tombstoneDays) * 86_400_000, at: time, db)
            if !outcome.tombstonesCollected.isEmpty {
                try audit.append(
                    AuditEvent(
                        time: time, actor: "retention", action: .erase,
                        detail: "tombstones collected after \(policy.tombstoneDays) days, every holder having deleted its copy: "
                            + outcome.tombstonesCollected.map(\.description).joined(separator: ", ")), db)
            }
            return outcome
        }
    }

    /// Deletes tombstones erased before `cutoff` (ms since the epoch) that no peer holds or
    /// still has to be told about, keeping their ids in `collected_tombstone`.
    func collectTombstones(olderThan cutoff: Int64, at time: Timestamp, _ db: Database) throws -> [RecordID] {
        var collected: [RecordID] = []
        let candidates = try String.fetchAll(
            db, sql: "SELECT id FROM record WHERE erased = 1 AND NOT EXISTS (SELECT 1 FROM holder WHERE holder.record_id = record.id) ORDER BY id")
        for id in candidates {
            guard let recordID = RecordID(id), let tombstone = try fetchRecord(recordID, db), case .erased(let erasedAt) = tombstone.content,
                erasedAt.millisecondsSinceEpoch < cutoff
            else { continue }
            try db.execute(
                sql: "INSERT OR IGNORE INTO collected_tombstone(id, erased_at, collected_at) VALUES (?, ?, ?)",
                arguments: [id, erasedAt.description, time.description])
            try db.execute(sql: "DELETE FROM change_log WHERE record_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM conflict WHERE record_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM record WHERE id = ?", arguments: [id])
            collected.append(recordID)
        }
        return collected
    }
}
