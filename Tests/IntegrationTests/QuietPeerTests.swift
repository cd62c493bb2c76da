import Foundation
import Testing

/// A peer that shares nothing with a node says so, and is asked again only hourly or when
/// the node's peer file for it changes: `vve status` shows it as "nothing to pull", not as an
/// error. Real `vve serve` processes over mutual TLS.
@Suite(.serialized) struct QuietPeerTests {
    @Test func aPeerThatSharesNothingIsNothingToPullUntilThePeerFileChanges() throws {
        let region = try TestRegion()
        defer { withExtendedLifetime(region) {} }
        let camden = try region.node("camden")
        let haringey = try region.node("haringey")
        try camden.createLinkageKey()
        try camden.pin(haringey, port: 1)
        _ = try camden.addRelocations(people: ["Tia"])
        let owner = try camden.serve()
        try haringey.pin(camden, port: owner.port)
        // camden shares nothing with haringey yet, and has the key: the answer says so first.
        #expect(
            try check(haringey.run(["sync", "--peer", "camden", "--once"])).stdout == "camden shares nothing with this node: nothing to pull.\n")
        let puller = try haringey.serve()
        defer { withExtendedLifetime(puller) {} }
        let row = { () throws -> String in
            try check(haringey.run(["status"])).stdout.split(separator: "\n").first { $0.hasPrefix("camden") }.map(String.init) ?? ""
        }
        #expect(try eventually("haringey sees nothing to pull") { try row().contains("nothing to pull") })
        let quiet = try row()
        #expect(quiet.hasSuffix(" -"), "not an error: \(quiet)")
        let status = try JSONSerialization.jsonObject(with: Data(check(haringey.run(["status", "--json"])).stdout.utf8)) as? [String: Any]
        let peer = (status?["peers"] as? [[String: Any]])?.first
        #expect((peer?["nothingSharedAt"] as? String)?.hasPrefix("20") == true && peer?["lastError"] is NSNull, "\(String(describing: peer))")

        // camden starts sharing; haringey, told there was nothing, does not ask again for an hour.
        try camden.setPolicy(for: "haringey", SyncTests.policy)
        Thread.sleep(forTimeInterval: 3)
        #expect(try row().contains("nothing to pull"))
        #expect(try SyncTests().sharedCopies(haringey).isEmpty)

        // A change to haringey's own peer file for camden asks again at once.
        try haringey.setPolicy(for: "camden", "lookups: no\naggregates: no\nask-lookups: yes\n")
        #expect(try eventually("haringey pulls camden's relocation") { try SyncTests().sharedCopies(haringey).count == 1 })
        #expect(try eventually("the status shows the success") { try !row().contains("nothing to pull") })
        let stopped = puller.stop()
        #expect(stopped.stderr.components(separatedBy: "the peer shares nothing with this node").count == 2, "logged once")
    }
}
