import GRDB
import VVECore

extension Schema {
    /// Rewrites every stored copy, and every copy set aside, that holds a person's fuzzy
    /// encoding, without it (`SharedPersonKey.droppingFuzzyEncodings`). Stored copies are
    /// canonical JSON, so each is written back as `SharedCopy.storedBytes` would write it.
    static func dropFuzzyEncodings(_ db: Database) throws {
        let copies = try Row.fetchAll(db, sql: #"SELECT id, copy FROM shared_copy WHERE instr(copy, '"fuzzy":') > 0"#)
        for row in copies {
            let text: String = row["copy"]
            guard let document = try? JSONParser.parse(Array(text.utf8)) else { continue }
            let dropped = SharedPersonKey.droppingFuzzyEncodings(from: document)
            guard dropped != document else { continue }
            try db.execute(
                sql: "UPDATE shared_copy SET copy = ? WHERE id = ?",
                arguments: [String(decoding: JSONWriter.canonicalBytes(dropped), as: UTF8.self), row["id"] as String])
        }
        // A set-aside item is kept as it arrived, to be retried: `{"copy": DOCUMENT}` or a
        // write, which holds no person's keys.
        let items = try Row.fetchAll(db, sql: #"SELECT seq, item FROM set_aside WHERE instr(item, '"fuzzy":') > 0"#)
        for row in items {
            let text: String = row["item"]
            guard case .object(var item)? = try? JSONParser.parse(Array(text.utf8)), let copy = item["copy"] else { continue }
            let dropped = SharedPersonKey.droppingFuzzyEncodings(from: copy)
            guard dropped != copy else { continue }
            item["copy"] = dropped
            try db.execute(
                sql: "UPDATE set_aside SET item = ? WHERE seq = ?",
                arguments: [String(decoding: JSONWriter.canonicalBytes(.object(item)), as: UTF8.self), row["seq"] as Int64])
        }
    }
}
