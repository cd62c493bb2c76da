import Foundation
import Testing

/// Three `vve serve` processes pulling from each other over mutual TLS on loopback, with
/// edits made by the CLI while they run.
@Suite struct RegionSyncTests {
    /// camden shares relocations with their receiving authority, and accepts its follow-up
    /// and placement (which holds the risk level) back.
    static let camdenPolicy = """
        share:
          review-days: 90
          relocation:
            audience: [receiving-authority]
            groups: [placement, follow-up, status]
        accept:
          relocation: [follow-up, placement]
        lookups: no
        aggregates: no

        """

    /// Points `node`'s peer file for `peer` at a new port, as an admin editing the URL would.
    func repoint(_ node: RegionNode, peer: String, port: Int) throws {
        let file = node.directory + "/Peers/\(peer).yaml"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let updated = text.replacingOccurrences(of: #"https://localhost:\d+"#, with: "https://localhost:\(port)", options: .regularExpression)
        try updated.write(toFile: file, atomically: true, encoding: .utf8)
    }

    func json(_ result: ProcessResult) throws -> [String: Any] {
        try check(result)
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
    }

    func copyIDs(_ node: RegionNode) throws -> [String] {
        let list =
            try JSONSerialization.jsonObject(with: Data(try check(node.run(["copy", "list", "--json"])).stdout.utf8)) as? [[String: Any]] ?? []
        return list.compactMap { $0["id"] as? String }
    }

    /// Whether `node` has pulled everything `owner` has logged.
    func caughtUp(_ node: RegionNode, with owner: RegionNode) throws -> Bool {
        let head = try json(owner.run(["status", "--json"]))["changeLogHead"] as? Int ?? -1
        let peers = try json(node.run(["status", "--json"]))["peers"] as? [[String: Any]] ?? []
        let state = peers.first { $0["peer"] as? String == owner.name }
        return state?["cursor"] as? Int == head && state?["lagChanges"] as? Int == 0
    }

    @Test func aRelocationFlowsToItsReceivingAuthorityAloneAndEditsConvergeAndErasureReachesTheCopy() throws {
        let region = try TestRegion()
        let camden = try region.node("camden")
        let haringey = try region.node("haringey")
        let enfield = try region.node("enfield")
        let nodes = [camden, haringey, enfield]
        try camden.createLinkageKey()
        for node in [haringey, enfield] {
            try camden.copyLinkageKey(to: node)
        }
        for node in nodes {
            for peer in nodes where peer !== node { try node.pin(peer, port: 1) }
        }
        try camden.setPolicy(for: "haringey", Self.camdenPolicy)
        try camden.setPolicy(for: "enfield", Self.camdenPolicy)

        var servers = try nodes.map { try $0.serve(["--long-poll", "2"]) }
        for (node, server) in zip(nodes, servers) {
            for other in nodes where other !== node { try repoint(other, peer: node.name, port: server.port) }
        }

        // Created at camden while every node runs: it reaches haringey and never enfield.
        let added = try check(
            camden.run(
                ["record", "add", "relocation", "--json", SyncTests().relocation(to: "haringey", person: "Tia")]))
        let id = try #require(added.stdout.split(separator: " ").map(String.init).first { $0.count == 36 })
        try eventually("haringey holds the copy") { try copyIDs(haringey) == [id] }
        try eventually("enfield has pulled all of camden's log") { try caughtUp(enfield, with: camden) }
        #expect(try copyIDs(enfield).isEmpty)

        // haringey acknowledges; camden sees it.
        let acknowledgement = #"{"fields": {"acknowledgement": {"by": "Duty manager, Haringey", "date": "\#(TestDates.firstSeen)"}}}"#
        try check(haringey.run(["copy", "update", id, "--json", acknowledgement]))
        try eventually("camden holds the acknowledgement") {
            let fields = try json(camden.run(["record", "show", id, "--json"]))["fields"] as? [String: Any]
            return (fields?["acknowledgement"] as? [String: Any])?["by"] as? String == "Duty manager, Haringey"
        }

        // Concurrent edits need haringey's server down, stopped rather than paused: a paused
        // server may hold its store's write lock, and the edit at haringey would wait on it.
        func restartHaringey() throws {
            servers[1] = try haringey.serve(["--long-poll", "2"])
            try repoint(camden, peer: "haringey", port: servers[1].port)
            try repoint(enfield, peer: "haringey", port: servers[1].port)
        }

        // Concurrent risk edits while haringey is down: the higher level wins everywhere.
        try eventually("camden has pulled all of haringey's log") { try caughtUp(camden, with: haringey) }
        #expect(servers[1].stop().status == 0)
        try check(camden.run(["record", "update", id, "--json", #"{"fields": {"riskLevel": "medium"}}"#]))
        try check(haringey.run(["copy", "update", id, "--json", #"{"fields": {"riskLevel": "very-high"}}"#]))
        try restartHaringey()
        try eventually("camden and haringey agree on very-high") {
            let camdenFields = try json(camden.run(["record", "show", id, "--json"]))["fields"] as? [String: Any]
            let haringeyFields = try json(haringey.run(["copy", "show", id]))["fields"] as? [String: Any]
            return camdenFields?["riskLevel"] as? String == "very-high" && haringeyFields?["riskLevel"] as? String == "very-high"
        }

        // Again the other way round: the rule is the level, not the writer or the order.
        try eventually("camden has pulled all of haringey's log") { try caughtUp(camden, with: haringey) }
        #expect(servers[1].stop().status == 0)
        try check(camden.run(["record", "update", id, "--json", #"{"fields": {"riskLevel": "high"}}"#]))
        try check(haringey.run(["copy", "update", id, "--json", #"{"fields": {"riskLevel": "low"}}"#]))
        try restartHaringey()
        try eventually("camden and haringey agree on high") {
            let camdenFields = try json(camden.run(["record", "show", id, "--json"]))["fields"] as? [String: Any]
            let haringeyFields = try json(haringey.run(["copy", "show", id]))["fields"] as? [String: Any]
            return camdenFields?["riskLevel"] as? String == "high" && haringeyFields?["riskLevel"] as? String == "high"
        }

        // Concurrent accommodation edits: no rule merges them, so both nodes list the conflict,
        // and camden's resolution supersedes both values everywhere.
        try eventually("camden has pulled all of haringey's log") { try caughtUp(camden, with: haringey) }
        #expect(servers[1].stop().status == 0)
        try check(camden.run(["record", "update", id, "--json", #"{"fields": {"accommodationType": "foster-placement"}}"#]))
        try check(haringey.run(["copy", "update", id, "--json", #"{"fields": {"accommodationType": "supported-accommodation"}}"#]))
        try restartHaringey()
        func conflicts(_ node: RegionNode) throws -> [[String: Any]] {
            try JSONSerialization.jsonObject(with: Data(check(node.run(["conflicts", "list", "--json"])).stdout.utf8)) as? [[String: Any]] ?? []
        }
        try eventually("both nodes list the conflict") { try conflicts(camden).count == 1 && conflicts(haringey).count == 1 }
        let conflictID = try #require(try conflicts(camden).first?["id"] as? Int)
        #expect(try conflicts(camden).first?["field"] as? String == "fields.accommodationType")
        let shown = try json(camden.run(["conflicts", "show", "\(conflictID)"]))
        let values = ([shown["shown"] as Any] + ((shown["others"] as? [Any]) ?? [])).compactMap { ($0 as? [String: Any])?["value"] as? String }
        #expect(Set(values) == ["foster-placement", "supported-accommodation"])
        #expect(shown["record"] as? String == id && shown["onCopy"] as? Bool == false)
        #expect(
            try check(camden.run(["conflicts", "resolve", "\(conflictID)", "--keep", "remote"])).stdout
                == "Resolved conflict \(conflictID) on fields.accommodationType of relocation \(id): kept \"supported-accommodation\"; every holder gets it with the next sync\n"
        )
        try eventually("the resolution reaches haringey") {
            let fields = try json(haringey.run(["copy", "show", id]))["fields"] as? [String: Any]
            return try conflicts(haringey).isEmpty && fields?["accommodationType"] as? String == "supported-accommodation"
        }
        #expect(try check(camden.run(["conflicts", "list"])).stdout == "No open conflicts.\n")

        // camden erases; haringey's copy is deleted and the deletion audited.
        try check(camden.run(["record", "erase", id, "--reason", "entered in error"]))
        try eventually("haringey's copy is gone") { try copyIDs(haringey).isEmpty }
        let deletions = try check(haringey.run(["audit", "list", "--action", "erase"])).stdout
        #expect(deletions.contains("shared copy deleted: erased by its owner"))
        #expect(try copyIDs(enfield).isEmpty)

        let status = try check(camden.run(["status"])).stdout
        #expect(status.contains("haringey") && status.contains("enfield"))
        for server in servers { #expect(server.stop().status == 0) }
    }
}

extension RegionSyncTests {
    @Test func statusShowsAPeerNeverReachedAndTheLastError() throws {
        let region = try TestRegion()
        let camden = try region.node("camden")
        let haringey = try region.node("haringey")
        try camden.pin(haringey, port: 1)
        #expect(
            try check(camden.run(["status"])).stdout == """
                Node camden: change log at 0, 1 peer
                PEER      ROLE     CURSOR  LAST SUCCESS  LAG  BEHIND  LAST ERROR
                haringey  borough  0       never         -    -       -

                """)
        // A pull that fails is recorded with its reason, for status to show.
        #expect(try camden.run(["sync", "--peer", "haringey", "--once"]).status == 4)
        let status = try json(camden.run(["status", "--json"]))
        let peer = (status["peers"] as? [[String: Any]])?.first
        #expect(peer?["peer"] as? String == "haringey" && peer?["cursor"] as? Int == 0 && peer?["failures"] as? Int == 1)
        #expect((peer?["lastError"] as? String)?.hasPrefix("haringey: connection-refused: ") == true, "\(String(describing: peer))")
        #expect(peer?["lastSuccess"] is NSNull)
        #expect(status["changeLogHead"] as? Int == 0)
    }
}
