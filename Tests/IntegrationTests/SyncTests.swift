import Foundation
import GRDB
import Testing

/// `vve sync --once` between real `vve serve` processes over mutual TLS.
@Suite struct SyncTests {
    static let policy = """
        share:
          review-days: 90
          relocation:
            audience: [receiving-authority]
            groups: [placement, follow-up, status]
        accept:
          relocation: [follow-up]
        lookups: no
        aggregates: no

        """

    func relocation(to receiving: String, person: String) -> String {
        """
        {"reviewDate": "\(TestDates.review)", "fields": {"youngPerson": {"forenames": "\(person)", "surname": "Okonjo", "dateOfBirth": "2011-03-04"}, \
        "originatingAuthority": "camden", "receivingAuthority": "\(receiving)", "moveDate": "\(TestDates.firstSeen)", \
        "accommodationType": "relatives", "reasonCategory": "threat-of-violence", "riskLevel": "high", \
        "originatingSpoc": {"name": "Ada Brennan", "phone": "020 7946 0001"}}}
        """
    }

    func sharedCopies(_ node: RegionNode) throws -> [String] {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: node.directory + "/vve.sqlite", configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in try String.fetchAll(db, sql: "SELECT copy FROM shared_copy ORDER BY id") }
    }

    @Test func aRelocationReachesItsReceivingAuthorityAndNoOtherBorough() throws {
        let region = try TestRegion()
        let camden = try region.node("camden")
        let haringey = try region.node("haringey")
        let enfield = try region.node("enfield")
        try camden.createLinkageKey()
        for peer in [haringey, enfield] {
            try camden.pin(peer, port: 1)
            try camden.setPolicy(for: peer.name, Self.policy)
        }
        for (receiving, person) in [("haringey", "Tia"), ("enfield", "Kemi"), ("haringey", "Dami")] {
            try check(
                VVE.run(
                    ["record", "add", "relocation", "--json", "-", "--dir", camden.directory], environment: ["VVE_OPERATOR": "a.admin"],
                    stdin: Data(relocation(to: receiving, person: person).utf8)))
        }
        let server = try camden.serve()
        try haringey.pin(camden, port: server.port)
        try enfield.pin(camden, port: server.port)

        let synced = try haringey.run(["sync", "--peer", "camden", "--once", "--batch-size", "2"])
        #expect(synced.status == 0, "\(synced.stderr)")
        #expect(synced.stdout == "Synced from camden: 2 applied, 0 already held, in 2 batches; cursor 3\n")
        let copies = try sharedCopies(haringey)
        #expect(copies.count == 2)
        for copy in copies {
            // Untouched since camden wrote it: stored as it travels, as fields and one version.
            #expect(copy.contains(#""receivingAuthority":"haringey""#) && copy.contains(#""implicit":true"#), "\(copy)")
            // Placement, follow-up and status only; the young person as match keys.
            for withheld in ["Tia", "Dami", "Kemi", "Okonjo", "2011-03-04", "Ada Brennan"] {
                #expect(!copy.contains(withheld), "\(withheld) reached haringey")
            }
        }
        #expect(
            try haringey.run(["sync", "--peer", "camden", "--once"]).stdout == "Synced from camden: 0 applied, 0 already held, in 1 batch; cursor 3\n"
        )
        // The copies as an operator lists them: the groups held, never the person.
        let table = try check(haringey.run(["copy", "list"])).stdout.split(separator: "\n").map(String.init)
        #expect(table.first == "ID                                    KIND        OWNER   STATUS  REVIEW      GROUPS")
        #expect(table.count == 3)
        #expect(table.dropFirst().allSatisfy { $0.contains("  relocation  camden  active  ") && $0.hasSuffix("  placement,follow-up,status") })
        #expect(try check(haringey.run(["conflicts", "list"])).stdout == "No open conflicts.\n")
        // As JSON, what is absent is left out: no conflicts, rather than an empty list.
        let listed = try JSONSerialization.jsonObject(with: Data(check(haringey.run(["copy", "list", "--json"])).stdout.utf8)) as? [[String: Any]]
        #expect(listed?.count == 2 && listed?.allSatisfy { $0["conflicts"] == nil && $0["status"] as? String == "active" } == true)

        #expect(
            try enfield.run(["sync", "--peer", "camden", "--once"]).stdout == "Synced from camden: 1 applied, 0 already held, in 1 batch; cursor 3\n")
        #expect(try sharedCopies(enfield).count == 1)
        #expect(try sharedCopies(enfield).allSatisfy { $0.contains(#""receivingAuthority":"enfield""#) && !$0.contains("haringey") })

        // Batches travel gzipped to a caller that accepts it, and plain to one that does not.
        let tls = ["--cacert", haringey.directory + "/Certificates/ca.pem", "--cert", haringey.certificate, "--key", haringey.key]
        let url = "https://localhost:\(server.port)/v1/changes?since=0&limit=10"
        let gzipped = try curl(tls + ["--compressed", "-D", "-", url])
        #expect(gzipped.stdout.lowercased().contains("content-encoding: gzip"), "\(gzipped.stdout.prefix(300))")
        #expect(gzipped.stdout.contains(#""cursor":3"#) && gzipped.stdout.contains(#""items":[{"copy""#))
        let plain = try curl(tls + ["-D", "-", url])
        #expect(!plain.stdout.lowercased().contains("content-encoding") && plain.stdout.contains(#""cursor":3"#))
        // Both announce where the batch ends in their headers, for the next request to go
        // out before the body is read.
        for answer in [gzipped, plain] {
            #expect(answer.stdout.lowercased().contains("vve-cursor: 3\r\n") && answer.stdout.lowercased().contains("vve-has-more: false\r\n"))
        }

        // Every batch sent was audited at camden as a disclosure to its peer.
        let disclosures = try camden.run(["audit", "list", "--action", "disclose"]).stdout
        #expect(disclosures.contains("to haringey: ") && disclosures.contains("to enfield: "))
        _ = server.stop()
    }
}

extension SyncTests {
    @Test func aLinkageKeyReadableByOthersStopsTheServerFromStarting() throws {
        let region = try TestRegion()
        let camden = try region.node("camden")
        try camden.createLinkageKey()
        chmod(camden.linkageKey, 0o644)
        let result = try camden.run(["serve", "--listen", "127.0.0.1:0"])
        #expect(result.status == 78)
        #expect(
            result.stderr
                == "vve: error: linkage key \(camden.linkageKey) has mode 644, readable by group or others; run `chmod 600 \(camden.linkageKey)` and check who may have copied it\n"
        )
    }
}
