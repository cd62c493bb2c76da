import Foundation
import GRDB
import Testing

/// A crash in the middle of a write must leave a consistent store.
@Suite struct DurabilityTests {
    @Test func killingAnImportMidwayLeavesAConsistentStore() throws {
        let node = try TestNode()
        let earlier = try VVE.run(["generate", "--count", "40", "--seed", "1"]).stdout
        #expect(try node.run(["record", "import", try node.write("earlier.ndjson", Data(earlier.utf8))]).status == 0)
        let large = try VVE.run(["generate", "--count", "8000", "--seed", "2"]).stdout
        let file = try node.write("large.ndjson", Data(large.utf8))

        let running = try VVE.start(["record", "import", file], in: node.directory, environment: ["VVE_OPERATOR": TestNode.operatorName])
        // The import validates every line first, then writes. Once the write-ahead log has grown,
        // the transaction is under way: kill it there.
        let wal = node.database + "-wal"
        let deadline = Date().addingTimeInterval(120)
        var walBytes = 0
        while running.process.isRunning, Date() < deadline {
            walBytes = (try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int) ?? 0
            if walBytes > 512 * 1024 { break }
            usleep(2_000)
        }
        kill(running.process.processIdentifier, SIGKILL)
        running.process.waitUntilExit()
        _ = running.result()
        #expect(running.process.terminationReason == .uncaughtSignal, "the import finished before it could be killed")
        #expect(walBytes > 512 * 1024, "the import was killed before it started writing")

        // SQLite recovers the hot write-ahead log on the next open.
        let queue = try DatabaseQueue(path: node.database)
        let integrity = try queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        let counts = try queue.read { db in
            try ["record", "change_log", "audit_log"].map { try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \($0)")! }
        }
        try queue.close()
        #expect(integrity == ["ok"])
        #expect(counts == [40, 40, 40] || counts == [8040, 8040, 8040], "all or nothing, got \(counts)")

        let verify = try node.run(["audit", "verify"])
        #expect(verify.status == 0, "\(verify.stderr)")
        // Listing decodes every stored document: a half-written record would fail here.
        let listed = try node.run(["record", "list", "--json"])
        #expect(listed.status == 0, "\(listed.stderr)")
        let records = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(records.count == counts[0])
        #expect(records.allSatisfy { $0["fields"] is [String: Any] && $0["version"] as? [String: Int] == ["camden": 1] })

        // The store stays usable: the same import now succeeds.
        let retried = try node.run(["record", "import", file])
        #expect(retried.status == 0, "\(retried.stderr)")
        #expect(try node.run(["audit", "verify"]).status == 0)
    }
}
