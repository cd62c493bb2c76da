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
    /// Records and copies overdue beyond the grace period but left for a later pass: more
    /// than one pass may erase without an admin's confirmation.
    package var held = 0
    /// Records and copies that could not be erased, each audited with why; the rest of the
    /// sweep went on without them.
    package var failed: [RecordID] = []

    package init() {}
}

/// Why a retention sweep did not run at all.
package struct RetentionRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    package let description: String
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

    /// The most records, and the most shared copies, one pass erases without an admin's
    /// confirmation: the larger of 100 and 5% of `live`. An erasure reaches every holder and
    /// cannot be undone, and a clock jumped forward would make everything look overdue at
    /// once; a store that is really that far behind is cleared by hourly passes, or at once
    /// with `vve review sweep --confirm`.
    package static func erasureCap(live: Int) -> Int { max(100, live / 20) }

    /// How far behind the newest audit entry the clock may read before a sweep refuses: the
    /// entries of a process running beside it may be a little ahead.
    package static let clockTolerance: Int64 = 60_000
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
    ///
    /// It trusts the clock only so far. It refuses to run, with a `RetentionRefusal`, when the
    /// clock reads more than a minute before the newest audit entry: a clock that went back
    /// cannot say what is overdue. Without `confirmed` it erases at most
    /// `RetentionPolicy.erasureCap` records and as many copies, the most overdue first, and
    /// audits how many it left for a later pass. A record that cannot be erased is audited and
    /// passed over; it never stops the rest.
    package func sweepRetention(
        _ policy: RetentionPolicy, today: CalendarDate, at time: Timestamp, confirmed: Bool = false
    ) throws -> RetentionOutcome {
        let cutoff = today.adding(days: -policy.reviewGraceDays).description
        return try transaction { db in
            if let newest = try String.fetchOne(db, sql: "SELECT at FROM audit_log ORDER BY seq DESC LIMIT 1"),
                Timestamp(millisecondsSinceEpoch: time.millisecondsSinceEpoch + RetentionPolicy.clockTolerance).description < newest
            {
                throw RetentionRefusal(
                    description:
                        "the clock reads \(time), before the newest audit entry (\(newest)): a clock that went back cannot say what is overdue, so nothing is erased; correct the clock, and retention runs once it is past that entry"
                )
            }
            var outcome = RetentionOutcome()
            var audit = try AuditAppender(db)
            let live = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM record WHERE erased = 0") ?? 0
            let cap = confirmed ? Int.max : RetentionPolicy.erasureCap(live: live)
            let overdue = try String.fetchAll(
                db, sql: "SELECT id FROM record WHERE erased = 0 AND review_date < ? ORDER BY review_date, id", arguments: [cutoff])
            for id in overdue.prefix(cap) {
                guard let recordID = RecordID(id) else { continue }
                do {
                    try db.inSavepoint {
                        guard let current = try fetchRecord(recordID, db), !current.isErased else { return .commit }
                        let tombstone = current.erased(by: node, at: time)
                        let row = EncodedRecord(tombstone)
                        try write(row, insert: false, db)
                        try recordReplicaChange(from: current, to: tombstone, db)
                        try logChange(row, .erase, db)
                        try audit.append(
                            AuditEvent(
                                time: time, actor: "retention", action: .erase, recordID: recordID,
                                justification:
                                    "review overdue: due \(current.reviewDate), not reviewed within the \(policy.reviewGraceDays)-day grace period"
                            ), db)
                        outcome.erased.append(recordID)
                        return .commit
                    }
                } catch {
                    try audit.append(
                        AuditEvent(
                            time: time, actor: "retention", action: .refuse, recordID: recordID,
                            detail: "retention could not erase this record, and erased the others: \(error)"), db)
                    outcome.failed.append(recordID)
                }
            }
            let overdueCopies = try Row.fetchAll(
                db, sql: "SELECT id, review_date FROM shared_copy WHERE review_date < ? ORDER BY review_date, id", arguments: [cutoff])
            for row in overdueCopies.prefix(cap) {
                guard let recordID = RecordID(row["id"] as String) else { continue }
                do {
                    try db.inSavepoint {
                        try removeSharedCopy(recordID.description, db)
                        try audit.append(
                            AuditEvent(
                                time: time, actor: "retention", action: .erase, recordID: recordID,
                                detail:
                                    "shared copy deleted: review overdue (due \(row["review_date"] as String), grace \(policy.reviewGraceDays) days)"),
                            db)
                        return .commit
                    }
                    outcome.copiesDeleted.append(recordID)
                } catch {
                    try audit.append(
                        AuditEvent(
                            time: time, actor: "retention", action: .refuse, recordID: recordID,
                            detail: "retention could not delete this shared copy, and deleted the others: \(error)"), db)
                    outcome.failed.append(recordID)
                }
            }
            outcome.held = max(0, overdue.count - cap) + max(0, overdueCopies.count - cap)
            if outcome.held > 0 {
                try audit.append(
                    AuditEvent(
                        time: time, actor: "retention", action: .read,
                        detail:
                            "\(outcome.held) overdue records and copies left for a later pass: one pass erases at most \(cap) of each without `vve review sweep --confirm`"
                    ), db)
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
