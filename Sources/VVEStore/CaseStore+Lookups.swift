import Foundation
import GRDB
import VVECore

/// Where a match entry's person comes from.
package enum MatchSource: String, Sendable, Hashable {
    /// A record this node owns.
    case own
    /// A shared copy of a peer's record.
    case copy
}

/// A record that matched a lookup, with what the answer may say of it.
package struct LookupSubject: Sendable, Hashable {
    /// The record (or the copy's record) that matched.
    package var recordID: RecordID
    /// Its kind.
    package var kind: RecordKind
    /// Its owner: this node, or the peer whose copy this node holds.
    package var owner: AuthorityName
    /// Whether it is this node's own record or a copy.
    package var source: MatchSource
    /// `match` for an exact key of a name on both sides, else `possible`.
    package var label: MatchLabel
    /// 1 for an exact key; else the best Dice score of any pair of names.
    package var score: Double
    /// Why it matched.
    package var reason: MatchReason
    /// The record's status and risk level: this node's own records only.
    package var status: RecordStatus?
    package var riskLevel: RiskLevel?
    /// The record's contact on this node's side: own records only.
    package var contact: Contact?
    /// The record's fields, from which its audience is decided: own records only.
    package var fields: RecordFields? = nil
}

/// The outcome of admitting and answering one lookup.
package enum LookupAdmission: Sendable, Hashable {
    case answered([LookupSubject])
    /// Over a rate limit: why, as audited.
    case refused(String)
}

/// How far the match index is behind the store.
package struct MatchIndexRefresh: Sendable, Hashable {
    /// Records and copies indexed again by this call.
    package var indexed: Int
    /// Entries removed by this call (replaced or gone), which an in-memory index still holds.
    package var removed: Int
    /// Whether the index was started over (a new linkage key): in-memory copies must be too.
    package var restarted: Bool
    /// Whether changes remain after this call's batch.
    package var more: Bool
}

extension CaseStore {
    static let ownCursorKey = "match-index.own-cursor"
    static let keyTagKey = "match-index.key"

    /// What the match index records it was built under: the key's tag and the scheme, since
    /// entries made under another of either are worthless.
    static func indexTag(_ encoder: MatchKeyEncoder) -> String { "\(encoder.key.tag) scheme \(MatchKeyEncoder.schemeVersion)" }

    /// Indexes the people of the records and copies changed since the last refresh, at most
    /// `limit` of each in one transaction, so a crash leaves the index and its cursor in step.
    /// A different linkage key than the index was built under starts it over.
    package func refreshMatchEntries(encoder: MatchKeyEncoder, limit: Int = 1000) throws -> MatchIndexRefresh {
        try transaction { db in
            let tag = Self.indexTag(encoder)
            let restarted = try meta(Self.keyTagKey, db) != tag
            var removed = 0
            if restarted {
                try db.execute(sql: "DELETE FROM match_entry")
                try db.execute(sql: "DELETE FROM match_copy_change")
                try db.execute(sql: "INSERT INTO match_copy_change(record_id) SELECT id FROM shared_copy")
                try setMeta(Self.ownCursorKey, "0", db)
                try setMeta(Self.keyTagKey, tag, db)
            }
            let insert = try db.cachedStatement(
                sql: "INSERT INTO match_entry(record_id, source, alias, exact, fuzzy, traits) VALUES (?, ?, ?, ?, ?, ?)")
            let remove = try db.cachedStatement(sql: "DELETE FROM match_entry WHERE record_id = ? AND source = ?")
            // Each changed record once: its entries replaced by those of its people now (none
            // when it is gone).
            func reindex(_ changes: [Row], source: MatchSource, names: (String) throws -> [IndexedName]) throws -> Int {
                var seen = Set<String>()
                for change in changes {
                    let id: String = change["record_id"]
                    guard seen.insert(id).inserted else { continue }
                    try remove.execute(arguments: [id, source.rawValue])
                    removed += db.changesCount
                    for name in try names(id) {
                        try insert.execute(arguments: [
                            id, source.rawValue, name.isAlias, name.exact.map { Data($0) }, name.fuzzy.map { Data(fuzzyBytes($0)) },
                            name.traits.rawValue,
                        ])
                    }
                }
                return seen.count
            }

            let cursor = Int64(try meta(Self.ownCursorKey, db) ?? "0") ?? 0
            let changes = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT seq, record_id FROM change_log WHERE seq > ? ORDER BY seq LIMIT ?"), arguments: [cursor, limit])
            let ownIndexed = try reindex(changes, source: .own) { id in
                guard
                    let document = try String.fetchOne(
                        db.cachedStatement(sql: "SELECT document FROM record WHERE id = ? AND erased = 0"), arguments: [id]),
                    let fields = try decode(document, id: RecordID(id)).fields
                else { return [] }
                return LookupPeople.names(of: fields, encoder: encoder)
            }
            if let last = changes.last { try setMeta(Self.ownCursorKey, String(last["seq"] as Int64), db) }

            let copyChanges = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT seq, record_id FROM match_copy_change ORDER BY seq LIMIT ?"), arguments: [limit])
            let copiesIndexed = try reindex(copyChanges, source: .copy) { id in
                guard let recordID = RecordID(id), let copy = try sharedCopy(recordID, db) else { return [] }
                return LookupPeople.names(ofCopy: copy.values, kind: copy.replica.kind, encoder: encoder)
            }
            if let last = copyChanges.last {
                try db.execute(sql: "DELETE FROM match_copy_change WHERE seq <= ?", arguments: [last["seq"] as Int64])
            }
            return MatchIndexRefresh(
                indexed: ownIndexed + copiesIndexed, removed: removed, restarted: restarted,
                more: changes.count == limit || copyChanges.count == limit)
        }
    }

