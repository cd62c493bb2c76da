import Foundation
import GRDB
import VVECore

/// Which side of an aggregate query a node's ledger entry records.
package enum AggregateSide: String, Sendable {
    /// Asked by an analyst at this node.
    case asked
    /// Answered by this node for a peer.
    case answered
}

/// When a quarter's counts of a measure were kept.
package struct KeptQuarter: Sendable, Hashable {
    package var quarter: Quarter
    package var keptAt: Timestamp
}

/// The counts an aggregate answer is made from, with what its notes must say.
package struct KeptCounts: Sendable, Hashable {
    package var counts: [Quarter: QuarterCounts]
    /// When each quarter asked was kept.
    package var kept: [KeptQuarter]
    /// Whether any of the node's records of the measure's kind changed after the earliest of
    /// these quarters was kept: the kept counts stand as they were.
    package var changedSinceKept: Bool

    package init(counts: [Quarter: QuarterCounts], kept: [KeptQuarter], changedSinceKept: Bool) {
        self.counts = counts
        self.kept = kept
        self.changedSinceKept = changedSinceKept
    }
}

extension Measure {
    /// The kind of record the measure counts; nil for one that is not counted by quarter.
    package var recordKind: RecordKind? {
        switch self {
        case .relocations, .relocationBriefing: .relocation
        case .countyLines: .countyLinesLink
        case .perpetrators: .sharedPerpetrator
        case .missingEpisodes, .returnInterviews: .missingEpisode
        case .knownInSeveralAreas: nil
        }
    }
}

extension CaseStore {
    /// Keeps every quarter of `measure` up to `latest` not kept yet, in one transaction that
    /// waits without holding a thread: after the newest kept, or, on a node that never kept
    /// any, from the quarter of its oldest record, at most `maximumQuarters` back. Returns the
    /// quarters newly kept.
    package func keepQuarters(of measure: Measure, through latest: Quarter, maximumQuarters: Int, at time: Timestamp) async throws -> [Quarter] {
        try await transaction { db in
            let newest = try String.fetchOne(db, sql: "SELECT MAX(quarter) FROM kept_quarter WHERE measure = ?", arguments: [measure.rawValue])
                .flatMap(Quarter.init)
            if let newest, newest >= latest { return [] }
            let records = try self.ownRecords(of: measure, db)
            let oldest = latest.trend(of: maximumQuarters)[0]
            guard let from = newest?.next ?? measure.tallies(records, countedAt: time).map(\.quarter).min().map({ max($0, oldest) }), from <= latest
            else {
                return []
            }
            var quarters: [Quarter] = []
            var quarter = from
            while quarter <= latest {
                quarters.append(quarter)
                quarter = quarter.next
            }
            return try self.keepQuarters(quarters, of: measure, records: records, at: time, db)
        }
    }

    /// Admits one query from `peer` and reads the counts it is answered from, in one
    /// transaction with its audit: a query id answered before is refused, as is a query over
    /// the peer's daily limit; quarters not kept yet are kept now. With `lines`, it also reads
    /// the deal lines of the node's own live county lines first seen in the quarters asked,
    /// unless tokens went to `peer` in the last day (`OwnLines`). `answer` turns what was read
    /// into the answer and the audit entry's detail; whatever it returns is what the audit says
    /// was released.
    package func answerAggregate<Answer>(
        _ query: AggregateQuery, from peer: AuthorityName, limits: AggregateLimits, at time: Timestamp, lines: Bool = false,
        answer: (KeptCounts, OwnLines?) throws -> (answer: Answer, detail: String)
    ) throws -> AggregateAdmission<Answer> {
        try admitting(query, from: peer, limits: limits, at: time) { db in
            try keepQuarters(query.quarters, of: query.measure, at: time, db)
            var own: OwnLines?
            if lines {
                if let last = try tokensSent(to: peer, query.measure, since: time, db) {
                    own = .sentToday(last)
                } else {
                    own = .lines(try ownDealLines(firstSeenIn: query.quarters, db))
                }
            }
            let made = try answer(try keptCounts(query.measure, query.quarters, db), own)
            if case .lines? = own { return (made.answer, made.detail, sentTokens: true) }
            return (made.answer, made.detail, sentTokens: false)
        }
    }

