import Foundation
import Testing

/// `vve policy` and `vve linkage-key`, on real nodes, files and processes.
@Suite struct PolicyCLITests {
    static let haringeyPolicy = """
        share:
          review-days: 90
          relocation:
            audience: [receiving-authority]
            groups: [placement, follow-up, status]
        accept:
          relocation: [follow-up]
        lookups: yes
        aggregates: no

        """

    /// camden with a linkage key, haringey pinned with `policy`, and one relocation to
    /// haringey of Tia Okonjo, born 2011-03-04.
    func camdenSharingWithHaringey(policy: String = haringeyPolicy) throws -> (TestRegion, RegionNode, String) {
        let region = try TestRegion()
        let camden = try region.node("camden")
        let haringey = try region.node("haringey")
        try camden.createLinkageKey()
        try camden.pin(haringey, port: 7444)
        try camden.setPolicy(for: "haringey", policy)
        try camden.appendSetting("lookup-contact: Camden MASH duty desk, 020 7946 0000")
        let id = try camden.addRelocations(people: ["Tia"])[0]
        return (region, camden, id)
    }

    /// A node that answers lookups must say whom to call: without `lookup-contact:`, the
    /// check fails and the server does not start, naming the setting and the peers.
    @Test func aNodeAnsweringLookupsWithoutAContactIsRefused() throws {
        let region = try TestRegion()
        defer { withExtendedLifetime(region) {} }
        let camden = try region.node("camden")
        let haringey = try region.node("haringey")
        try camden.createLinkageKey()
        try camden.pin(haringey, port: 7444)
        try camden.setPolicy(for: "haringey", Self.haringeyPolicy)
        let expected =
            "vve: error: \(camden.directory)/node.yaml has no `lookup-contact:`, and this node answers lookups from haringey: a hit on a copy or a county lines link would give no one to call; add a line such as `lookup-contact: MASH duty desk, 020 7946 0000`\n"
        let checked = try camden.run(["policy", "check"])
        #expect(checked.status == 78)
        #expect(checked.stderr == expected)
        let served = try camden.run(["serve", "--listen", "127.0.0.1:0"])
        #expect(served.status == 78)
        #expect(served.stderr == expected)
        try camden.appendSetting("lookup-contact: Camden MASH duty desk, 020 7946 0000")
        #expect(try camden.run(["policy", "check"]).status == 0)
    }

