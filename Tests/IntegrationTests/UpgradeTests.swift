import Foundation
import Testing
import VVECore
import VVEStore

/// A node of this version picks up where a node of protocol version 1 left off, from fixtures
/// that version made (`Tools/make-upgrade-fixtures.sh`, committed once and never remade):
/// its store opens and migrates with its audit chain whole, it serves a new peer, and the
/// exchanges captured on that version's wire still read.
@Suite struct UpgradeTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/protocol-1").path

    @Test func aVersion1StoreOpensKeepsItsAuditChainAndServesANewPeer() throws {
        let region = try TestRegion()
        let camden = try region.node("camden")
        let enfield = try region.node("enfield")
        try check(VVE.run(["linkage-key", "create", camden.directory + "/Certificates/linkage.key"]))
        try FileManager.default.copyItem(
            atPath: camden.directory + "/Certificates/linkage.key", toPath: enfield.directory + "/Certificates/linkage.key")
        // camden's store as version 1 wrote it, in place of the new one.
        let store = camden.directory + "/vve.sqlite"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: store + suffix) }
        try FileManager.default.copyItem(atPath: Self.fixtures + "/camden.sqlite", toPath: store)
        chmod(store, 0o600)

        let verified = try check(camden.run(["audit", "verify"])).stdout
        let entries = try #require(verified.firstMatch(of: /Audit chain intact: (\d+) entries/)?.1).description
        #expect(Int(entries)! >= 62)
        let listed = try check(camden.run(["record", "list", "--json"])).stdout
        let records = try #require(try JSONParser.parse(Array(listed.utf8)).arrayValue)
        #expect(records.count == 48)
        let kinds = Set(records.compactMap { $0["kind"]?.stringValue })
        #expect(kinds == ["relocation", "county-lines-link", "shared-perpetrator", "missing-episode"])
        #expect(try check(camden.run(["copy", "list", "--json"])).stdout.components(separatedBy: "\"owner\"").count - 1 == 12)

        // It serves a peer it never knew: every relocation and line it shares reaches enfield.
        try camden.pin(enfield, port: 1)
        try camden.setPolicy(
            for: "enfield",
            """
            share:
              review-days: 90
              relocation:
                audience: [all]
                groups: [placement, status]
              county-lines-link:
                audience: [all]
                groups: [line, areas, status]
            lookups: no
            aggregates: no

            """)
        let server = try camden.serve(["--no-pull"])
        defer { _ = server.stop() }
        try enfield.pin(camden, port: server.port)
        try check(enfield.run(["sync", "--peer", "camden", "--once"]))
        let copies = try check(enfield.run(["copy", "list", "--json"])).stdout
        #expect(copies.components(separatedBy: "\"owner\"").count - 1 == 24)
        #expect(try check(camden.run(["audit", "verify"])).status == 0)
    }

    @Test func theExchangesOfVersion1StillRead() async throws {
        // The change feed's answer as version 1 sent it: read whole, and applied by a node of
        // this version to a store it has never seen.
        let changes = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: Self.fixtures + "/changes.json"))))
        let batch = try IncomingBatch.read(try #require(changes.objectValue), since: 0)
        #expect(batch.items.count == 24 && !batch.hasMore && batch.cursor == 48)
        let haringey = try CaseStore.inMemory(node: AuthorityName("haringey")!)
        let policy = SharingPolicy(
            share: [:], reviewDays: nil, accept: [:], lookups: false, aggregates: false)
        let time = try #require(Timestamp("2026-12-06T13:00:00.000Z"))
        let pulled = try await haringey.applyPulled(batch, from: AuthorityName("camden")!, policy: policy, at: time)
        guard case .applied(let outcome) = pulled else { throw TestFailure("the batch was not applied: \(pulled)") }
        #expect(outcome.applied == 24 && outcome.setAside == 0, "\(outcome)")
        // haringey's store of that version, holding camden's copies, opens and counts them.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vve-upgrade-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.copyItem(atPath: Self.fixtures + "/haringey.sqlite", toPath: folder + "/vve.sqlite")
        chmod(folder + "/vve.sqlite", 0o600)
        let counts = try CaseStore.open(at: folder + "/vve.sqlite").counts(today: time.calendarDate)
        #expect(counts.records == 24 && counts.copies == 24, "\(counts)")
        // whoami, as `vve peer check` reads it.
        let whoami = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: Self.fixtures + "/whoami.json"))))
        #expect(whoami["peer"] == "haringey" && whoami["node"] == "camden" && whoami["needs-linkage-key"] == .bool(false))
    }
}
