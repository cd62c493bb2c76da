import Foundation
import GRDB
import Testing

/// A node killed with SIGKILL in the middle of a large initial sync loses nothing and applies
/// nothing twice when it starts again.
@Suite struct SyncRestartTests {
    static let policy = """
        share:
          review-days: 90
          relocation:
            audience: [all]
            groups: [placement, status]
        lookups: no
        aggregates: no

        """

    func readOnly<T>(_ node: RegionNode, _ body: (Database) throws -> T) throws -> T {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        let queue = try DatabaseQueue(path: node.directory + "/vve.sqlite", configuration: configuration)
        defer { try? queue.close() }
        return try queue.read(body)
    }

    @Test func sigkillDuringALargeSyncThenRestartLosesNothingAndDuplicatesNothing() throws {
        let region = try TestRegion()
        let camden = try region.node("camden")
        let haringey = try region.node("haringey")
        try camden.createLinkageKey()
        try camden.pin(haringey, port: 1)
        try camden.setPolicy(for: "haringey", Self.policy)
        let generated = try check(VVE.run(["generate", "--kind", "relocation", "--count", "6000", "--seed", "7"]))
        try check(
            VVE.run(
                ["record", "import", "-", "--dir", camden.directory], environment: ["VVE_OPERATOR": "a.admin"], stdin: Data(generated.stdout.utf8)))
        let owned = try readOnly(camden) { db in try Set(String.fetchAll(db, sql: "SELECT id FROM record")) }
        #expect(owned.count == 6000)

        let server = try camden.serve()
        try haringey.pin(camden, port: server.port)
        // haringey pulls in small batches, and is killed once some but not all have landed.
        var puller = try haringey.serve(["--long-poll", "2"])
        var landed = 0
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            landed = try readOnly(haringey) { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM shared_copy") ?? 0 }
            if landed > 0 { break }
            Thread.sleep(forTimeInterval: 0.005)
        }
        puller.signal(SIGKILL)
        _ = puller.stop()
        let atKill = try readOnly(haringey) { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM shared_copy") ?? 0 }
        #expect(atKill > 0 && atKill < 6000, "the kill should land mid-sync; \(atKill) copies had landed")
        // What landed is exactly what the committed cursor covers: batches are whole.
        let cursor = try readOnly(haringey) { db in try Int64.fetchOne(db, sql: "SELECT cursor FROM peer_cursor WHERE peer = 'camden'") ?? 0 }
        #expect(Int64(atKill) == cursor)

        puller = try haringey.serve(["--long-poll", "2"])
        var held: [String] = []
        let again = Date().addingTimeInterval(120)
        while Date() < again {
            held = try readOnly(haringey) { db in try String.fetchAll(db, sql: "SELECT id FROM shared_copy") }
            if held.count == 6000 { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(Set(held) == owned)
        // Each copy was received once: one `create` audit entry per record, no more.
        let received = try readOnly(haringey) { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_log WHERE action = 'create' AND detail LIKE 'shared copy received:%'") ?? 0
        }
        #expect(received == 6000)
        #expect(try check(haringey.run(["audit", "verify"])).stdout.hasPrefix("Audit chain intact"))
        #expect(puller.stop().status == 0)
        #expect(server.stop().status == 0)
    }
}

/// A node killed with SIGKILL while it builds its match index keeps an index exactly as far
/// as its cursor says, and finishes it when it starts again.
@Suite struct MatchIndexRestartTests {
    @Test func sigkillWhileIndexingLeavesTheIndexAtItsCursorAndARestartFinishesIt() throws {
        let region = try TestRegion()
        let camden = try region.node("camden")
        let police = try region.node("met-police")
        try camden.createLinkageKey()
        try camden.pin(police, port: 1, role: "police")
        try camden.setPolicy(for: "met-police", "lookups: yes\naggregates: no\n")
        try camden.appendSetting("lookup-contact: Camden MASH duty desk, 020 7946 0000")
        let generated = try check(VVE.run(["generate", "--kind", "relocation", "--count", "12000", "--seed", "9"]))
        try check(
            VVE.run(
                ["record", "import", "-", "--dir", camden.directory], environment: ["VVE_OPERATOR": "a.admin"], stdin: Data(generated.stdout.utf8)))
        let restart = SyncRestartTests()
        // Each record was logged once, as change number 1 to 12,000: the records indexed must
        // be exactly those up to the cursor, each with all of its names.
        func state() throws -> (cursor: Int, records: Int, entries: Int, covered: Int) {
            try restart.readOnly(camden) { db in
                let cursor = Int(try String.fetchOne(db, sql: "SELECT value FROM node_meta WHERE key = 'match-index.own-cursor'") ?? "0") ?? 0
                let records = try Int.fetchOne(db, sql: "SELECT count(DISTINCT record_id) FROM match_entry") ?? 0
                let entries = try Int.fetchOne(db, sql: "SELECT count(*) FROM match_entry") ?? 0
                let covered =
                    try Int.fetchOne(
                        db,
                        sql: "SELECT count(DISTINCT e.record_id) FROM match_entry e JOIN change_log c ON c.record_id = e.record_id WHERE c.seq <= ?",
                        arguments: [cursor]) ?? 0
                return (cursor, records, entries, covered)
            }
        }

        var server = try camden.serve()
        var atKill = (cursor: 0, records: 0, entries: 0, covered: 0)
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            atKill = try state()
            if atKill.cursor > 0 { break }
            Thread.sleep(forTimeInterval: 0.005)
        }
        server.signal(SIGKILL)
        _ = server.stop()
        atKill = try state()
        #expect(atKill.cursor > 0 && atKill.cursor < 12000, "the kill should land mid-index; the cursor was \(atKill.cursor)")
        #expect(atKill.records == atKill.cursor && atKill.covered == atKill.cursor)
        #expect(try restart.readOnly(camden) { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") } == "ok")

        server = try camden.serve()
        var finished = atKill
        let again = Date().addingTimeInterval(120)
        while Date() < again {
            finished = try state()
            if finished.cursor == 12000 { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(finished.cursor == 12000 && finished.records == 12000)
        // Every name once: the entries equal a rebuild's, which a new linkage key would force;
        // here, each record's names counted from the records themselves.
        let names = try restart.readOnly(camden) { db in
            try String.fetchAll(db, sql: "SELECT document FROM record").reduce(0) { total, document in
                let object = try JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any]
                let person = (object?["fields"] as? [String: Any])?["youngPerson"] as? [String: Any] ?? [:]
                let fullDate = (person["dateOfBirth"] as? String)?.count == 10
                let hasName = person["surname"] != nil || person["forenames"] != nil
                let aliases = (person["aliases"] as? [Any])?.count ?? 0
                return total + (hasName ? 1 : 0) + (fullDate || !hasName ? aliases : 0)
            }
        }
        #expect(finished.entries == names)
        #expect(server.stop().status == 0)
    }
}
