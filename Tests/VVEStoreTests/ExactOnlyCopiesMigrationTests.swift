import Foundation
import GRDB
import Testing
import VVECore
import VVETestSupport

@testable import VVEStore

/// A store holding copies from before copies carried each person's exact key alone: opening
/// it with this vve leaves no fuzzy encoding in a copy, in an item set aside, or in the match
/// index, and the index is built again with the exact key only.
@Suite struct ExactOnlyCopiesMigrationTests {
    let haringey = AuthorityName("haringey")!
    let encoder = MatchKeyEncoder(key: LinkageKey(bytes: Array(repeating: 7, count: 32))!)

    @Test func openingAnOlderStoreDropsEveryFuzzyEncodingAndRebuildsTheIndex() throws {
        let folder = TemporaryDirectory()
        let path = folder.file("haringey.sqlite")

        // camden's relocation as haringey holds it today, and the same copy as an older vve
        // stored it, with the person's fuzzy encoding beside the exact key.
        let camdenStore = try CaseStore.inMemory(node: camden)
        var draft = drafts(1, kind: .relocation)[0]
        guard case .relocation(var fields) = draft.fields else { throw Failure() }
        fields.receivingAuthority = haringey
        draft.fields = .relocation(fields)
        let record = try camdenStore.add(draft, context: context())
        let policy = SharingPolicy(
            share: [.relocation: KindGrant(audience: [.receivingAuthority], groups: ["placement"])], reviewDays: 90, accept: [:], lookups: true,
            aggregates: false)
        let document = try #require(
            PolicyProjection.project(
                record, replica: try camdenStore.replica(id: record.id), to: haringey, role: .borough, policy: policy, encoder: encoder, today: today
            ).document)
        let current = try IncomingCopy.receive(document).storedBytes
        let keys = encoder.keys(for: fields.youngPerson)
        let exact = try #require(keys.exact)
        var stored = try #require(try JSONParser.parse(current).objectValue)
        var storedFields = try #require(stored["fields"]?.objectValue)
        storedFields["youngPerson"] = ["matchKeys": keys.jsonValue]
        stored["fields"] = .object(storedFields)
        let older = String(decoding: JSONWriter.canonicalBytes(.object(stored)), as: UTF8.self)
        #expect(older.contains(#""fuzzy":""#))

        // The store as the previous migrations left it, holding the older copy, the same copy
        // set aside, and the index entry an older vve made of it.
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(queue, upTo: "2026-12-audit-anchors")
        try queue.write { db in
            try db.execute(sql: "INSERT INTO node_meta(key, value) VALUES ('node.name', 'haringey')")
            try db.execute(
                sql: "INSERT INTO shared_copy(id, kind, owner, review_date, copy, received_at) VALUES (?, 'relocation', 'camden', ?, ?, ?)",
                arguments: [record.id.description, record.reviewDate.description, older, record.updatedAt.description])
            try db.execute(
                sql: "INSERT INTO set_aside(peer, record_id, item, reason, refused_by, policy, at) VALUES ('camden', ?, ?, 'test', 'v0', 'p', ?)",
                arguments: [record.id.description, #"{"copy":"# + older + "}", record.updatedAt.description])
            try db.execute(
                sql: "INSERT INTO match_entry(record_id, source, alias, exact, fuzzy) VALUES (?, 'copy', 0, ?, ?)",
                arguments: [record.id.description, Data(exact), Data(fuzzyBytes(keys.fuzzy))])
            try db.execute(sql: "INSERT INTO node_meta(key, value) VALUES ('match-index.key', ?)", arguments: [encoder.key.tag])
            try db.execute(sql: "DELETE FROM match_copy_change")
        }
        try queue.close()

        let store = try CaseStore.open(at: path)
        let (copyText, itemText, entries) = try store.reading { db in
            (
                try String.fetchOne(db, sql: "SELECT copy FROM shared_copy") ?? "",
                try String.fetchOne(db, sql: "SELECT item FROM set_aside") ?? "",
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM match_entry") ?? -1
            )
        }
        #expect(copyText == String(decoding: current, as: UTF8.self))
        #expect(!itemText.contains("fuzzy") && itemText.contains(Hex.encode(exact)))
        #expect(entries == 0)

        // The index starts over: the copy's person by exact key alone.
        let refresh = try store.refreshMatchEntries(encoder: encoder)
        #expect(refresh.restarted && refresh.indexed == 1)
        let rows = try store.reading { db in
            try Row.fetchAll(db, sql: "SELECT source, exact, fuzzy FROM match_entry ORDER BY source")
        }
        #expect(rows.count == 1)
        #expect(rows.first?["source"] == "copy")
        #expect((rows.first?["exact"] as Data?).map([UInt8].init) == exact)
        #expect(rows.first?["fuzzy"] as Data? == nil)
        #expect(try store.matchEntries(after: 0, limit: 10).isEmpty)
    }

    struct Failure: Error {}
}
