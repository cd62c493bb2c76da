import Foundation
import GRDB
import VVECore

extension CaseStore {
    /// The exact match keys of the people of every live record this node owns, under
    /// `encoder`, inside the caller's transaction. From the match index when it is current
    /// with the change log and built under the same key, since its keys were computed when the
    /// records were written; else from the records, which is slower and gives the same keys.
    func ownExactKeys(encoder: MatchKeyEncoder, _ db: Database) throws -> OwnExactKeys {
        let indexed = try meta(Self.keyTagKey, db) == Self.indexTag(encoder)
        let cursor = try meta(Self.ownCursorKey, db).flatMap { Int64($0) } ?? 0
        let newest = try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM change_log") ?? 0
        if indexed, cursor == newest {
            // One entry without `alias` for each person with a name (its exact key NULL without
            // a full name and date of birth); a person without a name has none, so the people
            // not counted are all those mentioned less those with a key.
            let keys = try Data.fetchAll(
                db.cachedStatement(sql: "SELECT exact FROM match_entry WHERE source = 'own' AND alias = 0 AND exact IS NOT NULL")
            ).map { [UInt8]($0) }
            let mentioned =
                try Int.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT (SELECT COUNT(*) FROM record
                                    WHERE owner = :node AND erased = 0 AND kind IN ('relocation', 'shared-perpetrator', 'missing-episode'))
                                + (SELECT COALESCE(SUM(json_array_length(document, '$.fields.linkedPeople')), 0) FROM record
                                    WHERE owner = :node AND erased = 0 AND kind = 'county-lines-link')
                            """), arguments: ["node": node.rawValue]) ?? 0
            return OwnExactKeys(keys: keys, uncounted: max(0, mentioned - keys.count), source: .matchIndex)
        }
        // The documents were checked when stored: SQLite picks out each person's JSON, many
        // times less to parse than whole records.
        let people = try String.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT json_extract(document, '$.fields.youngPerson') FROM record
                        WHERE owner = :node AND erased = 0 AND kind = 'relocation'
                    UNION ALL SELECT json_extract(document, '$.fields.person') FROM record
                        WHERE owner = :node AND erased = 0 AND kind IN ('shared-perpetrator', 'missing-episode')
                    UNION ALL SELECT json_extract(linked.value, '$.person') FROM record, json_each(record.document, '$.fields.linkedPeople') AS linked
                        WHERE owner = :node AND erased = 0 AND kind = 'county-lines-link'
                    """), arguments: ["node": node.rawValue]
        ).compactMap { text -> Person? in
            var issues = IssueCollector()
            return (try? JSONParser.parse(Array(text.utf8))).flatMap { Person.read(from: $0, at: .root, issues: &issues) }
        }
        let keys = people.compactMap(encoder.exactKey(for:))
        return OwnExactKeys(keys: keys, uncounted: people.count - keys.count, source: .documents)
    }

    /// `ownExactKeys` in a transaction of its own: what a token answer would be made from.
    package func ownExactKeys(encoder: MatchKeyEncoder) throws -> OwnExactKeys {
        try transaction { db in try ownExactKeys(encoder: encoder, db) }
    }
}
