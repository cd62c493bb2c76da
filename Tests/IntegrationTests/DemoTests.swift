import Foundation
import Testing

/// `vve demo` is one of the README's two commands: it must keep working.
@Suite struct DemoTests {
    @Test func theDemoWalksThroughEveryStepAndLeavesAVerifiedNode() throws {
        let directory = temporaryPath("vve-demotest-") + "/camden"
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: directory).deletingLastPathComponent().path) }
        let result = try VVE.run(["demo", "node", "--dir", directory, "--count", "60"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr == "")
        let headings = result.stdout.split(separator: "\n").filter { $0.hasPrefix("== ") }.map { String($0.prefix(5)) }
        #expect(headings == ["== 1.", "== 2.", "== 3.", "== 4.", "== 5.", "== 6.", "== 7."])
        #expect(result.stdout.contains("Imported 60 records ("))
        #expect(result.stdout.contains("Closed: status closed"))
        #expect(result.stdout.contains("Audit chain intact: "))

        // The node it leaves behind is a real node that the CLI can open and verify.
        let verify = try VVE.run(["audit", "verify", "--dir", directory])
        #expect(verify.status == 0, "\(verify.stderr)")
        let list = try VVE.run(["record", "list", "--dir", directory, "--operator", "reviewer"])
        #expect(list.stdout.hasSuffix("\n59 records\n"), "one of the 60 was erased")
    }

    @Test func aTemporaryDemoCleansUpAfterItself() throws {
        let before = Set(try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()).filter { $0.hasPrefix("vve-demo-") })
        let result = try VVE.run(["demo", "node", "--count", "20"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasSuffix("Run `vve demo node --keep` to explore it afterwards.\n"))
        let after = Set(try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()).filter { $0.hasPrefix("vve-demo-") })
        #expect(after.subtracting(before).isEmpty)
    }
}
