import Foundation
import GRDB
import Testing

/// What a running `vve serve` does on its own: take a peer file edited under it, and sweep
/// overdue records and copies when it starts and at each interval.
@Suite struct LiveServeTests {
    /// camden shares relocations with haringey; both serve and pull from each other.
    func region() throws -> (TestRegion, RegionNode, RegionNode, [String]) {
        let region = try TestRegion()
        let (camden, haringey) = try region.camdenSharingWithHaringey()
        try haringey.createLinkageKey()
        return (region, camden, haringey, try camden.addRelocations(people: ["Tia", "Dami"]))
    }

    @Test func aPolicyEditedWhileServingWithdrawsWhatItNoLongerGrants() throws {
        let (region, camden, haringey, records) = try region()
        defer { withExtendedLifetime(region) {} }
        let owner = try camden.serve()
        try haringey.pin(camden, port: owner.port)
        let holder = try haringey.serve()
        try eventually("haringey holds both copies") { try haringey.sharedCopyIDs() == records.sorted() }

        // The agreement ends: the admin takes the relocation grant out of camden's file for
        // haringey, and camden, still serving, withdraws both copies from haringey.
        let file = camden.directory + "/Peers/haringey.yaml"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let narrowed = text.replacingOccurrences(of: SyncTests.policy, with: "lookups: no\naggregates: no\n")
        #expect(narrowed != text)
        try narrowed.write(toFile: file, atomically: true, encoding: .utf8)
        try eventually("haringey holds no copy") { try haringey.sharedCopyIDs().isEmpty }
        let erasures = try check(haringey.run(["audit", "list", "--action", "erase"])).stdout
        #expect(erasures.contains("shared copy deleted: withdrawn by its owner: this node is no longer in its audience"), "\(erasures)")
        _ = holder.stop()
        _ = owner.stop()
    }

    @Test func aHoldersServeDeletesAnOverdueCopyWhenItStarts() throws {
        let (region, camden, haringey, records) = try region()
        defer { withExtendedLifetime(region) {} }
        let owner = try camden.serve()
        try haringey.pin(camden, port: owner.port)
        try check(haringey.run(["sync", "--peer", "camden", "--once"]))
        // Review dates cannot be set in the past: age haringey's copy of the first record in
        // its store, 40 days overdue against the 30-day grace period.
        let past = TestDates.day(-40)
        try haringey.tamper([
            (
                "UPDATE shared_copy SET review_date = ?1, copy = json_set(copy, '$.reviewDate', ?1) WHERE id = ?2",
                [past, records[0]]
            )
        ])
        let holder = try haringey.serve()
        try eventually("haringey's sweep deleted the overdue copy") { try haringey.sharedCopyIDs() == [records[1]] }
        let erased = try #require(
            try JSONSerialization.jsonObject(with: Data(check(haringey.run(["audit", "list", "--action", "erase", "--json"])).stdout.utf8))
                as? [[String: Any]])
        #expect(erased.count == 1)
        #expect(erased.first?["actor"] as? String == "retention" && erased.first?["recordId"] as? String == records[0])
        #expect(erased.first?["detail"] as? String == "shared copy deleted: review overdue (due \(past), grace 30 days)")
        _ = holder.stop()
        _ = owner.stop()
    }

    /// The sweep runs at start and again at every interval (`--retention-interval`, an hour
    /// by default): a record overdue at start is erased at once, and one that falls overdue
    /// while the server runs at the next pass.
    @Test func anOwnersServeErasesAtStartAndAgainAtEachInterval() throws {
        let (region, camden, _, records) = try region()
        defer { withExtendedLifetime(region) {} }
        // Review dates cannot be set in the past: age camden's own records in its store.
        func age(_ id: String) throws {
            try camden.tamper([
                ("UPDATE record SET review_date = ?1, document = json_set(document, '$.reviewDate', ?1) WHERE id = ?2", [TestDates.day(-40), id])
            ])
        }
        func live() throws -> [String] {
            let listed = try JSONSerialization.jsonObject(with: Data(check(camden.run(["record", "list", "--json"])).stdout.utf8))
            return (listed as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }.sorted()
        }
        try age(records[1])
        // Without pulls, the sweep needs no peer's clock.
        let server = try camden.serve(["--no-pull", "--retention-interval", "1"])
        defer { _ = server.stop() }
        try eventually("the sweep at start erased the record overdue then") { try live() == [records[0]] }
        try age(records[0])
        try eventually("a later sweep erased the record overdue since") { try live().isEmpty }
        let erased =
            try JSONSerialization.jsonObject(
                with: Data(check(camden.run(["audit", "list", "--action", "erase", "--json"])).stdout.utf8)) as? [[String: Any]]
        #expect(erased?.compactMap { $0["recordId"] as? String } == [records[1], records[0]])
    }

    /// A port another process holds is named, with the setting and the flag that move it.
    @Test func aTakenPortIsNamedWithTheSettingAndTheFlagToChangeIt() throws {
        let (region, camden, haringey, _) = try region()
        defer { withExtendedLifetime(region) {} }
        let server = try camden.serve()
        defer { _ = server.stop() }
        let taken = try haringey.run(["serve", "--listen", "127.0.0.1:\(server.port)"])
        #expect(taken.status == 78)
        #expect(
            taken.stderr.hasSuffix(
                "vve: error: cannot listen on 127.0.0.1:\(server.port): another vve serve or another program already listens there; stop it, or choose another address with `listen:` in \(haringey.directory)/node.yaml or `vve serve --listen HOST:PORT`\n"
            ), "\(taken.stderr)")
    }
}
