import Crypto
import Foundation
import Testing
import VVECore
import VVEStore

/// A node of this version picks up where a node of protocol version 1 left off, from fixtures
/// that version made (`Tools/make-upgrade-fixtures.sh`, committed once and never remade):
/// its store opens and migrates with its audit chain whole, it serves a new peer, and the
/// exchanges captured on that version's wire still read.
@Suite struct UpgradeTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/protocol-1").path

    /// Puts camden's store as version 1 wrote it in place of the node's new one.
    static func installVersion1Store(at camden: RegionNode) throws {
        let store = camden.directory + "/vve.sqlite"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: store + suffix) }
        try FileManager.default.copyItem(atPath: fixtures + "/camden.sqlite", toPath: store)
        chmod(store, 0o600)
    }

    @Test func aVersion1StoreOpensKeepsItsAuditChainAndServesANewPeer() throws {
        let region = try TestRegion()
        let camden = try region.node("camden")
        let enfield = try region.node("enfield")
        try camden.createLinkageKey()
        try camden.copyLinkageKey(to: enfield)
        try Self.installVersion1Store(at: camden)

        let verified = try check(camden.run(["audit", "verify"])).stdout
        let entries = try #require(verified.firstMatch(of: /Audit chain intact: (\d+) entries/)?.1).description
        #expect(Int(entries)! >= 62)
        let listed = try check(camden.run(["record", "list", "--json"])).stdout
        let records = try #require(try JSONParser.parse(Array(listed.utf8)).arrayValue)
        #expect(records.count == 48)
        let kinds = Set(records.compactMap { $0["kind"]?.stringValue })
        #expect(kinds == ["relocation", "county-lines-link", "shared-perpetrator", "missing-episode"])
        #expect(try check(camden.run(["copy", "list", "--json"])).stdout.components(separatedBy: "\"owner\"").count - 1 == 12)

        // It serves a peer it never knew: every relocation and line it shares reaches enfield.
        try camden.pin(enfield, port: 1)
        try camden.setPolicy(
            for: "enfield",
            """
            share:
              review-days: 90
              relocation:
                audience: [all]
                groups: [placement, status]
              county-lines-link:
                audience: [all]
                groups: [line, areas, status]
            lookups: no
            aggregates: no

            """)
        let server = try camden.serve(["--no-pull"])
        defer { _ = server.stop() }
        try enfield.pin(camden, port: server.port)
        try check(enfield.run(["sync", "--peer", "camden", "--once"]))
        let copies = try check(enfield.run(["copy", "list", "--json"])).stdout
        #expect(copies.components(separatedBy: "\"owner\"").count - 1 == 24)
        #expect(try check(camden.run(["audit", "verify"])).status == 0)
    }

    @Test func aVersion1LookupAndAggregateQueryGetTheAnswersVersion1Gave() throws {
        let region = try TestRegion()
        let camden = try region.node("camden")
        let haringey = try region.node("haringey")
        // The linkage key the lookup was made under: the SHA-256 of a public phrase, made
        // again here so that no key is committed (Tools/make-upgrade-fixtures.sh).
        let key = SHA256.hash(data: Data("vve upgrade fixtures, protocol 1".utf8)).map { String(format: "%02x", $0) }.joined()
        try Data((key + "\n").utf8).write(to: URL(fileURLWithPath: camden.linkageKey))
        chmod(camden.linkageKey, 0o600)
        try Self.installVersion1Store(at: camden)
        try camden.pin(haringey, port: 1)
        // The policy the fixtures were made under: a hit's risk level and status are sent
        // because it shares relocations' status group.
        try camden.setPolicy(
            for: "haringey",
            """
            share:
              review-days: 90
              relocation:
                audience: [all]
                groups: [identity, placement, follow-up, status]
              county-lines-link:
                audience: [all]
                groups: [line, areas, activity, status]
            accept:
              relocation: [follow-up]
            lookups: yes
            aggregates: yes

            """)
        try camden.appendSetting("lookup-contact: Camden MASH duty desk, 020 7946 0000")
        let server = try camden.serve(["--no-pull"])
        defer { _ = server.stop() }

        // Each request exactly as version 1's `vve lookup` and `vve report` wrote it, head and
        // body, gets the answer version 1 gave from the same store.
        for exchange in ["lookup", "aggregate"] {
            let request = try CapturedRequest(path: Self.fixtures + "/\(exchange)-request.http")
            let sent = try curl(
                ["--cacert", camden.directory + "/Certificates/ca.pem", "--cert", haringey.certificate, "--key", haringey.key, "--compressed"]
                    + request.headers.flatMap { ["-H", $0] }
                    + ["--data-binary", request.body, "-w", "\n%{http_code}", "https://localhost:\(server.port)\(request.path)"])
            let split = try #require(sent.stdout.range(of: "\n", options: .backwards))
            let (body, status) = (String(sent.stdout[..<split.lowerBound]), String(sent.stdout[split.upperBound...]))
            #expect(status == "200", "\(exchange): \(sent.stdout)")
            let answered = try JSONParser.parse(Array(body.utf8))
            let given = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: Self.fixtures + "/\(exchange)-answer.json"))))
            #expect(answered == given, "\(exchange): \(body)")
        }
        let audit = try check(camden.run(["audit", "list", "--json"])).stdout
        let lookupID = try LookupQuery.read(try JSONParser.parse(Array(try CapturedRequest(path: Self.fixtures + "/lookup-request.http").body.utf8)))
            .lookupID
        #expect(audit.contains(lookupID) && audit.contains("b601228e-ae82-4f17-a3ce-a4f18dc703ab"))
    }

    @Test func theExchangesOfVersion1StillRead() async throws {
        // The change feed's answer as version 1 sent it: read whole, and applied by a node of
        // this version to a store it has never seen.
        let changes = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: Self.fixtures + "/changes.json"))))
        let batch = try IncomingBatch.read(try #require(changes.objectValue), since: 0)
        #expect(batch.items.count == 24 && !batch.hasMore && batch.cursor == 48)
        let haringey = try CaseStore.inMemory(node: AuthorityName("haringey")!)
        let policy = SharingPolicy(
            share: [:], reviewDays: nil, accept: [:], lookups: false, aggregates: false)
        let time = try #require(Timestamp("2026-12-06T13:00:00.000Z"))
        let pulled = try await haringey.applyPulled(batch, from: AuthorityName("camden")!, policy: policy, at: time)
        guard case .applied(let outcome) = pulled else { throw TestFailure("the batch was not applied: \(pulled)") }
        #expect(outcome.applied == 24 && outcome.setAside == 0, "\(outcome)")
        // haringey's store of that version, holding camden's copies, opens and counts them.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vve-upgrade-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.copyItem(atPath: Self.fixtures + "/haringey.sqlite", toPath: folder + "/vve.sqlite")
        chmod(folder + "/vve.sqlite", 0o600)
        let counts = try CaseStore.open(at: folder + "/vve.sqlite").counts(today: time.calendarDate)
        #expect(counts.records == 24 && counts.copies == 24, "\(counts)")
        // whoami, as `vve peer check` reads it.
        let whoami = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: Self.fixtures + "/whoami.json"))))
        #expect(whoami["peer"] == "haringey" && whoami["node"] == "camden" && whoami["needs-linkage-key"] == .bool(false))
        // A lookup and an aggregate query as version 1 sent them, and the answers it gave, as
        // the server and the asker of this version read them.
        let lookupRequest = try CapturedRequest(path: Self.fixtures + "/lookup-request.http")
        let lookup = try LookupQuery.read(try JSONParser.parse(Array(lookupRequest.body.utf8)))
        #expect(lookup.keyScheme == 2 && lookup.variants.count == 1 && lookup.caseReference == "CAD-4471/26")
        let lookupAnswer = try LookupAnswer.read(
            try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: Self.fixtures + "/lookup-answer.json")))),
            expecting: lookup.lookupID)
        #expect(
            lookupAnswer.hits.map(\.label) == [.match] && lookupAnswer.hits.map(\.reference.description) == ["01a24b5e-c934-7000-800e-51ddafe29b8e"])
        let aggregateRequest = try CapturedRequest(path: Self.fixtures + "/aggregate-request.http")
        let query = try AggregateQuery.read(try JSONParser.parse(Array(aggregateRequest.body.utf8)))
        #expect(query.measure == .relocations && query.quarters.count == 8)
        let aggregateAnswer = try AggregateAnswer.read(
            try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: Self.fixtures + "/aggregate-answer.json")))),
            answering: query)
        #expect(aggregateAnswer.tables.count == query.tableDefinitions.count && aggregateAnswer.notes.count == 1)
    }
}

/// A request as `openssl s_server` captured it off the wire: the request line, the headers,
/// a blank line and the body, with CRLF line ends.
struct CapturedRequest {
    var path: String
    /// The headers as `Name: value`, without those curl sets itself (host, content-length).
    var headers: [String]
    var body: String

    init(path file: String) throws {
        let text = try String(contentsOfFile: file, encoding: .utf8)
        guard let split = text.range(of: "\r\n\r\n") else { throw TestFailure("\(file) has no blank line after its head") }
        let head = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let requestLine = head[0].split(separator: " ")
        guard requestLine.count == 3 else { throw TestFailure("\(file) starts \(head[0])") }
        path = String(requestLine[1])
        headers = head.dropFirst().filter {
            let name = $0.prefix { $0 != ":" }.lowercased()
            return name != "host" && name != "content-length"
        }
        body = String(text[split.upperBound...])
    }
}
