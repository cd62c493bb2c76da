import Foundation
import GRDB
import Testing

/// A pinned peer that turns hostile: a real `vve serve` whose store was rewritten behind its
/// back, serving crafted batches over mutual TLS to a holder that pulls with `vve sync`.
@Suite struct HostilePeerTests {
    @Test func craftedItemsAreSetAsideAndNeitherShadowNorBlockTheRealOwner() throws {
        let region = try TestRegion()
        let camden = try region.node("camden")
        let enfield = try region.node("enfield")
        let haringey = try region.node("haringey")
        for owner in [camden, enfield] {
            try owner.createLinkageKey()
            try owner.pin(haringey, port: 1)
            try owner.setPolicy(for: "haringey", SyncTests.policy)
        }
        let real = try camden.addRelocations(people: ["Tia"])[0]
        let sent = try enfield.addRelocations(people: ["Kemi", "Dami", "Femi"])
        // enfield claims camden's record, which it learnt from a lookup, as its own; writes
        // into its second record a value no relocation can hold; and leaves its third as it is.
        try enfield.tamper(
            [
                ("UPDATE record SET id = ?1, document = json_set(document, '$.id', ?1) WHERE id = ?2", [real, sent[0]]),
                ("UPDATE change_log SET record_id = ?1 WHERE record_id = ?2", [real, sent[0]]),
                ("UPDATE record SET document = json_set(document, '$.fields.moveDate', 'Kemi moved last week') WHERE id = ?", [sent[1]]),
            ])
        let hostile = try enfield.serve()
        let owner = try camden.serve()
        try haringey.pin(enfield, port: hostile.port)
        try haringey.pin(camden, port: owner.port)

        // The hostile peer is pulled first, so that its claim arrives before the real copy.
        #expect(
            try check(haringey.run(["sync", "--peer", "enfield", "--once"])).stdout
                == "Synced from enfield: 1 applied, 0 already held, 2 refused and set aside (`vve status` says why), in 1 batch; cursor 3\n")
        #expect(
            try check(haringey.run(["sync", "--peer", "camden", "--once"])).stdout
                == "Synced from camden: 1 applied, 0 already held, in 1 batch; cursor 1\n")
        let copies = try check(haringey.run(["copy", "list"])).stdout.split(separator: "\n").dropFirst().map {
            $0.split(separator: " ", omittingEmptySubsequences: true).prefix(3).joined(separator: " ")
        }
        #expect(copies.sorted() == ["\(real) relocation camden", "\(sent[2]) relocation enfield"].sorted())

        let refusals = try haringey.refusals()
        #expect(
            refusals.contains(
                "write refused: enfield sent a copy of \(real), an id enfield did not make; a node sends copies of its own records only; set aside, retried when this node's policy for enfield or its vve version changes"
            ), "\(refusals)")
        #expect(refusals.contains { $0.hasPrefix("write refused: shared copy malformed: fields.moveDate: ") }, "\(refusals)")
        let status = try check(haringey.run(["status"])).stdout
        #expect(status.contains("\nenfield: 2 items refused and set aside; the latest, at "), "\(status)")
        #expect(!status.contains("\ncamden: "), "\(status)")
        let reported = try #require(
            try JSONSerialization.jsonObject(with: Data(check(haringey.run(["status", "--json"])).stdout.utf8)) as? [String: Any])
        let peers = try #require(reported["peers"] as? [[String: Any]])
        let enfieldState = try #require(peers.first { $0["peer"] as? String == "enfield" })
        #expect((enfieldState["setAside"] as? [[String: Any]])?.compactMap { $0["recordId"] as? String }.sorted() == [real, sent[1]].sorted())
        // Nothing the peer sent reaches the terminal or the status: no name, no value.
        #expect(!status.contains("Kemi") && !refusals.contains { $0.contains("Kemi") })
        _ = hostile.stop()
        _ = owner.stop()
    }

    @Test func aHoldersWriteWithAForgedVersionIsSetAsideAndItsOtherWritesApplied() throws {
        let region = try TestRegion()
        let camden = try region.node("camden")
        let haringey = try region.node("haringey")
        try camden.createLinkageKey()
        try haringey.createLinkageKey()
        try camden.pin(haringey, port: 1)
        try camden.setPolicy(for: "haringey", SyncTests.policy)
        let records = try camden.addRelocations(people: ["Tia", "Dami"])
        let owner = try camden.serve()
        try haringey.pin(camden, port: owner.port)
        try check(haringey.run(["sync", "--peer", "camden", "--once"]))
        // haringey acknowledges both relocations, as its policy allows; then, turned hostile,
        // counts 99 edits by camden into its first acknowledgement's version, to make its
        // write win over camden's later ones.
        for id in records {
            let acknowledgement = #"{"fields": {"acknowledgement": {"by": "Duty manager, Haringey", "date": "\#(TestDates.firstSeen)"}}}"#
            try check(haringey.run(["copy", "update", id, "--json", acknowledgement]))
        }
        try haringey.tamper(
            [
                (
                    "UPDATE shared_copy SET copy = replace(copy, ?, ?) WHERE id = ?",
                    [
                        #""version":{"camden":1,"haringey":1},"writer":"haringey""#, #""version":{"camden":99,"haringey":1},"writer":"haringey""#,
                        records[0],
                    ]
                )
            ])
        let hostile = try haringey.serve()
        let file = camden.directory + "/Peers/haringey.yaml"
        let pinned = try String(contentsOfFile: file, encoding: .utf8)
        #expect(pinned.contains("https://localhost:1\n"))
        try pinned.replacingOccurrences(of: "https://localhost:1\n", with: "https://localhost:\(hostile.port)\n").write(
            toFile: file, atomically: true, encoding: .utf8)

        #expect(
            try check(camden.run(["sync", "--peer", "haringey", "--once"])).stdout
                == "Synced from haringey: 1 applied, 0 already held, 1 refused and set aside (`vve status` says why), in 1 batch; cursor 2\n")
        func acknowledgedBy(_ id: String) throws -> String? {
            let shown =
                try JSONSerialization.jsonObject(with: Data(check(camden.run(["record", "show", id, "--json"])).stdout.utf8)) as? [String: Any]
            return ((shown?["fields"] as? [String: Any])?["acknowledgement"] as? [String: Any])?["by"] as? String
        }
        #expect(try acknowledgedBy(records[0]) == nil)
        #expect(try acknowledgedBy(records[1]) == "Duty manager, Haringey")
        let refusal = try #require(try camden.refusals().last)
        #expect(
            refusal.hasPrefix(
                "write refused: its write to fields.acknowledgement has a version counting 99 edits by camden, of which this node has seen 1: "),
            "\(refusal)")
        #expect(refusal.hasSuffix("; set aside, retried when this node's policy for haringey or its vve version changes"), "\(refusal)")
        #expect(try check(camden.run(["status"])).stdout.contains("\nharingey: 1 item refused and set aside; the latest, at "))
        _ = hostile.stop()
        _ = owner.stop()
    }
}
