import Foundation
import GRDB
import Testing

/// A node's audit log checked against the entries of it its peers kept from its batches.
@Suite struct AuditAnchorTests {
    @Test func aLogCutShortIsFoundByThePeerThatSawItsHead() throws {
        let region = try TestRegion()
        let (camden, haringey) = try region.camdenSharingWithHaringey()
        _ = try camden.addRelocations(people: ["Tia", "Dami"])
        let owner = try camden.serve()
        try haringey.pin(camden, port: owner.port)
        let holder = try haringey.serve()
        // camden asks haringey, at its real address, for what it kept.
        let file = camden.directory + "/Peers/haringey.yaml"
        try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(
            of: "https://localhost:1\n", with: "https://localhost:\(holder.port)\n"
        )
        .write(toFile: file, atomically: true, encoding: .utf8)
        try check(haringey.run(["sync", "--peer", "camden", "--once"]))
        _ = owner.stop()

        let intact = try check(camden.run(["audit", "verify", "--peers"])).stdout.split(separator: "\n").map(String.init)
        #expect(intact.count == 2, "\(intact)")
        #expect(intact.first?.hasPrefix("Audit chain intact: ") == true)
        let latest = try #require(intact.last)
        #expect(latest.hasPrefix("haringey: 1 anchored entry found unchanged; the latest, entry "), "\(latest)")
        let anchored = try #require(Int(latest.split(separator: " ")[9].dropLast()))

        // Whoever can write camden's file removes the entries from the anchored one on: the
        // chain left is intact, and only haringey's anchor shows what happened.
        try camden.tamper([("DELETE FROM audit_log WHERE seq >= ?", [anchored])])
        let shortened = try camden.run(["audit", "verify"])
        #expect(shortened.status == 0 && shortened.stdout.hasPrefix("Audit chain intact: \(anchored - 1) entries, "))
        let caught = try camden.run(["audit", "verify", "--peers"])
        #expect(caught.status == 1)
        #expect(
            caught.stderr.hasPrefix(
                "vve: error: audit log cut short: it ends at entry \(anchored - 1), but haringey saw entry \(anchored) with sha256:"),
            "\(caught.stderr)")
        #expect(caught.stderr.contains("; entries after \(anchored - 1) were removed (restoring a backup does this too)."))

        // A peer that does not answer is named, and the exit says the check is incomplete.
        _ = holder.stop()
        let unanswered = try camden.run(["audit", "verify", "--peers"])
        #expect(unanswered.status == 4, "\(unanswered.stderr)")
        #expect(unanswered.stdout.contains("\nharingey: no answer: "))
        #expect(
            unanswered.stderr
                == "vve: error: not checked against haringey, which did not answer; the log agrees with every peer that did. Run `vve peer check` on each\n"
        )
    }
}
