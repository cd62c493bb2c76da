import Foundation
import GRDB
import Testing
import VVECore
import VVEStore

/// `vve report` from a VRU node to borough nodes running `vve serve`, over mutual TLS on
/// loopback: each borough counts its own records and protects them, the VRU combines what
/// they release, a borough that is down makes the report incomplete, and every refusal is
/// clear, audited and changes nothing.
@Suite struct ReportTests {
    static let purpose = "quarterly board pack preparation"

    func report(_ vru: RegionNode, _ arguments: [String]) throws -> ProcessResult {
        try VVE.run(["report"] + arguments + ["--dir", vru.directory, "--purpose", Self.purpose], environment: ["VVE_OPERATOR": "a.khan"])
    }

    /// Imports synthetic records of `kind` owned by the node.
    func seed(_ node: RegionNode, kind: String, count: Int, seed: Int) throws {
        let records = try check(VVE.run(["generate", "--kind", kind, "--count", "\(count)", "--seed", "\(seed)", "--owner", node.name]))
        let file = node.directory + "/\(kind).ndjson"
        try records.stdout.write(toFile: file, atomically: true, encoding: .utf8)
        try check(node.run(["record", "import", file]))
    }

    /// The node's own records as a direct count sees them, read from its store.
    func records(_ node: RegionNode) throws -> [CaseRecord] {
        let store = try CaseStore.open(at: node.directory + "/vve.sqlite")
        return try store.records(
            matching: RecordFilter(), context: OperationContext(actor: try OperatorName("test.reader"), time: Timestamp(millisecondsSinceEpoch: 0)))
    }

    func json(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

    func count(_ sql: String, _ node: RegionNode) throws -> Int {
        var configuration = Configuration()
        configuration.readonly = true
        return try DatabaseQueue(path: node.directory + "/vve.sqlite", configuration: configuration).read { db in
            try Int.fetchOne(db, sql: sql) ?? -1
        }
    }

    func integer(_ value: JSONValue?) -> Int? {
        if case .integer(let number)? = value { return Int(number) }
        return nil
    }

    @Test func theVRUCombinesWhatEachBoroughReleasesAndEveryRefusalIsClearAndAudited() throws {
        let region = try TestRegion()
        let camden = try region.node("camden")
        let haringey = try region.node("haringey")
        let enfield = try region.node("enfield")
        let vru = try region.node("vru")
        for (index, borough) in [camden, haringey, enfield].enumerated() {
            try seed(borough, kind: "relocation", count: 300, seed: index + 1)
            try seed(borough, kind: "county-lines-link", count: 80, seed: index + 11)
            try borough.pin(vru, port: 1, role: "vru")
            try vru.pin(borough, port: 1)
            try vru.setPolicy(for: borough.name, "lookups: no\naggregates: no\nask-aggregates: yes\n")
        }
        try camden.setPolicy(for: "vru", "lookups: no\naggregates: [relocations, county-lines]\n")
        try enfield.setPolicy(for: "vru", "lookups: no\naggregates: yes\n")
        // haringey answers county lines only.
        try haringey.setPolicy(for: "vru", "lookups: no\naggregates: [county-lines]\n")
        // camden answers 16 tables a day for the VRU: two relocations reports (7 tables each).
        try camden.appendSetting("aggregate-tables-per-peer-per-day: 16")
        try vru.appendSetting("report-tables-per-analyst-per-day: 35")

        let camdenServer = try camden.serve()
        let haringeyServer = try haringey.serve()
        defer {
            _ = camdenServer.stop()
            _ = haringeyServer.stop()
        }
        try RegionSyncTests().repoint(vru, peer: "camden", port: camdenServer.port)
        try RegionSyncTests().repoint(vru, peer: "haringey", port: haringeyServer.port)
        // enfield is down: its file points at a port nothing listens on.

        // 1. Relocations: camden answers, haringey refuses (no grant), enfield is down: exit 2.
        let relocations = try report(vru, ["relocations", "--quarter", "2026Q3", "--quarters", "4", "--json"])
        #expect(relocations.status == 2, "\(relocations.stderr)")
        let answer = try json(relocations.stdout)
        let first = try #require(answer["reports"]?.arrayValue?.first)
        let queryID = try #require(first["queryId"]?.stringValue)
        let authorities = try #require(first["authorities"]?.arrayValue)
        #expect(authorities.compactMap { $0["name"]?.stringValue } == ["camden", "enfield", "haringey"])
        #expect(authorities.compactMap { $0["state"]?.stringValue } == ["answered", "no-answer", "refused"])
        #expect(
            authorities[2]["reason"]?.stringValue
                == "this node does not answer relocations for vru: Peers/vru.yaml grants `aggregates: [county-lines]`")

        // Every table camden released equals the protected value of a direct count of its store.
        let quarters = Quarter("2026Q3")!.trend(of: 4)
        let expected = Measure.relocations.countTables(
            try records(camden), quarters: quarters, countedAt: Timestamp(millisecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1000))
        ).compactMap {
            ProtectedTableAnswer($0, rules: .floor)
        }
        let tables = try #require(first["tables"]?.arrayValue)
        #expect(tables.count == Measure.relocations.tables.count)
        for (table, direct) in zip(tables, expected) {
            let released = try #require(table["authorities"]?.arrayValue?.first { $0["name"]?.stringValue == "camden" }?["table"])
            #expect(released == direct.jsonValue, "\(direct.labels.name)")
            // Only camden answered: every regional cell is incomplete, at least camden's count.
            #expect(table["region"]?["total"]?["status"]?.stringValue == "incomplete")
        }
        #expect(expected.contains { $0.table.cells.joined().contains { $0.status == .suppressed } }, "the data exercises suppression")
        try expectNoSmallCounts(answer)

