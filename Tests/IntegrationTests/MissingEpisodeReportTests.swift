import Foundation
import Testing
import VVECore

/// The VRU's view of missing episodes across real `vve serve` processes: the police node
/// answers for the episodes it owns, the boroughs that hold copies of them count none, and
/// the police's declared break in its series reaches the report, its CSV and its JSON.
@Suite struct MissingEpisodeReportTests {
    static let purpose = "quarterly missing children review for the VRU board"
    static let recordingChange = "Police recording changed: every absence of a young person is now recorded as missing."

    func report(_ vru: RegionNode, _ arguments: [String]) throws -> ProcessResult {
        try VVE.run(["report"] + arguments + ["--dir", vru.directory, "--purpose", Self.purpose], environment: ["VVE_OPERATOR": "a.khan"])
    }

    @Test func thePoliceAnswerForTheirEpisodesOnceAndTheirSeriesBreakIsMarked() throws {
        let region = try TestRegion()
        let police = try region.node("met-police")
        let camden = try region.node("camden")
        let haringey = try region.node("haringey")
        let vru = try region.node("vru")
        for server in [police, camden, haringey] {
            try server.createLinkageKey()
        }
        try ReportTests().seed(police, kind: "missing-episode", count: 600, seed: 7)
        try police.appendSetting(
            """
            series-breaks:
              - measure: missing-episodes
                date: 2025-04-01
                note: "\(Self.recordingChange)"
            """)
        // The boroughs hold copies of the police's episodes, and own none.
        for borough in [camden, haringey] {
            try police.pin(borough, port: 1)
            try police.setPolicy(for: borough.name, MissingEpisodeTests.policeShares)
        }
        try police.pin(vru, port: 1, role: "vru")
        try police.setPolicy(for: "vru", "lookups: no\naggregates: [missing-episodes, return-interviews]\n")
        let policeServer = try police.serve()
        defer { _ = policeServer.stop() }
        var servers = [policeServer]
        for borough in [camden, haringey] {
            try borough.pin(police, port: policeServer.port, role: "police")
            try check(borough.run(["sync", "--peer", "met-police", "--once"]))
            try borough.pin(vru, port: 1, role: "vru")
            try borough.setPolicy(for: "vru", "lookups: no\naggregates: yes\n")
            servers.append(try borough.serve())
        }
        defer { for server in servers.dropFirst() { _ = server.stop() } }
        let copies = try check(camden.run(["missing", "due", "--json"])).stdout
        #expect(copies.contains(/"copy"\s*:\s*true/), "camden holds the police's episodes as copies")
        for (node, server, role, asks) in [
            (police, policeServer, "police", "[missing-episodes, return-interviews]"), (camden, servers[1], "borough", "yes"),
            (haringey, servers[2], "borough", "yes"),
        ] {
            try vru.pin(node, port: server.port, role: role)
            try vru.setPolicy(for: node.name, "lookups: no\naggregates: no\nask-aggregates: \(asks)\n")
        }

        // The regional count is the police's alone: the boroughs' copies are counted nowhere.
        let csvFile = vru.directory + "/missing.csv"
        let episodes = try report(vru, ["missing-episodes", "--quarter", "2026Q3", "--json", "--csv", csvFile])
        #expect(episodes.status == 0, "\(episodes.stderr)")
        let answer = try JSONParser.parse(Array(episodes.stdout.utf8))
        let first = try #require(answer["reports"]?.arrayValue?.first)
        #expect(first["authorities"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["camden", "haringey", "met-police"])
        let quarters = Quarter("2026Q3")!.trend(of: 8)
        let now = Timestamp(millisecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1000))
        let direct = Measure.missingEpisodes.countTables(try ReportTests().records(police), quarters: quarters, countedAt: now)
            .compactMap { ProtectedTableAnswer($0, rules: .floor) }
        let tables = try #require(first["tables"]?.arrayValue)
        #expect(tables.compactMap { $0["table"]?.stringValue } == Measure.missingEpisodes.tables.map(\.name))
        for (table, expected) in zip(tables, direct) {
            let authorities = try #require(table["authorities"]?.arrayValue)
            let released = authorities.first { $0["name"]?.stringValue == "met-police" }?["table"]
            #expect(released == expected.jsonValue, "\(expected.labels.name)")
            for borough in ["camden", "haringey"] {
                let total = authorities.first { $0["name"]?.stringValue == borough }?["table"]?["total"]
                #expect(total == nil || total?["value"] == .integer(0), "\(borough) counts no copy in \(expected.labels.name)")
            }
        }
        let byHome = try #require(direct.first)
        #expect(byHome.table.total.value.map { $0 > 300 } == true, "two years of episodes are counted")
        #expect(direct.contains { $0.labels.name == "children-by-episodes" && ($0.table.total.value ?? 0) > 0 })
        #expect(
            first["seriesBreaks"]
                == [["authority": "met-police", "date": "2025-04-01", "quarter": "2025Q2", "note": .string(Self.recordingChange)]])
        let csv = try String(contentsOfFile: csvFile, encoding: .utf8)
        #expect(csv.hasPrefix("measure,table,period,row_dimension,row,column_dimension,column,authority,value,status,threshold,rounding_base,note\n"))
        #expect(
            csv.contains(
                "missing-episodes,by-age-band,2025Q2,quarter,2025Q2,series-break,2025-04-01,met-police,,series-break,,,\(Self.recordingChange)\n"))
        #expect(!csv.contains("host-area-by-home-authority,2025Q2,quarter,2025Q2,series-break"), "a flow table has no trend to break")

        // The terminal marks the break; the interview measure carries none, since none is declared.
        let terminal = try report(vru, ["missing-episodes", "--quarter", "2026Q3", "--table", "by-risk-grading"])
        #expect(terminal.stdout.contains("SERIES BREAK, met-police, 2025-04-01 (2025Q2): \(Self.recordingChange)\n"))
        let interviews = try report(vru, ["return-interviews", "--quarter", "2026Q3", "--json"])
        #expect(interviews.status == 0, "\(interviews.stderr)")
        let interviewReport = try #require(try JSONParser.parse(Array(interviews.stdout.utf8))["reports"]?.arrayValue?.first)
        #expect(interviewReport["seriesBreaks"] == [])
        let offers = try #require(interviewReport["tables"]?.arrayValue?.first)
        let policeOffers = offers["authorities"]?.arrayValue?.first { $0["name"]?.stringValue == "met-police" }?["table"]
        let expectedOffers = Measure.returnInterviews.countTables(try ReportTests().records(police), quarters: quarters, countedAt: now)
            .compactMap { ProtectedTableAnswer($0, rules: .floor) }.first
        #expect(policeOffers == expectedOffers?.jsonValue)
        #expect(offers["columns"] == ["offered-within-72-hours", "offered-later", "not-offered", "not-yet-due"])

        // Relocations go to the boroughs alone: the VRU's file asks the police missing episodes only.
        let relocations = try report(vru, ["relocations", "--quarter", "2026Q3", "--table", "by-reason"])
        #expect(relocations.status == 0, "\(relocations.stderr)")
        #expect(relocations.stdout.contains("Answered: camden, haringey.\n"))
        // The police audited every answer, naming the analyst and what it released.
        let audit = try check(police.run(["audit", "list", "--action", "aggregate"])).stdout
        #expect(audit.contains("from vru for analyst a.khan: missing-episodes 2024Q4-2026Q3"))
        #expect(audit.contains("from vru for analyst a.khan: return-interviews 2024Q4-2026Q3"))
    }
}
