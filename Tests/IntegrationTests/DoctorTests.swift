import Foundation
import Testing

/// `vve doctor` against real nodes: every check passing, then each kind of fault it must
/// name with its fix, and its exit status.
@Suite struct DoctorTests {
    @Test func aHealthyNodePassesAndEachFaultIsNamedWithItsFix() throws {
        let region = try TestRegion()
        let camden = try region.node("camden")
        let haringey = try region.node("haringey")
        let vru = try region.node("vru")
        try camden.createLinkageKey()
        try camden.pin(haringey, port: 1)
        try camden.setPolicy(for: "haringey", RegionSyncTests.camdenPolicy)
        try haringey.pin(camden, port: 1)
        let server = try haringey.serve()
        defer { _ = server.stop() }
        try RegionSyncTests().repoint(camden, peer: "haringey", port: server.port)

        let healthy = try camden.run(["doctor"])
        let lines = healthy.stdout.split(separator: "\n").map(String.init)
        #expect(healthy.status == 0, "\(healthy.stdout)")
        #expect(lines.first == "ok      files: keys mode 0600, database private")
        #expect(lines.contains("ok      certificates: this node's certificate expires in 364 days"))
        #expect(lines.contains("ok      peer files: 1 valid"))
        #expect(lines.contains { $0.hasPrefix("ok      peer haringey: reached, protocol 1, clock ") })
        #expect(lines.contains { $0.hasPrefix("ok      disk: ") && $0.contains(" free; ") })
        #expect(lines.contains { $0.hasPrefix("ok      audit: chain intact, ") })
        #expect(lines.contains("ok      linkage key: present"))
        #expect(lines.last == "Every check passed.")

        // A key open to others, and a peer that is down: problems, exit 2.
        chmod(camden.linkageKey, 0o644)
        _ = server.stop()
        let faulty = try camden.run(["doctor", "--timeout", "2"])
        #expect(faulty.status == 2)
        #expect(
            faulty.stdout.contains(
                "PROBLEM files: linkage key \(camden.directory)/Certificates/linkage.key has mode 644, open to group or others; run `chmod 600 \(camden.directory)/Certificates/linkage.key`\n"
            ))
        #expect(faulty.stdout.contains("PROBLEM peer haringey: connection-refused: connection refused at localhost:\(server.port)"))
        #expect(faulty.stdout.hasSuffix("2 problems, 0 warnings.\n"))

        // A VRU's node needs no linkage key; holding one is a warning, exit 1.
        try vru.pin(camden, port: 1)
        try vru.setPolicy(for: "camden", "lookups: no\naggregates: no\nask-aggregates: yes\n")
        let keyless = try vru.run(["doctor", "--timeout", "1", "--json"])
        #expect(keyless.stdout.contains(#""text": "absent, and none needed: this node shares no records, answers no lookups and makes no tokens""#))
        try vru.createLinkageKey()
        let withKey = try vru.run(["doctor", "--timeout", "1"])
        #expect(
            withKey.stdout.contains(
                "WARNING linkage key: present, though no peer file needs it: with it this node could make match keys and tokens of anyone it names; remove it unless a policy will need it\n"
            ))
        #expect(withKey.status == 2, "camden is not serving: a problem as well")
    }
}
