import GRDB
import VVECore

/// What a node's store holds, counted for its metrics: numbers only, never a record or a
/// person, so reading them is not audited.
package struct StoreCounts: Sendable, Equatable {
    /// Live records this node owns.
    package var records: Int
    /// Copies of peers' records held here.
    package var copies: Int
    /// Entries in the audit log.
    package var auditEntries: Int
    /// Records and copies past their review date, which the retention sweep erases once the
    /// grace period has gone.
    package var overdueReviews: Int
    /// Items of each peer's batches set aside, waiting for a policy or a version to change.
    package var setAside: [AuthorityName: Int]
    /// The peers asked by this node's lookups, each by what it gave back (`hit`, `no-hit`,
    /// `refused`, `no-answer`): how many times, ever.
    package var lookupsAsked: [AuthorityName: [String: Int]]
}

extension CaseStore {
    /// The counts on `today`, in one read.
    package func counts(today: CalendarDate) throws -> StoreCounts {
        try reading { db in
            func count(_ sql: String, _ arguments: StatementArguments = []) throws -> Int {
                try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0
            }
            var setAside: [AuthorityName: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT peer, COUNT(*) AS items FROM set_aside GROUP BY peer") {
                if let peer = AuthorityName(row["peer"] as String) { setAside[peer] = row["items"] }
            }
            var lookupsAsked: [AuthorityName: [String: Int]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT peer, outcome, asked FROM lookup_asked") {
                if let peer = AuthorityName(row["peer"] as String) { lookupsAsked[peer, default: [:]][row["outcome"]] = row["asked"] }
            }
            let day = today.description
            return StoreCounts(
                records: try count("SELECT COUNT(*) FROM record WHERE erased = 0 AND owner = ?", [node.rawValue]),
                copies: try count("SELECT COUNT(*) FROM shared_copy"),
                auditEntries: try count("SELECT COUNT(*) FROM audit_log"),
                overdueReviews: try count("SELECT COUNT(*) FROM record WHERE erased = 0 AND review_date < ?", [day])
                    + count("SELECT COUNT(*) FROM shared_copy WHERE review_date < ?", [day]),
                setAside: setAside, lookupsAsked: lookupsAsked)
        }
    }
}

extension CaseStore {
    /// Entries of the change log and the audit log written since `time`, and in all: how
    /// fast the store grows (`vve doctor` takes the last 7 days).
    package func logEntries(since time: Timestamp) throws -> (recent: Int, total: Int) {
        try reading { db in
            let since = time.description
            func count(_ sql: String, _ arguments: StatementArguments = []) throws -> Int {
                try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0
            }
            let recent =
                try count("SELECT COUNT(*) FROM change_log WHERE at >= ?", [since]) + count("SELECT COUNT(*) FROM audit_log WHERE at >= ?", [since])
            let total = try count("SELECT COUNT(*) FROM change_log") + count("SELECT COUNT(*) FROM audit_log")
            return (recent, total)
        }
    }
}