    /// Match entries with a fuzzy encoding after `id`, in id order: what an in-memory index
    /// has not loaded yet.
    package func matchEntries(after id: Int64, limit: Int) throws -> [(id: Int64, fuzzy: FuzzyEncoding, isAlias: Bool, traits: MatchTraits)] {
        try reading { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT id, alias, fuzzy, traits FROM match_entry WHERE id > ? AND fuzzy IS NOT NULL ORDER BY id LIMIT ?"),
                arguments: [id, limit]
            )
            .compactMap { row in
                let bytes: Data = row["fuzzy"]
                return fuzzyEncoding(bytes).map { (row["id"] as Int64, $0, row["alias"] as Bool, MatchTraits(rawValue: row["traits"])) }
            }
        }
    }

    /// Checks the asker against its limits, finds the records whose people match, and audits
    /// it all, in one transaction: two lookups from one asker cannot both slip under a limit.
    ///
    /// - Parameters:
    ///   - exactKeys: the query's exact keys, each with whether it is an alias's; a hit that
    ///     involves an alias on either side is `possible`, never `match`.
    ///   - fuzzyFindings: entry ids the in-memory index reported, with their reasons and
    ///     scores. Entries removed since are dropped here.
    ///   - peer: the asking peer, audited as `peer:NAME`.
    ///   - detail: what the audit entry says of the query (id, case reference, keys).
    ///
    /// A hit on a copy of a peer's record also queues a `LookupNotice` for its owner, in the
    /// same transaction, which `LookupNoticeService` delivers.
    package func answerLookup(
        exactKeys: [(key: [UInt8], isAlias: Bool)], fuzzyFindings: [Int64: MatchRules.Finding], names: Int, from peer: AuthorityName,
        lookupID: String,
        limits: LookupLimits, justification: String, detail: String, maximumHits: Int, at time: Timestamp
    ) throws -> LookupAdmission {
        let asker = "peer:\(peer)"
        return try transaction { db in
            var audit = try AuditAppender(db)
            let counts = try lookupCounts(actor: asker, at: time, db)
            if let refusal = limits.refusal(lastMinute: counts.lastMinute, lastDay: counts.lastDay, names: names, asker: asker) {
                try audit.append(
                    AuditEvent(time: time, actor: asker, action: .refuse, justification: justification, detail: "\(detail); refused: \(refusal)"), db)
                return .refused(refusal)
            }
            var best: [String: (source: MatchSource, finding: MatchRules.Finding)] = [:]
            func consider(_ row: Row, _ finding: MatchRules.Finding) {
                let id: String = row["record_id"]
                guard let source = MatchSource(rawValue: row["source"]) else { return }
                // An owned record and a copy never share an id; the better band, then score, wins.
                if let current = best[id],
                    (current.finding.reason.band, -current.finding.score) <= (finding.reason.band, -finding.score)
                {
                    return
                }
                best[id] = (source, finding)
            }
            for exact in exactKeys {
                for row in try Row.fetchAll(
                    db.cachedStatement(sql: "SELECT record_id, source, alias FROM match_entry WHERE exact = ?"), arguments: [Data(exact.key)])
                {
                    consider(row, MatchRules.Finding(reason: exact.isAlias || row["alias"] as Bool ? .alias : .sameNameAndDate, score: 1))
                }
            }
            let candidates = fuzzyFindings.keys.sorted()
            for start in stride(from: 0, to: candidates.count, by: 500) {
                let slice = candidates[start..<min(start + 500, candidates.count)]
                let rows = try Row.fetchAll(
                    db, sql: "SELECT id, record_id, source FROM match_entry WHERE id IN (\(slice.map { _ in "?" }.joined(separator: ",")))",
                    arguments: StatementArguments(slice.map { $0 }))
                for row in rows { consider(row, fuzzyFindings[row["id"]]!) }
            }
            var subjects: [LookupSubject] = []
            for (id, found) in best {
                guard let recordID = RecordID(id), let subject = try lookupSubject(recordID, found.source, found.finding, db) else { continue }
                subjects.append(subject)
            }
            subjects.sort { ($0.reason.band, -$0.score, $0.recordID) < ($1.reason.band, -$1.score, $1.recordID) }
            subjects = Array(subjects.prefix(maximumHits))
            let hits = subjects.map { "\($0.recordID) \($0.label.rawValue) \(LookupHit.format($0.score)) \($0.reason.rawValue)" }
            try audit.append(
                AuditEvent(
                    time: time, actor: asker, action: .lookup, justification: justification,
                    detail: "\(detail); \(hits.isEmpty ? "no hit" : "hits: " + hits.joined(separator: ", "))"), db)
            try noteLookupNames(names, by: asker, at: time, db)
            for subject in subjects where subject.source == .copy {
                let notice = LookupNotice(
                    sequence: 1, recordID: subject.recordID, time: time, asker: peer, lookupID: lookupID, label: subject.label, score: subject.score,
                    matchReason: subject.reason, reason: justification)
                try db.cachedStatement(sql: "INSERT INTO lookup_notice(owner, record_id, notice) VALUES (?, ?, ?)")
                    .execute(arguments: [subject.owner.rawValue, subject.recordID.description, JSONWriter.canonical(notice.jsonValue)])
            }
            for subject in subjects {
                try audit.append(
                    AuditEvent(
                        time: time, actor: asker, action: .lookup, recordID: subject.recordID, justification: justification,
                        detail:
                            "\(subject.source == .own ? "record" : "copy of \(subject.owner)'s record") matched a lookup: \(subject.label.rawValue) \(LookupHit.format(subject.score)) \(subject.reason.rawValue)"
                    ),
                    db)
            }
            return .answered(subjects)
        }
    }

    /// Lookups `actor` made (or had answered) in the minute and the day before `time`.
    /// Whether `names` more names from `asker` would be over `limits`: why, or nil. Read
    /// before any matching is done, so a lookup over its limit costs no index work;
    /// `answerLookup` checks again in the transaction that answers.
    package func lookupRefusal(names: Int, from asker: String, limits: LookupLimits, at time: Timestamp) throws -> String? {
        let counts = try lookupCounts(actor: asker, at: time)
        return limits.refusal(lastMinute: counts.lastMinute, lastDay: counts.lastDay, names: names, asker: asker)
    }

    /// Audits a lookup this node's operator made, counts its names against their limits, and
    /// counts what each peer gave back, in one transaction.
    package func recordLookup(_ event: AuditEvent, names: Int, report: LookupReport) throws {
        try transaction { db in
            var audit = try AuditAppender(db)
            try audit.append(event, db)
            try noteLookupNames(names, by: event.actor, at: event.time, db)
            let asked = try db.cachedStatement(
                sql: "INSERT INTO lookup_asked(peer, outcome, asked) VALUES (?, ?, 1) ON CONFLICT (peer, outcome) DO UPDATE SET asked = asked + 1")
            for (peer, result) in report.results {
                try asked.execute(arguments: [peer.rawValue, result.outcome])
            }
        }
    }

    func noteLookupNames(_ names: Int, by actor: String, at time: Timestamp, _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO lookup_names(actor, at, names) VALUES (?, ?, ?)").execute(arguments: [
            actor, time.description, names,
        ])
    }

    package func lookupCounts(actor: String, at time: Timestamp) throws -> (lastMinute: Int, lastDay: Int) {
        try reading { db in try lookupCounts(actor: actor, at: time, db) }
    }

    func lookupCounts(actor: String, at time: Timestamp, _ db: Database) throws -> (lastMinute: Int, lastDay: Int) {
        let statement = try db.cachedStatement(sql: "SELECT COALESCE(SUM(names), 0) FROM lookup_names WHERE actor = ? AND at > ?")
        let minute = Timestamp(millisecondsSinceEpoch: time.millisecondsSinceEpoch - 60_000).description
        let day = Timestamp(millisecondsSinceEpoch: time.millisecondsSinceEpoch - 86_400_000).description
        return (
            try Int.fetchOne(statement, arguments: [actor, minute]) ?? 0,
            try Int.fetchOne(statement, arguments: [actor, day]) ?? 0
        )
    }

    /// Lookups that matched this node's records or copies since `time`, newest first: what
    /// `vve status` and `vve audit list --lookups` show the owner.
    package func lookupHits(since time: Timestamp, limit: Int = 1000) throws -> [AuditEntry] {
        try reading { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM audit_log WHERE action = 'lookup' AND record_id IS NOT NULL AND at >= ? ORDER BY seq DESC LIMIT ?",
                arguments: [time.description, limit]
            ).map { try auditEntry($0) }
        }
    }

    /// Notices not yet delivered, oldest first, by owner: at most `limit` per owner.
    package func undeliveredLookupNotices(limit: Int = LookupNotice.maximumPerRequest) throws -> [(owner: AuthorityName, notices: [LookupNotice])] {
        try reading { db in
            let owners = try String.fetchAll(db, sql: "SELECT DISTINCT owner FROM lookup_notice WHERE delivered_at IS NULL ORDER BY owner")
            return try owners.compactMap { name in
                guard let owner = AuthorityName(name) else { return nil }
                let rows = try Row.fetchAll(
                    db, sql: "SELECT seq, notice FROM lookup_notice WHERE owner = ? AND delivered_at IS NULL ORDER BY seq LIMIT ?",
                    arguments: [name, limit])
                let notices = try rows.map { row -> LookupNotice in
                    var notice = try LookupNotice.readAll(["notices": .array([try JSONParser.parse(row["notice"] as String)])])[0]
                    notice.sequence = row["seq"]
                    return notice
                }
                return (owner, notices)
            }
        }
    }

    /// Marks notices as delivered: their owner has audited them.
    package func markLookupNoticesDelivered(_ sequences: [Int64], at time: Timestamp) throws {
        try transaction { db in
            let statement = try db.cachedStatement(sql: "UPDATE lookup_notice SET delivered_at = ? WHERE seq = ?")
            for sequence in sequences { try statement.execute(arguments: [time.description, sequence]) }
        }
    }

    /// Audits a holder's notices about this node's records, each once: notices at or below
    /// the last sequence taken from the holder are skipped (a retry after a lost answer). A
    /// notice is taken only about a live record of this node's that `holder` holds a copy of:
    /// any peer could otherwise write lookup entries into a record's audit trail, and learn
    /// from what was taken whether an id exists. The others are refused together, in one
    /// audited refusal that counts them. Returns how many were audited.
    package func receiveLookupNotices(_ notices: [LookupNotice], from holder: AuthorityName, at time: Timestamp) throws -> Int {
        try transaction { db in
            var last = try Int64.fetchOne(db, sql: "SELECT last_sequence FROM lookup_notice_cursor WHERE peer = ?", arguments: [holder.rawValue]) ?? 0
            var audit = try AuditAppender(db)
            var audited = 0
            var refused = 0
            for notice in notices.sorted(by: { $0.sequence < $1.sequence }) where notice.sequence > last {
                last = notice.sequence
                let held =
                    try Bool.fetchOne(
                        db,
                        sql: """
                            SELECT 1 FROM record JOIN holder ON holder.record_id = record.id AND holder.peer = ?
                                WHERE record.id = ? AND record.erased = 0 AND record.owner = ?
                            """,
                        arguments: [holder.rawValue, notice.recordID.description, node.rawValue]) ?? false
                guard held else {
                    refused += 1
                    continue
                }
                try audit.append(
                    AuditEvent(
                        time: time, actor: "peer:\(holder)", action: .lookup, recordID: notice.recordID, justification: notice.reason,
                        detail:
                            "\(holder)'s copy matched lookup \(notice.lookupID) by \(notice.asker) at \(notice.time): \(notice.label.rawValue) \(LookupHit.format(notice.score))"
                            + (notice.matchReason.map { " \($0.rawValue)" } ?? "")
                    ),
                    db)
                audited += 1
            }
            if refused > 0 {
                try audit.append(
                    AuditEvent(
                        time: time, actor: "peer:\(holder)", action: .refuse,
                        detail:
                            "\(refused) lookup notices from \(holder) refused: they name no live record of this node's that \(holder) holds a copy of"
                    ), db)
            }
            try db.execute(
                sql:
                    "INSERT INTO lookup_notice_cursor(peer, last_sequence) VALUES (?, ?) ON CONFLICT(peer) DO UPDATE SET last_sequence = excluded.last_sequence",
                arguments: [holder.rawValue, last])
            return audited
        }
    }

    private func lookupSubject(_ id: RecordID, _ source: MatchSource, _ finding: MatchRules.Finding, _ db: Database) throws -> LookupSubject? {
        let label: MatchLabel = finding.reason == .sameNameAndDate ? .match : .possible
        let score = finding.score
        let reason = finding.reason
        switch source {
        case .own:
            guard
                let document = try String.fetchOne(
                    db.cachedStatement(sql: "SELECT document FROM record WHERE id = ? AND erased = 0"), arguments: [id.description])
            else { return nil }
            let record = try decode(document, id: id)
            guard let fields = record.fields else { return nil }
            return LookupSubject(
                recordID: id, kind: record.kind, owner: record.owner, source: .own, label: label, score: score, reason: reason, status: record.status,
                riskLevel: fields.riskLevel, contact: contact(of: fields), fields: fields)
        case .copy:
            guard
                let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT kind, owner FROM shared_copy WHERE id = ?"), arguments: [id.description]),
                let kind = RecordKind(rawValue: row["kind"]), let owner = AuthorityName(row["owner"] as String)
            else { return nil }
            return LookupSubject(recordID: id, kind: kind, owner: owner, source: .copy, label: label, score: score, reason: reason)
        }
    }

    /// Whom to call about a record of this node's: its SPOC on this node's side.
    private func contact(of fields: RecordFields) -> Contact? {
        switch fields {
        case .relocation(let relocation):
            relocation.originatingAuthority == node ? relocation.originatingSpoc : relocation.receivingSpoc ?? relocation.originatingSpoc
        case .sharedPerpetrator(let perpetrator): perpetrator.policeContact
        case .countyLinesLink, .missingEpisode: nil
        }
    }

    func meta(_ key: String, _ db: Database) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM node_meta WHERE key = ?"), arguments: [key])
    }

    private func setMeta(_ key: String, _ value: String, _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO node_meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
            .execute(arguments: [key, value])
    }
}

/// The 256 bytes of an encoding, big-endian words, as stored.
func fuzzyBytes(_ encoding: FuzzyEncoding) -> [UInt8] {
    encoding.words.flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> (56 - 8 * $0)) } }
}

func fuzzyEncoding(_ data: Data) -> FuzzyEncoding? {
    guard data.count == FuzzyEncoding.encodedBits / 8 else { return nil }
    let bytes = [UInt8](data)
    return FuzzyEncoding(
        words: (0..<(FuzzyEncoding.encodedBits / 64)).map { index in
            bytes[(index * 8)..<(index * 8 + 8)].reduce(0) { $0 << 8 | UInt64($1) }
        })
}
