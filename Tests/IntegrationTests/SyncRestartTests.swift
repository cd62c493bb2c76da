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
        try check(VVE.run(["linkage-key", "create", camden.directory + "/Certificates/linkage.key"]))
        try camden.pin(haringey, port: 1)
        try camden.setPolicy(for: "haringey", Self.policy)
        let generated = try check(VVE.run(["generate", "--kind", "relocation", "--count", "6000", "--seed", "7"]))
        try check(VVE.run(["record", "import", "-", "--dir", camden.directory], environment: ["VVE_OPERATOR": "a.admin"], stdin: Data(generated.stdout.utf8)))
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