    @Test func explainShowsTheExactProjectionAndItsRules() throws {
        let (region, camden, id) = try camdenSharingWithHaringey()
        defer { withExtendedLifetime(region) {} }
        let explained = try camden.run(["policy", "explain", "--peer", "haringey", "--record", id])
        #expect(explained.status == 0, "\(explained.stderr)")
        let lines = explained.stdout.split(separator: "\n").map(String.init)
        #expect(
            Array(lines.prefix(9)) == [
                "Record \(id) (relocation) for peer haringey (borough), under NL-ISA-2026-004:",
                "  sent: haringey is admitted by the audience rule `receiving-authority`",
                "  GROUP      SENT  WHY",
                "  identity   no    not granted: people are sent as match keys only",
                "  placement  yes   granted: the two authorities, the move date, accommodation, reason and risk level",
                "  contacts   no    not granted (deny by default): the originating authority's single point of contact",
                "  follow-up  yes   granted: the receiving side's response: its SPOC, the acknowledgement, the allocated worker, follow-ups",
                "  status     yes   granted: the record's status",
                "The JSON haringey would receive:",
            ])
        let json = lines.dropFirst(8).joined(separator: "\n")
        #expect(json.contains(#""matchKeys""#) && json.contains(#""receivingAuthority": "haringey""#))
        for secret in ["Tia", "Okonjo", "2011-03-04", "Ada Brennan"] {
            #expect(!json.contains(secret), "\(secret) is withheld but was shown")
        }
        // Without a record: everything the peer is granted, the aggregate measures included.
        let file = camden.directory + "/Peers/haringey.yaml"
        try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(
            of: "aggregates: no\n", with: "aggregates: [county-lines, relocations]\n"
        )
        .write(toFile: file, atomically: true, encoding: .utf8)
        #expect(
            try check(camden.run(["policy", "explain", "--peer", "haringey"])).stdout == """
                Peer haringey (borough), under NL-ISA-2026-004:
                  shares relocation to receiving-authority: placement,follow-up,status; copies reviewed within 90 days; accepts relocation: follow-up; lookups yes; aggregates [relocations, county-lines]
                  aggregate measures answered (`aggregates: [relocations, county-lines]`):
                    relocations: by-originating-authority, by-receiving-authority, by-reason, by-accommodation, by-risk-level, by-age-band, originating-by-receiving
                    county-lines: by-exporting-area, by-importing-area, by-risk-level, by-nrm-referral, by-status, linked-people-by-role, cuckooed-addresses-by-district, exporting-by-importing, distinct-lines
                  not answered: relocation-briefing, perpetrators, missing-episodes, return-interviews, known-in-several-areas

                """)

        // The explanation read the record, so the audit log says so.
        let audit = try camden.run(["audit", "list", "--action", "read"])
        #expect(audit.stdout.contains(id))

        try FileManager.default.removeItem(atPath: camden.linkageKey)
        let noKey = try camden.run(["policy", "explain", "--peer", "haringey", "--record", id])
        #expect(noKey.status == 78)
        #expect(
            noKey.stderr.hasPrefix(
                "vve: error: no linkage key at \(camden.directory)/Certificates/linkage.key; every node of a region uses the same one"))
    }

    @Test func aRecordOutsideThePeersAudienceIsNotSent() throws {
        let policy = Self.haringeyPolicy.replacingOccurrences(of: "[receiving-authority]", with: "[originating-authority]")
        let (region, camden, id) = try camdenSharingWithHaringey(policy: policy)
        defer { withExtendedLifetime(region) {} }
        let explained = try camden.run(["policy", "explain", "--peer", "haringey", "--record", id])
        #expect(
            explained.stdout == """
                Record \(id) (relocation) for peer haringey (borough), under NL-ISA-2026-004:
                  NOT SENT: haringey is not in this record's audience: `originating-authority` is camden

                """)
    }

    /// `aggregates: yes` grants measures no one has read yet, so it is valid but warned of;
    /// a list grants those measures alone.
    @Test func checkWarnsOfAggregatesGrantedWholesale() throws {
        let every = Self.haringeyPolicy.replacingOccurrences(of: "aggregates: no", with: "aggregates: yes")
        let (region, camden, _) = try camdenSharingWithHaringey(policy: every)
        defer { withExtendedLifetime(region) {} }
        let checked = try camden.run(["policy", "check"])
        #expect(checked.status == 0)
        #expect(checked.stdout.hasSuffix("lookups yes; aggregates yes\n1 peer file valid.\n"))
        #expect(
            checked.stderr
                == "vve: warning: haringey: `aggregates: yes` answers every measure, those later versions add included; to grant today's alone, list them: aggregates: [relocations, relocation-briefing, county-lines, perpetrators, missing-episodes, return-interviews, known-in-several-areas]\n"
        )
        let file = camden.directory + "/Peers/haringey.yaml"
        let listed = try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(
            of: "aggregates: yes", with: "aggregates: [county-lines, relocations]")
        try listed.write(toFile: file, atomically: true, encoding: .utf8)
        let narrowed = try camden.run(["policy", "check"])
        #expect(narrowed.stderr == "")
        #expect(narrowed.stdout.hasSuffix("lookups yes; aggregates [relocations, county-lines]\n1 peer file valid.\n"))
        #expect(try camden.run(["policy", "matrix"]).stdout.contains("aggregates          [relocations, county-lines]\n"))
    }

    @Test func checkAndMatrix() throws {
        let (region, camden, _) = try camdenSharingWithHaringey()
        defer { withExtendedLifetime(region) {} }
        let checked = try camden.run(["policy", "check"])
        #expect(
            checked.stdout == """
                haringey: shares relocation to receiving-authority: placement,follow-up,status; copies reviewed within 90 days; accepts relocation: follow-up; lookups yes; aggregates no
                1 peer file valid.

                """)
        #expect(
            try camden.run(["policy", "matrix"]).stdout == """
                KIND                haringey (borough)
                county-lines-link   -
                relocation          placement,follow-up,status
                shared-perpetrator  -
                missing-episode     -
                writes: relocation  follow-up
                lookups             yes
                aggregates          no

                """)
        let file = camden.directory + "/Peers/haringey.yaml"
        let broken = try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(
            of: "[placement, follow-up, status]", with: "[placement, folow-up]")
        try broken.write(toFile: file, atomically: true, encoding: .utf8)
        let refused = try camden.run(["policy", "check"])
        #expect(refused.status == 78)
        #expect(refused.stderr.contains("haringey.yaml:"))
        #expect(refused.stderr.contains("`share.relocation.groups`: `folow-up` is not a group of relocation (did you mean `follow-up`?)"))
        #expect(refused.stderr.hasSuffix("1 peer file is refused; nothing is shared with that peer until fixed\n"))
    }

    @Test func theLinkageKeyIsPrivateAndNeverOverwritten() throws {
        let folder = temporaryPath("vve-key-")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try check(VVE.run(["linkage-key", "create", folder + "/linkage.key"]))
        let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/linkage.key")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let text = try String(contentsOfFile: folder + "/linkage.key", encoding: .utf8)
        #expect(text.range(of: #"^[0-9a-f]{64}\n$"#, options: .regularExpression) != nil)
        let again = try VVE.run(["linkage-key", "create", folder + "/linkage.key"])
        #expect(again.status == 78)
        #expect(try String(contentsOfFile: folder + "/linkage.key", encoding: .utf8) == text)
    }
}