        // Both ends audited the query: the VRU with what camden released, camden with the asker.
        let vruAudit = try check(vru.run(["audit", "list", "--action", "aggregate", "--json"])).stdout
        #expect(vruAudit.contains("aggregate \(queryID) for analyst a.khan") && vruAudit.contains("camden: released 7 tables"))
        #expect(vruAudit.contains("haringey: refused") && vruAudit.contains("enfield: no answer"))
        let camdenAudit = try check(camden.run(["audit", "list", "--action", "aggregate", "--json"])).stdout
        #expect(camdenAudit.contains("aggregate \(queryID) from vru for analyst a.khan: relocations 2025Q4-2026Q3"))
        #expect(camdenAudit.contains(Self.purpose))
        let haringeyRefusals = try check(haringey.run(["audit", "list", "--action", "refuse", "--json"])).stdout
        #expect(haringeyRefusals.contains("aggregate \(queryID) from vru for analyst a.khan: relocations; refused"))

        // 2. Refusals sent straight to camden, as a hostile or broken VRU would: each named,
        // audited, and no change to the kept counts or the ledger.
        let kept = try count("SELECT COUNT(*) FROM kept_count", camden)
        let ledger = try count("SELECT COUNT(*) FROM aggregate_query", camden)
        func post(_ body: String) throws -> String {
            try curl([
                "--cacert", vru.directory + "/Certificates/ca.pem", "--cert", vru.certificate, "--key", vru.key, "-H",
                "Content-Type: application/json",
                "--data-binary", body, "-w", " %{http_code}", "https://localhost:\(camdenServer.port)/v1/aggregate",
            ]).stdout
        }
        func query(id: String, measure: String = "relocations", quarter: String = "2026Q3", purpose: String? = Self.purpose) -> String {
            var text = "{\"queryId\":\"\(id)\",\"measure\":\"\(measure)\",\"quarter\":\"\(quarter)\",\"quarters\":4,\"analyst\":\"a.khan\""
            if let purpose { text += ",\"purpose\":\"\(purpose)\"" }
            return text + "}"
        }
        #expect(
            try post(query(id: queryID))
                == "{\"error\":\"query \(queryID) was answered before; a node answers each query id once, so ask again with a new id\"}\n 409")
        #expect(
            try post(query(id: "query-unknown-1", measure: "everything"))
                == "{\"error\":\"malformed aggregate query: measure: \\\"everything\\\" must be one of relocations, relocation-briefing, county-lines, perpetrators, missing-episodes, return-interviews, known-in-several-areas\"}\n 400"
        )
        #expect(
            try post(query(id: "query-no-purpose", purpose: nil))
                == "{\"error\":\"malformed aggregate query: purpose: is required: why the query is asked, in at least 3 words\"}\n 400")
        #expect(
            try post(query(id: "query-open-quarter", quarter: "2026Q4"))
                == "{\"error\":\"2026Q4 cannot be reported yet: a quarter is reported once it has been closed 14 days, so 2026Q4 from 2027-01-15; the latest now is \(Quarter.latestReportable(on: Timestamp(millisecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1000)).calendarDate, lagDays: 14))\"}\n 400"
        )
        #expect(try post(query(id: "query-perpetrators", measure: "perpetrators")).hasSuffix(" 403"))
        #expect(try count("SELECT COUNT(*) FROM kept_count", camden) == kept)
        #expect(try count("SELECT COUNT(*) FROM aggregate_query", camden) == ledger)
        let refusals = try check(camden.run(["audit", "list", "--action", "refuse", "--json"])).stdout
        for reason in ["answered before", "malformed aggregate query", "cannot be reported yet", "does not answer perpetrators"] {
            #expect(refusals.contains(reason), "\(reason)")
        }

        // 3. A second relocations report takes camden to 14 tables; a third would be 21, over
        // its limit of 16: refused, the VRU says so, exit 2.
        _ = try report(vru, ["relocations", "--quarter", "2026Q3", "--json"])
        let over = try report(
            vru, ["relocations", "--quarter", "2026Q3", "--table", "by-reason", "--table", "by-risk-level", "--table", "by-age-band"])
        #expect(over.status == 2)
        #expect(over.stdout.contains("REFUSED by camden: vru has asked 14 tables in the last 24 hours and this query asks 3; the limit is 16 a day."))

        // 4. County lines: camden and haringey answer; the terminal table and its footnotes.
        let lines = try report(
            vru, ["county-lines", "--quarter", "2026Q3", "--quarters", "2", "--table", "by-risk-level", "--table", "by-nrm-referral"])
        #expect(lines.status == 2)
        let direct = [camden, haringey].map { node in
            Measure.countyLines.countTables(
                try! records(node), quarters: Quarter("2026Q3")!.trend(of: 2),
                countedAt: Timestamp(millisecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1000))
            ).map {
                ProtectedTableAnswer($0, rules: .floor)!
            }
        }
        let risk = direct.map { $0[2].table }
        func regional(_ row: Int?, _ column: Int?) -> String {
            let values = risk.map { table -> ReleasedCount in
                switch (row, column) {
                case (let r?, let c?): table.cells[r][c]
                case (let r?, nil): table.rowTotals[r]
                case (nil, let c?): table.columnTotals[c]
                case (nil, nil): table.total
                }
            }
            let sum = values.compactMap(\.value).reduce(0, +)
            return "≥\(sum)?"
        }
        let today = Timestamp(millisecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1000)).calendarDate
        let header = lines.stdout.components(separatedBy: "\n").first!
        #expect(header.hasPrefix("county-lines, 2026Q2-2026Q3, query "))
        let riskLines = lines.stdout.components(separatedBy: "\n").drop { !$0.hasPrefix("by-risk-level") }.prefix(5).map {
            $0.split(separator: " ").map(String.init)
        }
        #expect(riskLines.first == ["by-risk-level:", "quarter", "by", "risk-level,", "2026Q2-2026Q3"])
        #expect(Array(riskLines.dropFirst().first ?? []) == ["QUARTER", "low", "medium", "high", "very-high", "TOTAL"])
        for (index, quarter) in ["2026Q2", "2026Q3"].enumerated() {
            #expect(riskLines[index + 2] == [quarter] + (0..<4).map { regional(index, $0) } + [regional(index, nil)])
        }
        #expect(riskLines[4] == ["TOTAL"] + (0..<4).map { regional(nil, $0) } + [regional(nil, nil)])
        #expect(
            lines.stdout.hasSuffix(
                """
                Each authority suppresses counts from 1 to 7 (shown <8) and rounds the rest to the nearest 5.
                Regional figures add what each authority released: ≥N where some withheld a count (small, or withheld to protect another), <N where only small counts were withheld, ? where an authority did not answer.
                Answered: camden, haringey.
                NO ANSWER from enfield: connection-refused: connection refused at localhost:1: the peer's vve serve is not running there, or the url's port is wrong
                Note, camden: 2026Q2, 2026Q3 counted on \(today), after they closed, from the records held that day: records erased before then are not in them.
                Note, haringey: 2026Q2, 2026Q3 counted on \(today), after they closed, from the records held that day: records erased before then are not in them.

                """))

        // 5. The analyst's own limit at the VRU: 35 tables a day; 7 + 7 + 3 + 2 asked, and the
        // pack asks 35 more.
        let pack = try report(vru, ["pack", "--quarter", "2026Q3"])
        #expect(pack.status == 75)
        #expect(
            pack.stderr
                == "vve: error: report refused: a.khan has asked 19 tables in the last 24 hours and this query asks 35; the limit is 35 a day. Ask again tomorrow, or ask the node's admin to raise it\n"
        )
        // Every answer either borough gave, as its audit recorded it, was protected.
        let (camdenAnswers, haringeyAnswers) = (try expectEveryAnswerProtected(camden), try expectEveryAnswerProtected(haringey))
        #expect(camdenAnswers == 3 && haringeyAnswers == 1, "\(camdenAnswers) \(haringeyAnswers)")
    }

    @Test func peopleAndLinesKnownInSeveralAreasAreCountedByTokensThatNoOneCanReadOrKeep() throws {
        let region = try TestRegion()
        let camden = try region.node("camden")
        let haringey = try region.node("haringey")
        let enfield = try region.node("enfield")
        let vru = try region.node("vru")
        try camden.createLinkageKey()
        // camden and haringey hold the same 120 young people and 60 lines; enfield others.
        for (borough, seed) in [(camden, 1), (haringey, 1), (enfield, 2)] {
            if borough !== camden {
                try camden.copyLinkageKey(to: borough)
            }
            try self.seed(borough, kind: "relocation", count: 120, seed: seed)
            try self.seed(borough, kind: "county-lines-link", count: 60, seed: seed)
            try borough.pin(vru, port: 1, role: "vru")
            try borough.setPolicy(for: "vru", "lookups: no\naggregates: [known-in-several-areas, county-lines]\n")
            try vru.pin(borough, port: 1)
            try vru.setPolicy(for: borough.name, "lookups: no\naggregates: no\nask-aggregates: yes\n")
        }
        let servers = try [camden, haringey, enfield].map { try $0.serve() }
        defer { for server in servers { _ = server.stop() } }
        for (borough, server) in zip([camden, haringey, enfield], servers) {
            try RegionSyncTests().repoint(vru, peer: borough.name, port: server.port)
        }

        let first = try report(vru, ["known-in-several-areas", "--json"])
        #expect(first.status == 0, "\(first.stderr) \(first.stdout.prefix(2000))")
        let answer = try json(first.stdout)
        let tables = try #require(answer["reports"]?.arrayValue?.first?["tables"]?.arrayValue)
        #expect(tables.compactMap { $0["table"]?.stringValue } == ["by-pair", "in-two-or-more"])
        #expect(tables[0]["rows"] == ["camden+enfield", "camden+haringey", "enfield+haringey"])

        // The direct count: people with a full name and date of birth, by exact match key,
        // whether young people relocated or people linked to lines.
        let key = try #require(LinkageKey(hex: String(contentsOfFile: camden.linkageKey, encoding: .utf8)))
        let encoder = MatchKeyEncoder(key: key)
        func people(_ node: RegionNode) throws -> Set<[UInt8]> {
            Set(try records(node).flatMap { record in record.fields.map(LookupPeople.people(of:)) ?? [] }.compactMap(encoder.exactKey))
        }
        let (c, h, e) = (try people(camden), try people(haringey), try people(enfield))
        let counts = [c.intersection(e).count, c.intersection(h).count, e.intersection(h).count]
        #expect(counts[1] > 100 && counts[0] == 0 && counts[2] == 0, "\(counts)")
        let protected = ProtectedTable(counts.map { [$0] }, rules: .floor)
        for (row, cell) in protected.cells.enumerated() {
            #expect(tables[0]["region"]?["cells"]?.arrayValue?[row].arrayValue?[0]["value"] == cell[0].value.map { .integer(Int64($0)) })
        }
        let several = c.union(h).union(e).filter { person in [c, h, e].filter { $0.contains(person) }.count >= 2 }.count
        #expect(tables[1]["region"]?["total"]?["value"] == .integer(Int64(DisclosureRules.floor.rounded(several))))

        // No token is printed or logged at either end.
        // A token is a run of exactly 32 hex digits (audit hashes are 64).
        func holdsToken(_ text: String) -> Bool {
            text.split(whereSeparator: { !$0.isHexDigit || $0.isUppercase }).contains { $0.count == KeyedToken.hexLength }
        }
        #expect(holdsToken("tokens: " + String(repeating: "5e", count: 16)), "the check finds a token")
        #expect(!holdsToken(first.stdout))
        #expect(!holdsToken(try check(vru.run(["audit", "list", "--json"])).stdout))
        let camdenAudit = try check(camden.run(["audit", "list", "--action", "aggregate", "--json"])).stdout
        #expect(camdenAudit.contains("padded to a multiple of 5") && !holdsToken(camdenAudit))

        // Once a day for each asker: asked again, every borough refuses.
        let again = try report(vru, ["known-in-several-areas"])
        #expect(again.status == 2)
        #expect(again.stdout.contains("REFUSED by camden: known-in-several-areas is answered once a day for each asker, and vru was answered at "))

        // Lines: each counted once across the region, by tokens of their deal lines.
        let lines = try report(vru, ["county-lines", "--table", "distinct-lines", "--json"])
        #expect(lines.status == 0, "\(lines.stderr) \(lines.stdout.prefix(2000))")
        let linesReport = try #require(try json(lines.stdout)["reports"]?.arrayValue?.first)
        let quarters = try #require(linesReport["quarters"]?.arrayValue?.compactMap(\.stringValue).compactMap(Quarter.init))
        let distinctTable = try #require(linesReport["tables"]?.arrayValue?.first)
        #expect(distinctTable["columns"] == ["distinct", "repeated"])
        // The direct count: the line records first seen in the quarters asked, joined into
        // lines while they share a deal line.
        let span = quarters[0].first...quarters[quarters.count - 1].last
        let held = try [camden, haringey, enfield].map { node in
            try records(node).compactMap { record -> Set<PhoneNumber>? in
                guard case .countyLinesLink(let line)? = record.fields, span.contains(line.firstSeen) else { return nil }
                return Set(line.dealLines)
            }
        }
        var joined: [Set<PhoneNumber>] = []
        for record in held.flatMap({ $0 }) {
            let touching = joined.filter { !$0.isDisjoint(with: record) }
            joined.removeAll { !$0.isDisjoint(with: record) }
            joined.append(touching.reduce(record) { $0.union($1) })
        }
        let repeated = held.map(\.count).reduce(0, +) - joined.count
        let lineRecords = held.map { DisclosureRules.floor.rounded($0.count) }.reduce(0, +)
        #expect(repeated >= 40, "camden and haringey hold the same lines")
        let expected = ProtectedTable([[max(0, lineRecords - repeated), repeated]], rules: .floor)
        let cells = try #require(distinctTable["region"]?["cells"]?.arrayValue?.first?.arrayValue)
        #expect(cells.map { $0["value"] } == expected.cells[0].map { $0.value.map { JSONValue.integer(Int64($0)) } })
        let linesAudit = try check(camden.run(["audit", "list", "--action", "aggregate", "--json"])).stdout
        #expect(linesAudit.contains("groups of deal-line tokens for") && !holdsToken(linesAudit) && !holdsToken(lines.stdout))
        // The same day, the tokens are not sent again: the table is incomplete, never smaller.
        let linesAgain = try report(vru, ["county-lines", "--table", "distinct-lines"])
        #expect(linesAgain.status == 2)
        #expect(
            linesAgain.stdout.contains("Note, camden: distinct-lines: tokens of deal lines go to each asker once a day, and went to this one at "))
        for borough in [camden, haringey, enfield] { #expect(try expectEveryAnswerProtected(borough) == 3, "\(borough.name)") }
    }

    @Test func badUsageIsExplainedAndAsksNoOne() throws {
        let node = try TestNode(name: "vru")
        let latest = Quarter.latestReportable(
            on: Timestamp(millisecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1000)).calendarDate, lagDays: 14)
        let purpose = ["--purpose", Self.purpose]
        let cases: [([String], String)] = [
            (["relocations"], "vve: error: --purpose is required: say why, in a few words; it is kept in the audit log\n"),
            (
                ["everything"] + purpose,
                "vve: error: \"everything\" is not a measure; the measures are relocations, relocation-briefing, county-lines, perpetrators, missing-episodes, return-interviews, known-in-several-areas, or pack\n"
            ),
            (["relocations", "--quarters", "9"] + purpose, "vve: error: --quarters must be 1-8\n"),
            (["pack", "--quarters", "4"] + purpose, "vve: error: --quarters chooses a measure's span; the pack always holds the last eight\n"),
            (["pack", "--table", "by-reason"] + purpose, "vve: error: --table chooses tables of one measure; the pack holds every table\n"),
            (
                ["relocations", "--table", "by-colour"] + purpose,
                "vve: error: --table `by-colour` is not a table of relocations; its tables are by-originating-authority, by-receiving-authority, by-reason, by-accommodation, by-risk-level, by-age-band, originating-by-receiving\n"
            ),
            (
                ["known-in-several-areas", "--quarter", "2026Q1"] + purpose,
                "vve: error: --quarter: known-in-several-areas counts the records held today, not quarters\n"
            ),
            (["pack", "--local"] + purpose, "vve: error: --local counts one measure of this node's own records; pack is asked of other nodes\n"),
            (
                ["county-lines", "--local", "--table", "distinct-lines"] + purpose,
                "vve: error: --local counts this node's own tables; distinct-lines joins what several authorities send, so it is asked of other nodes\n"
            ),
            (
                ["relocations", "--quarter", latest.next.description] + purpose,
                "vve: error: --quarter \(latest.next) cannot be reported yet: a quarter is reported once it has been closed 14 days; the latest now is \(latest)\n"
            ),
            (
                ["relocations"] + purpose,
                "vve: error: no peer takes this node's relocations queries: add `ask-aggregates: yes`, or a list of the measures to ask, to the file in \(node.directory)/Peers of each authority whose agreement covers them\n"
            ),
        ]
        for (arguments, message) in cases {
            let result = try node.run(["report"] + arguments)
            #expect(result.stderr == message, "\(arguments)")
            #expect(result.status == (message.contains("no peer takes") ? 78 : 64), "\(arguments)")
        }
        // Counted here, a measure is every table this node counts, and complete.
        let local = try node.run(["report", "county-lines", "--local"] + purpose)
        #expect(local.status == 0 && local.stdout.contains("exporting-by-importing") && !local.stdout.contains("distinct-lines"), "\(local.stdout)")
    }

    /// Every `/v1/aggregate` answer `node` gave, read from its audit log, which records each
    /// in the transaction that released it: no count from 1 to the threshold - 1 in any cell,
    /// no token set or line count under the threshold, and the line groups padded by one base.
    /// Returns how many answers it read, so a caller can tell the scan saw them.
    @discardableResult
    func expectEveryAnswerProtected(_ node: RegionNode, threshold: Int = 8, base: Int = 5) throws -> Int {
        let entries = try json(try check(node.run(["audit", "list", "--action", "aggregate", "--json"])).stdout).arrayValue ?? []
        let answers = entries.compactMap { $0["detail"]?.stringValue }.filter { $0.contains(" from ") && $0.contains("; released ") }
        func numbers(after pattern: String, in text: String) -> [Int] {
            text.matches(of: try! Regex("\(pattern)([0-9]+)")).compactMap { Int($0.output[1].substring ?? "") }
        }
        #expect(releasedCounts(in: "t{2026Q3/NR1=3,2026Q3/median=2,total/very high=0}") == [3, 0], "the scan reads every cell")
        for detail in answers {
            #expect(releasedCounts(in: detail).allSatisfy { $0 == 0 || $0 >= threshold }, "\(detail)")
            #expect(
                numbers(after: "released ", in: detail).filter { _ in detail.contains(" tokens, padded") }.allSatisfy { $0 >= threshold }, "\(detail)"
            )
            for match in detail.matches(of: /released ([0-9]+) groups of deal-line tokens for ([0-9]+) line records/) {
                let (groups, records) = (Int(match.output.1)!, Int(match.output.2)!)
                #expect(records >= threshold && records % base == 0 && groups == records + base, "\(detail)")
            }
        }
        return answers.count
    }

    /// The counts an answer's audit detail says were released: its cells are `row/column=value`,
    /// withheld ones `S` or `s`; a median (`row/median=days`) is days, not a count.
    func releasedCounts(in detail: String) -> [Int] {
        detail.matches(of: /\/([A-Za-z0-9+._ \-]+)=([0-9]+)/).filter { $0.output.1 != "median" }.compactMap { Int($0.output.2) }
    }

    /// No count an authority released is from 1 to its threshold - 1, anywhere in the report.
    func expectNoSmallCounts(_ report: JSONValue) throws {
        for measure in report["reports"]?.arrayValue ?? [] {
            for table in measure["tables"]?.arrayValue ?? [] {
                for authority in table["authorities"]?.arrayValue ?? [] {
                    let released = try #require(authority["table"])
                    let threshold = try #require(integer(released["threshold"]))
                    let counts =
                        (released["cells"]?.arrayValue ?? []).flatMap { $0.arrayValue ?? [] } + (released["rowTotals"]?.arrayValue ?? [])
                        + (released["columnTotals"]?.arrayValue ?? []) + [released["total"] ?? .null]
                    for count in counts {
                        if let value = integer(count["value"]) { #expect(value == 0 || value >= threshold) }
                    }
                }
            }
        }
    }

}
