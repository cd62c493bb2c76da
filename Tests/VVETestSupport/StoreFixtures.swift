import GRDB
import VVECore
import VVEStore

/// The borough most fixtures belong to.
package let camden = AuthorityName("camden")!

/// Every fixture's today: dates in records are checked against it, never the wall clock.
package let today = CalendarDate("2026-11-23")!

/// An operation by one operator, `millis` after a fixed instant.
package func context(_ millis: Int64 = 0) -> OperationContext {
    OperationContext(actor: try! OperatorName("j.okafor"), time: Timestamp(millisecondsSinceEpoch: 1_795_460_340_000 + millis))
}

/// When fixtures' counts for the federated view are made: the fixtures' now.
package var countedAt: Timestamp { context().time }

/// `count` synthetic drafts owned by camden.
package func drafts(_ count: Int, seed: UInt64 = 1, kind: RecordKind? = nil) -> [RecordDraft] {
    var generator = SyntheticRecords(seed: seed, owner: camden, today: today)
    return (0..<count).map { _ in generator.nextDraft(kind: kind) }
}

/// Counts of every table, to show that a failed operation changed nothing.
package func tableCounts(_ store: CaseStore) throws -> [Int] {
    try store.reading { db in
        try ["record", "change_log", "audit_log"].map { try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \($0)") ?? -1 }
    }
}
