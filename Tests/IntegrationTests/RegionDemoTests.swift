import Foundation
import Testing

/// `vve demo`, the README's run command: five real servers over mutual TLS in one process.
@Suite struct RegionDemoTests {
    @Test func theRegionDemoShowsWhatFlowsWhereAConflictAndAnErasureAndLeavesNothingBehind() throws {
        let result = try VVE.run(["demo", "--exit"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr == "")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(
            lines.filter { $0.hasPrefix("== ") }.map { String($0.prefix(5)) } == [
                "== 1.", "== 2.", "== 3.", "== 4.", "== 5.", "== 6.", "== 7.", "== 8.", "== 9.", "== 10", "== 11",
            ])
        // What each node holds once sync has run: exactly what camden's policies allow.
        let held = lines.drop { $0 != "Held now, over mutual TLS:" }.prefix(5)
        #expect(
            Array(held) == ["Held now, over mutual TLS:", "  haringey   R1", "  enfield    L1, R2", "  met-police L1, P1", "  vru        nothing"])
        #expect(lines.contains("  R1 ✗ enfield    withheld: enfield is not in this record's audience: `receiving-authority` is haringey"))
        #expect(lines.contains("camden's R1: acknowledged by Duty manager, Haringey"))
        #expect(lines.contains("Both now hold very-high: concurrent risk levels merge to the higher one."))
        #expect(lines.contains("The resolution superseded both values on both nodes: no conflict left."))
        #expect(lines.contains("enfield no longer holds R2; its audit log says: shared copy deleted: erased by its owner"))
        // The police lookups: found at camden and, as camden's copy, at haringey; not at
        // enfield; exactly, then misspelt, which only camden, the owner, answers; and camden
        // hears of haringey's hit.
        let lookups = lines.filter { $0.hasPrefix("vve lookup ") }
        #expect(lookups.count == 2 && lookups.allSatisfy { $0.hasSuffix("; exit 0") })
        let step8 = Array(lines.drop { !$0.hasPrefix("== 8.") }.prefix { !$0.hasPrefix("== 9.") })
        #expect(step8.filter { $0 == "  camden: 1 hit" }.count == 2)
        #expect(step8.filter { $0 == "  haringey: 1 hit" }.count == 1 && step8.filter { $0 == "  haringey: no hit" }.count == 1)
        #expect(step8.filter { $0 == "  enfield: no hit" }.count == 2)
        #expect(step8.filter { $0.hasPrefix("    match  1.000  same names and date of birth  relocation  camden") }.count == 2)
        #expect(step8.filter { $0.hasPrefix("    possible  0.9") && $0.contains("  names and date of birth close  ") }.count == 1)
        #expect(step8.filter { $0.hasPrefix("  camden audit: peer:haringey: haringey's copy matched lookup ") }.count == 1)
        #expect(step8.filter { $0.hasPrefix("  camden audit: peer:met-police: record matched a lookup: ") }.count == 2)
        // The missing episode: every area it names holds it, camden's clock runs from the
        // return six and a half hours ago, and camden's offer reaches the police.
        let step9 = Array(lines.drop { !$0.hasPrefix("== 9.") }.prefix { !$0.hasPrefix("== 10") })
        #expect(
            step9.contains("camden (home authority), haringey (host area) and enfield (found in) each hold E1, named: the police grant identity."))
        #expect(step9.contains { $0.hasPrefix("  CHILD ") && $0.hasSuffix("  CLOCK     DUTY       HOME    OFFERS") })
        #expect(step9.contains { $0.hasSuffix("  65h left  statutory  camden  none") })
        #expect(
            step9.contains { $0.hasPrefix("camden offered the interview at ") && $0.hasSuffix(", which accepts the interview group from camden.") })
        #expect(lines.contains { $0.hasPrefix("camden's audit chain is intact: ") })
        // The VRU's reports: every borough answered, and the pack was written.
        #expect(lines.contains { $0.hasPrefix("vve report relocations --table by-risk-level --quarters 4 ") && $0.hasSuffix("; exit 0") })
        #expect(lines.contains { $0.hasPrefix("  by-risk-level: quarter by risk-level, ") })
        #expect(lines.contains("  Answered: camden, enfield, haringey."))
        #expect(lines.contains { $0.hasPrefix("vve report pack --quarter ") && $0.hasSuffix("; answered by camden, enfield, haringey, met-police") })
        #expect(lines.last { !$0.isEmpty } == "Stopped. The region's temporary folder has been removed.")
        let root = try #require(result.stdout.firstMatch(of: /Region CA made just now in (\/\S+)\/ca;/)?.1).description
        #expect(!FileManager.default.fileExists(atPath: root))
    }

    @Test func ctrlCStopsTheRunningRegionCleanly() throws {
        let demo = try VVE.start(["demo"])
        let deadline = Date().addingTimeInterval(60)
        var output = ""
        while Date() < deadline, demo.process.isRunning {
            output = String(decoding: FileManager.default.contents(atPath: demo.outputs + ".out") ?? Data(), as: UTF8.self)
            if output.contains("Press Ctrl-C to stop") { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(output.contains("Press Ctrl-C to stop"))
        let root = try #require(output.firstMatch(of: /--dir (\/\S+)\/camden/)?.1).description
        #expect(FileManager.default.fileExists(atPath: root))
        kill(demo.process.processIdentifier, SIGINT)
        demo.process.waitUntilExit()
        let result = demo.result()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasSuffix("Stopped. The region's temporary folder has been removed.\n"))
        #expect(!FileManager.default.fileExists(atPath: root))
    }

    @Test func theExamplePeerFilesHoldTheDemosPolicies() throws {
        let result = try VVE.run(["demo", "--exit", "--keep"])
        #expect(result.status == 0, "\(result.stderr)")
        let root = try #require(result.stdout.firstMatch(of: /kept in (\/\S+)\.\n/)?.1).description
        defer { try? FileManager.default.removeItem(atPath: root) }
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Peers/examples").path
        /// The policy part of a peer file: everything after its agreement.
        func policy(_ path: String) throws -> String {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let start = try #require(text.range(of: "# What this node shares"))
            return String(text[start.lowerBound...])
        }
        for (node, peer) in [
            ("camden", "haringey"), ("camden", "enfield"), ("camden", "met-police"), ("camden", "vru"), ("met-police", "camden"),
            ("met-police", "vru"),
            ("vru", "camden"), ("vru", "met-police"),
        ] {
            #expect(try policy("\(examples)/\(node)/\(peer).yaml") == policy("\(root)/\(node)/Peers/\(peer).yaml"), "\(node)/\(peer)")
        }
    }
}