    /// The deal lines of each live county line this node owns first seen in `quarters`, a
    /// list a line, inside the caller's transaction.
    func ownDealLines(firstSeenIn quarters: [Quarter], _ db: Database) throws -> [[PhoneNumber]] {
        guard let from = quarters.first?.first, let to = quarters.last?.last else { return [] }
        // The documents were checked when stored; SQLite picks out the numbers alone.
        return try String.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT json_extract(document, '$.fields.dealLines') FROM record
                        WHERE owner = ? AND erased = 0 AND kind = 'county-lines-link'
                        AND json_extract(document, '$.fields.firstSeen') BETWEEN ? AND ?
                    """), arguments: [node.rawValue, from.description, to.description]
        ).map { text in
            ((try? JSONParser.parse(Array(text.utf8)))?.arrayValue ?? []).compactMap { $0.stringValue.flatMap(PhoneNumber.init) }
        }
    }

    /// `ownDealLines` in a transaction of its own: what a `distinct-lines` answer would be
    /// made from.
    package func ownDealLines(firstSeenIn quarters: [Quarter]) throws -> [[PhoneNumber]] {
        try transaction { db in try ownDealLines(firstSeenIn: quarters, db) }
    }

    /// When tokens of `measure` last went to `peer`, if within the day before `time`.
    private func tokensSent(to peer: AuthorityName, _ measure: Measure, since time: Timestamp, _ db: Database) throws -> String? {
        let since = Timestamp(millisecondsSinceEpoch: time.millisecondsSinceEpoch - 86_400_000).description
        return try String.fetchOne(
            db,
            sql: "SELECT MAX(at) FROM aggregate_query WHERE side = 'answered' AND asker = ? AND measure = ? AND sent_tokens = 1 AND at > ?",
            arguments: [peer.rawValue, measure.rawValue, since])
    }

    /// The counts `query` is answered from, its quarters kept first where they are not yet,
    /// in one transaction: what this node would release, for its own staff to see.
    package func keptCounts(for query: AggregateQuery, at time: Timestamp) throws -> KeptCounts {
        try transaction { db in
            try keepQuarters(query.quarters, of: query.measure, at: time, db)
            return try keptCounts(query.measure, query.quarters, db)
        }
    }

    /// Admits one `known-in-several-areas` query from `peer` as `answerAggregate` does, and
    /// at most one a day from each peer, since its tokens are made from today's records and two
    /// answers a day apart could be differenced; `answer` makes the answer from the exact match
    /// keys of the people of every live record the node owns, under `encoder`.
    package func answerTokens<Answer>(
        _ query: AggregateQuery, from peer: AuthorityName, limits: AggregateLimits, at time: Timestamp, encoder: MatchKeyEncoder,
        answer: (OwnExactKeys) throws -> (answer: Answer, detail: String)
    ) throws -> AggregateAdmission<Answer> {
        try admitting(query, from: peer, limits: limits, at: time) { db in
            if let last = try tokensSent(to: peer, query.measure, since: time, db) {
                throw AggregateRefusal.tooSoon(
                    "\(query.measure.rawValue) is answered once a day for each asker, and \(peer) was answered at \(last); ask again 24 hours after that"
                )
            }
            let made = try answer(try ownExactKeys(encoder: encoder, db))
            return (made.answer, made.detail, sentTokens: true)
        }
    }

    /// The admission both kinds of answer share: a repeated id and the daily limit refused, and
    /// the ledger entry and the audit written in the same transaction as `body`, which may
    /// refuse by throwing an `AggregateRefusal`.
    private func admitting<Answer>(
        _ query: AggregateQuery, from peer: AuthorityName, limits: AggregateLimits, at time: Timestamp,
        _ body: (Database) throws -> (answer: Answer, detail: String, sentTokens: Bool)
    ) throws -> AggregateAdmission<Answer> {
        let asker = "peer:\(peer)"
        let tables = max(1, query.tableDefinitions.count)
        return try transaction { db in
            var audit = try AuditAppender(db)
            func refuse(_ reason: AggregateAdmission<Answer>.Refusal, _ text: String) throws -> AggregateAdmission<Answer> {
                try audit.append(
                    AuditEvent(
                        time: time, actor: asker, action: .refuse, justification: query.purpose.text,
                        detail: "\(Self.describe(query, from: peer)); refused: \(text)"), db)
                return .refused(reason, text)
            }
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM aggregate_query WHERE query_id = ? AND side = 'answered'", arguments: [query.queryID])
                ?? false
            {
                return try refuse(
                    .repeated, "query \(query.queryID) was answered before; a node answers each query id once, so ask again with a new id")
            }
            let lastDay = try tablesAsked(.answered, by: peer.rawValue, at: time, db)
            if let reason = limits.refusal(asking: tables, lastDay: lastDay, asker: "\(peer)") { return try refuse(.overLimit, reason) }
            let made: (answer: Answer, detail: String, sentTokens: Bool)
            do {
                made = try body(db)
            } catch AggregateRefusal.tooSoon(let reason) {
                return try refuse(.overLimit, reason)
            }
            try recordQuery(
                query.queryID, .answered, asker: peer.rawValue, measure: query.measure.rawValue, tables: tables, sentTokens: made.sentTokens,
                at: time,
                db)
            try audit.append(
                AuditEvent(
                    time: time, actor: asker, action: .aggregate, justification: query.purpose.text,
                    detail: "\(Self.describe(query, from: peer)); \(made.detail)"), db)
            return .answered(made.answer)
        }
    }

    /// Records the `tables` an analyst here asks under `query`'s id, in one transaction,
    /// unless they would take the analyst over the daily limit: then the refusal is audited
    /// instead. Returns the refusal's reason, or nil when the query may go.
    package func admitAskedAggregate(_ query: AggregateQuery, tables: Int, limits: AggregateLimits, at time: Timestamp) throws -> String? {
        let analyst = query.analyst.rawValue
        return try transaction { db in
            var audit = try AuditAppender(db)
            let lastDay = try tablesAsked(.asked, by: analyst, at: time, db)
            if let reason = limits.refusal(asking: tables, lastDay: lastDay, asker: analyst) {
                try audit.append(
                    AuditEvent(
                        time: time, actor: analyst, action: .refuse, justification: query.purpose.text,
                        detail: "aggregate \(query.queryID) refused: \(reason)"), db)
                return reason
            }
            try recordQuery(query.queryID, .asked, asker: analyst, measure: query.measure.rawValue, tables: tables, at: time, db)
            return nil
        }
    }

    /// Every quarter of `measure` kept, oldest first.
    package func keptQuarters(of measure: Measure) throws -> [KeptQuarter] {
        try reading { db in
            try Row.fetchAll(db, sql: "SELECT quarter, kept_at FROM kept_quarter WHERE measure = ? ORDER BY quarter", arguments: [measure.rawValue])
                .compactMap { row in
                    guard let quarter = Quarter(row["quarter"] as String), let time = Timestamp(row["kept_at"] as String) else { return nil }
                    return KeptQuarter(quarter: quarter, keptAt: time)
                }
        }
    }

    /// The query as the audit log keeps it.
    static func describe(_ query: AggregateQuery, from peer: AuthorityName) -> String {
        let quarters = query.quarters
        let period = quarters.count == 1 ? quarters[0].description : "\(quarters[0])-\(quarters[quarters.count - 1])"
        return "aggregate \(query.queryID) from \(peer) for analyst \(query.analyst): \(query.measure.rawValue) \(period), tables "
            + query.tableDefinitions.map(\.name).joined(separator: ",")
    }

    @discardableResult
    private func keepQuarters(
        _ quarters: [Quarter], of measure: Measure, records: [CaseRecord]? = nil, at time: Timestamp, _ db: Database
    ) throws -> [Quarter] {
        guard measure.isCountedByQuarter else { return [] }
        let kept = Set(
            try String.fetchAll(db, sql: "SELECT quarter FROM kept_quarter WHERE measure = ?", arguments: [measure.rawValue]).compactMap(Quarter.init)
        )
        let missing = Set(quarters).subtracting(kept)
        guard !missing.isEmpty else { return [] }
        let counts = QuarterCounts.counting(try records ?? ownRecords(of: measure, db), measure: measure, quarters: missing, countedAt: time)
        let keepQuarter = try db.cachedStatement(sql: "INSERT INTO kept_quarter(measure, quarter, kept_at) VALUES (?, ?, ?)")
        let keepCount = try db.cachedStatement(
            sql: "INSERT INTO kept_count(measure, quarter, table_name, row_label, column_label, count) VALUES (?, ?, ?, ?, ?, ?)")
        for quarter in missing.sorted() {
            try keepQuarter.execute(arguments: [measure.rawValue, quarter.description, time.description])
            for (cell, count) in counts[quarter]!.counts {
                try keepCount.execute(arguments: [measure.rawValue, quarter.description, cell.table, cell.row, cell.column, count])
            }
        }
        return missing.sorted()
    }

    private func keptCounts(_ measure: Measure, _ quarters: [Quarter], _ db: Database) throws -> KeptCounts {
        var counts: [Quarter: QuarterCounts] = [:]
        var kept: [KeptQuarter] = []
        let select = try db.cachedStatement(
            sql: "SELECT table_name, row_label, column_label, count FROM kept_count WHERE measure = ? AND quarter = ?")
        for quarter in quarters {
            guard
                let keptAt = try String.fetchOne(
                    db, sql: "SELECT kept_at FROM kept_quarter WHERE measure = ? AND quarter = ?", arguments: [measure.rawValue, quarter.description]
                ).flatMap(Timestamp.init)
            else { continue }
            kept.append(KeptQuarter(quarter: quarter, keptAt: keptAt))
            var cells: [CellKey: Int] = [:]
            for row in try Row.fetchAll(select, arguments: [measure.rawValue, quarter.description]) {
                cells[CellKey(table: row["table_name"], row: row["row_label"], column: row["column_label"])] = row["count"]
            }
            counts[quarter] = QuarterCounts(measure: measure, quarter: quarter, counts: cells)
        }
        var changed = false
        if let kind = measure.recordKind, let earliest = kept.map(\.keptAt).min() {
            changed =
                try Bool.fetchOne(
                    db,
                    sql:
                        "SELECT 1 FROM change_log c JOIN record r ON r.id = c.record_id WHERE r.kind = ? AND c.operation IN ('update', 'erase') AND c.only_for IS NULL AND c.at > ? LIMIT 1",
                    arguments: [kind.rawValue, earliest.description]) ?? false
        }
        return KeptCounts(counts: counts, kept: kept, changedSinceKept: changed)
    }

    /// The node's own live records that `measure` counts.
    private func ownRecords(of measure: Measure, _ db: Database) throws -> [CaseRecord] {
        guard let kind = measure.recordKind else { return [] }
        return try Row.fetchAll(
            db.cachedStatement(sql: "SELECT id, document FROM record WHERE kind = ? AND owner = ? AND erased = 0"),
            arguments: [kind.rawValue, node.rawValue]
        ).map { row in try decode(row["document"], id: RecordID(row["id"] as String)) }
    }

    private func tablesAsked(_ side: AggregateSide, by asker: String, at time: Timestamp, _ db: Database) throws -> Int {
        let since = Timestamp(millisecondsSinceEpoch: time.millisecondsSinceEpoch - 86_400_000).description
        return try Int.fetchOne(
            db, sql: "SELECT COALESCE(SUM(tables), 0) FROM aggregate_query WHERE side = ? AND asker = ? AND at > ?",
            arguments: [side.rawValue, asker, since]) ?? 0
    }

    private func recordQuery(
        _ queryID: String, _ side: AggregateSide, asker: String, measure: String, tables: Int, sentTokens: Bool = false, at time: Timestamp,
        _ db: Database
    ) throws {
        try db.execute(
            sql: "INSERT INTO aggregate_query(query_id, side, asker, measure, at, tables, sent_tokens) VALUES (?, ?, ?, ?, ?, ?, ?)",
            arguments: [queryID, side.rawValue, asker, measure, time.description, tables, sentTokens])
    }
}

/// A refusal decided inside an admission's transaction.
enum AggregateRefusal: Error {
    /// Answered for this asker too recently.
    case tooSoon(String)
}

/// The outcome of admitting one aggregate query from a peer.
package enum AggregateAdmission<Answer> {
    /// Why a query was refused.
    package enum Refusal: Sendable {
        /// Its id was answered before.
        case repeated
        /// Over the asking peer's daily limit.
        case overLimit
    }

    case answered(Answer)
    case refused(Refusal, String)
}
