import Foundation
import Testing
import VVECore

/// `vve serve --metrics`: Prometheus text on its own plain-HTTP listener, with every series
/// the Grafana dashboard in `Tools/` uses, labelled by peer, route and reason, and never a
/// record id or a person.
@Suite struct MetricsTests {
    static let dashboard = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tools/grafana-dashboard.json").path

    /// The metric names an expression reads: `vve_…` and `http_server_…`, as scraped.
    static func series(in expression: String) -> Set<String> {
        Set(expression.matches(of: /\b(vve_[a-z_]+|http_server_[a-z_]+)\b/).map { String($0.1) })
    }

    @Test func everySeriesOfTheDashboardIsServedWithPeerLabelsAndNoPerson() async throws {
        let region = try TestRegion()
        let camden = try region.node("camden")
        let haringey = try region.node("haringey")
        let police = try region.node("met-police")
        let enfield = try region.node("enfield")
        try camden.createLinkageKey()
        for node in [haringey, police] {
            try camden.copyLinkageKey(to: node)
        }
        // camden and haringey share relocations with each other; enfield is down, and camden
        // asks it lookups; the police look people up at camden; islington answers every pull
        // with a batch that is not one.
        try camden.pin(haringey, port: 1)
        try camden.setPolicy(for: "haringey", RegionSyncTests.camdenPolicy)
        try camden.pin(enfield, port: 1)
        try camden.setPolicy(for: "enfield", "lookups: no\naggregates: no\nask-lookups: yes\n")
        let islington = try region.node("islington")
        let malformed = try await FakePeer(as: islington, caCertificate: islington.directory + "/Certificates/ca.pem", protocolVersion: 1)
        defer { Task { await malformed.stop() } }
        try camden.pin(islington, port: malformed.port)
        try camden.pin(police, port: 1, role: "police")
        try camden.setPolicy(for: "met-police", "lookups: yes\naggregates: no\n")
        try camden.appendSetting("lookup-contact: Camden MASH duty desk, 020 7946 0000")
        try haringey.pin(camden, port: 1)
        try haringey.setPolicy(for: "camden", RegionSyncTests.camdenPolicy)
        try check(camden.run(["record", "add", "relocation", "--json", SyncTests().relocation(to: "haringey", person: "Tia")]))
        let toCamden = SyncTests().relocation(to: "camden", person: "Kai").replacingOccurrences(
            of: #""originatingAuthority": "camden""#, with: #""originatingAuthority": "haringey""#)
        try check(haringey.run(["record", "add", "relocation", "--json", toCamden]))

        let haringeyServer = try haringey.serve(["--long-poll", "2"])
        defer { _ = haringeyServer.stop() }
        try RegionSyncTests().repoint(camden, peer: "haringey", port: haringeyServer.port)
        let camdenServer = try camden.serve(["--long-poll", "2", "--metrics", "127.0.0.1:0"])
        defer { _ = camdenServer.stop() }
        try RegionSyncTests().repoint(haringey, peer: "camden", port: camdenServer.port)
        try police.pin(camden, port: camdenServer.port)
        try police.setPolicy(for: "camden", "lookups: no\nask-lookups: yes\naggregates: no\n")
        let output = String(decoding: FileManager.default.contents(atPath: camdenServer.process.outputs + ".out") ?? Data(), as: UTF8.self)
        let port = try #require(output.firstMatch(of: /metrics on http:\/\/127\.0\.0\.1:(\d+)\/metrics/)?.1).description

        #expect(try eventually("camden holds haringey's relocation") { try SyncTests().sharedCopies(camden).count == 1 })
        let lookup = try VVE.run(
            [
                "lookup", "--dir", police.directory, "--surname", "Okonjo", "--forename", "Kai", "--dob", "2011-03-04", "--reason",
                "missing child enquiry",
            ],
            environment: ["VVE_OPERATOR": "PC 4471 Hale"])
        #expect(lookup.status == 0, "\(lookup.stderr)")
        let asked = try camden.run([
            "lookup", "--surname", "Okonjo", "--forename", "Kai", "--dob", "2011-03-04", "--reason", "missing child enquiry",
        ])
        #expect(asked.status == 2, "enfield is down: \(asked.stdout)")
        // A stranger without a certificate: refused, and counted by reason.
        _ = try curl(["--cacert", camden.directory + "/Certificates/ca.pem", "https://localhost:\(camdenServer.port)/v1/health"])

        var text = ""
        let served = try eventually("every series is served") {
            text = try curl(["http://127.0.0.1:\(port)/metrics"]).stdout
            return text.contains("vve_pull_failures_total{peer=\"enfield\"}") && text.contains("vve_refusals_total")
                && text.contains("vve_pull_batches_refused_total{peer=\"islington\"}")
        }
        #expect(served, "\(text)")
        let dashboard = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: Self.dashboard))))
        let panels: [JSONValue] = dashboard["panels"]?.arrayValue ?? []
        let targets: [JSONValue] = panels.flatMap { panel -> [JSONValue] in panel["targets"]?.arrayValue ?? [] }
        let expressions: [String] = targets.compactMap { target -> String? in target["expr"]?.stringValue }
        var used = Set<String>()
        for expression in expressions { used.formUnion(Self.series(in: expression)) }
        #expect(used.count >= 18, "\(used.sorted())")
        var scraped = Set<String>()
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            if let name = line.firstMatch(of: /^([a-z_:]+)/)?.1 { scraped.insert(String(name)) }
        }
        #expect(used.subtracting(scraped).isEmpty, "the dashboard reads series /metrics does not serve: \(used.subtracting(scraped).sorted())")
        #expect(text.contains("vve_pull_items_total{peer=\"haringey\",outcome=\"applied\"} 1"))
        #expect(text.contains("vve_lookups_answered_total{peer=\"met-police\",outcome=\"hit\"} 1"))
        #expect(text.contains("vve_refusals_total{reason=\"no-certificate\"}"))
        #expect(text.contains("vve_store_records 1.0\n") && text.contains("vve_store_copies 1.0\n"))
        #expect(text.contains("vve_certificate_days_to_expiry{certificate=\"own\"} 36"), "a year's certificate, made today")
        // haringey's, seen as it pulled and as camden pulled: a year's certificate, made today.
        let expiry = try #require(text.firstMatch(of: /vve_peer_certificate_expiry_timestamp_seconds\{peer="haringey"\} ([0-9.e+]+)\n/)?.1)
        let daysLeft = (try #require(Double(String(expiry))) - Date().timeIntervalSince1970) / 86400
        #expect((364...366).contains(daysLeft), "\(daysLeft) days")
        #expect(text.contains("vve_lookups_asked_total{peer=\"enfield\",outcome=\"no-answer\"} 1\n"), "asked by `vve lookup`, counted from the store")
        #expect(text.components(separatedBy: "\nvve_lookups_asked_total{").count == 2, "camden's one lookup, of one peer: \(text)")
        // Counts and names of peers and routes only: no person, no record id.
        #expect(!text.contains("Okonjo") && !text.contains("Kai") && text.firstMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-/) == nil)
        // Nothing else is served there, and a bad address is refused before serving.
        #expect(try curl(["-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/v1/health"]).stdout == "404")
        #expect(try camden.run(["serve", "--metrics", "9464"]).stderr == "vve: error: --metrics 9464: must be HOST:PORT, such as 127.0.0.1:9464\n")
    }
}
