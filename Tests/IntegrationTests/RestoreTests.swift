import Foundation
import GRDB
import Testing

/// An owner restored from a backup: its change log restarts below the cursor its holder
/// has, and the holder must read it again rather than skip what the restored owner logs.
@Suite struct RestoreTests {
    func serveCamden(_ camden: RegionNode, for haringey: RegionNode) throws -> TestServer {
        let server = try camden.serve()
        let file = haringey.directory + "/Peers/camden.yaml"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let pinned = try #require(text.range(of: #"https://localhost:\d+"#, options: .regularExpression))
        try text.replacingCharacters(in: pinned, with: "https://localhost:\(server.port)").write(toFile: file, atomically: true, encoding: .utf8)
        return server
    }

    /// Puts `file` in place of `node`'s store, as an admin restoring it does.
    func restore(_ node: RegionNode, from file: String) throws {
        let store = node.directory + "/vve.sqlite"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: store + suffix) }
        try FileManager.default.copyItem(atPath: file, toPath: store)
    }

    func region() throws -> (TestRegion, RegionNode, RegionNode) {
        let region = try TestRegion()
        let (camden, haringey) = try region.camdenSharingWithHaringey()
        try haringey.pin(camden, port: 1)
        return (region, camden, haringey)
    }

    @Test func aHolderReadsAnOwnerRestoredFromABackupAgainAndSkipsNothing() throws {
        let (region, camden, haringey) = try region()
        let before = try camden.addRelocations(people: ["Tia", "Dami", "Kemi"])
        var server = try serveCamden(camden, for: haringey)
        #expect(try check(haringey.run(["sync", "--peer", "camden", "--once"])).stdout.hasSuffix("; cursor 3\n"))
        // Taken while camden serves.
        let backup = region.root + "/camden-backup.sqlite"
        let taken = try check(camden.run(["backup", backup])).stdout
        #expect(taken.hasPrefix("Backup written to \(backup): change log to 3, audit log to "), "\(taken)")
        #expect(try FileManager.default.attributesOfItem(atPath: backup)[.posixPermissions] as? Int == 0o600)
        let again = try camden.run(["backup", backup])
        #expect(again.status == 73 && again.stderr == "vve: error: \(backup) already exists; vve never overwrites a file: name a new one\n")
        let lost = try camden.addRelocations(people: ["Femi", "Bisi"])
        #expect(
            try check(haringey.run(["sync", "--peer", "camden", "--once"])).stdout.hasSuffix("2 applied, 0 already held, in 1 batch; cursor 5\n"))
        _ = server.stop()

        // Restored, camden logs five new records at sequences 4 to 8, which haringey's
        // cursor of 5 would otherwise pass over in part.
        try restore(camden, from: backup)
        #expect(try check(camden.run(["audit", "verify"])).status == 0)
        let after = try camden.addRelocations(people: ["Ade", "Ola", "Yemi", "Tobi", "Remi"])
        server = try serveCamden(camden, for: haringey)
        let synced = try check(haringey.run(["sync", "--peer", "camden", "--once"])).stdout.split(separator: "\n").map(String.init)
        #expect(synced.count == 2, "\(synced)")
        #expect(synced.first?.hasPrefix("camden's change log restarted: its store is a new incarnation (") == true, "\(synced)")
        #expect(synced.first?.hasSuffix("): it was restored from a backup or rebuilt. Reading it again from the start.") == true, "\(synced)")
        #expect(synced.last == "Synced from camden: 5 applied, 3 already held, in 1 batch; cursor 8")
        #expect(try Set(haringey.sharedCopyIDs()) == Set(before + lost + after))
        let restarts = try check(haringey.run(["audit", "list", "--action", "update"])).stdout
        #expect(restarts.contains("reading camden's change log again from the start, from cursor 5: its store is a new incarnation ("), "\(restarts)")
        // Read again, the log is followed as before.
        #expect(
            try check(haringey.run(["sync", "--peer", "camden", "--once"])).stdout
                == "Synced from camden: 0 applied, 0 already held, in 1 batch; cursor 8\n")
        _ = server.stop()
    }

    @Test func aHolderReadsAgainAnOwnerWhoseLogEndsBeforeItsCursor() throws {
        let (region, camden, haringey) = try region()
        let before = try camden.addRelocations(people: ["Tia", "Dami", "Kemi"])
        // A copy of the file taken with the node stopped, not by `vve backup`: it keeps the
        // incarnation haringey knows.
        let copy = region.root + "/camden-copy.sqlite"
        try FileManager.default.copyItem(atPath: camden.directory + "/vve.sqlite", toPath: copy)
        var server = try serveCamden(camden, for: haringey)
        _ = try camden.addRelocations(people: ["Femi", "Bisi"])
        #expect(try check(haringey.run(["sync", "--peer", "camden", "--once"])).stdout.hasSuffix("; cursor 5\n"))
        _ = server.stop()

        try restore(camden, from: copy)
        server = try serveCamden(camden, for: haringey)
        #expect(
            try check(haringey.run(["sync", "--peer", "camden", "--once"])).stdout
                == """
                camden's change log restarted: its change log ends at 3, before this node's cursor 5: its store went back in time. Reading it again from the start.
                Synced from camden: 0 applied, 3 already held, in 1 batch; cursor 3

                """)
        let after = try camden.addRelocations(people: ["Ade", "Ola"])
        #expect(
            try check(haringey.run(["sync", "--peer", "camden", "--once"])).stdout
                == "Synced from camden: 2 applied, 0 already held, in 1 batch; cursor 5\n")
        #expect(try Set(haringey.sharedCopyIDs()).isSuperset(of: before + after))
        _ = server.stop()
    }
}
