import Testing
import VVECore

/// Aggregate queries and answers as they cross the wire, checked whole by the side that reads
/// them; and how the asking side combines what each authority released.
@Suite struct AggregateWireTests {
    let camden = AuthorityName("camden")!
    let haringey = AuthorityName("haringey")!
    let query = AggregateQuery(
        queryID: "query-0001", measure: .relocations, quarter: Quarter("2026Q3")!, quarterCount: 2, tables: ["by-risk-level"],
        analyst: try! OperatorName("a.khan"), purpose: try! Justification("quarterly board pack preparation"))

    func problems(_ text: String) -> [String] {
        do {
            _ = try AggregateQuery.read(try JSONParser.parse(Array(text.utf8)))
            return []
        } catch let error as ValidationError {
            return error.issues.map(\.description)
        } catch {
            return ["not JSON"]
        }
    }

    @Test func aQueryReadsBackAsSent() throws {
        #expect(try AggregateQuery.read(query.jsonValue) == query)
        #expect(query.quarters.map(\.description) == ["2026Q2", "2026Q3"])
    }

    @Test(arguments: [
        (
            #"{"queryId":"x","measure":"relocations","quarter":"2026Q3","quarters":2,"analyst":"a.khan","purpose":"board pack preparation work"}"#,
            ["queryId: \"x\" must be 8-64 lowercase letters, digits and hyphens"]
        ),
        (
            #"{"queryId":"query-0001","measure":"everything","quarter":"2026Q3","quarters":2,"analyst":"a.khan","purpose":"board pack preparation work"}"#,
            [
                "measure: \"everything\" must be one of relocations, relocation-briefing, county-lines, perpetrators, missing-episodes, return-interviews, known-in-several-areas"
            ]
        ),
        (
            #"{"queryId":"query-0001","measure":"relocations","quarter":"2026-09","quarters":9,"analyst":"a.khan","purpose":"board pack preparation work"}"#,
            [
                "quarter: \"2026-09\" must be a quarter written YYYYQN, such as 2026Q3",
                "quarters: 9 must be a whole number of quarters from 1 to 8",
            ]
        ),
        (
            #"{"queryId":"query-0001","measure":"relocations","quarter":"2026Q3","quarters":2,"tables":["by-colour"],"analyst":"a.khan"}"#,
            [
                "tables: [\"by-colour\"] `by-colour` is not a table of relocations; its tables are by-originating-authority, by-receiving-authority, by-reason, by-accommodation, by-risk-level, by-age-band, originating-by-receiving",
                "purpose: is required: why the query is asked, in at least 3 words",
            ]
        ),
        (
            #"{"queryId":"query-0001","measure":"relocations","quarter":"2026Q3","quarters":2,"analyst":"a.khan","purpose":"board pack preparation work","sql":"SELECT *"}"#,
            ["sql: is not a known field here; known fields are: analyst, measure, purpose, quarter, quarters, queryId, tables"]
        ),
    ])
    func aQueryIsRefusedNamingEveryProblem(text: String, expected: [String]) {
        #expect(problems(text) == expected)
    }

    func answer(_ counts: [[Int]], from authority: AuthorityName, unsent: [String] = [], empty: [String] = []) -> AggregateAnswer {
        let labels = TableLabels(
            measure: .relocations, name: "by-risk-level", rowDimension: "quarter", columnDimension: "risk-level", rows: ["2026Q2", "2026Q3"],
            columns: ["low", "medium", "high", "very-high"])
        let tables = unsent.isEmpty && empty.isEmpty ? [ProtectedTableAnswer(CountTable(labels, counts: counts), rules: .floor)!] : []
        return AggregateAnswer(
            authority: authority, queryID: query.queryID, measure: .relocations, quarters: query.quarters, tables: tables, unsent: unsent,
            empty: empty,
            notes: [])
    }

    @Test func anAnswerMustAccountForEveryTableAskedAndOnlyThose() throws {
        let good = answer([[20, 30, 40, 50], [3, 30, 40, 50]], from: camden)
        #expect(try AggregateAnswer.read(good.jsonValue, answering: query) == good)
        let none = answer([], from: camden, empty: ["by-risk-level"])
        #expect(try AggregateAnswer.read(none.jsonValue, answering: query) == none)
        var silent = good.jsonValue.objectValue!
        silent["tables"] = .array([])
        #expect(throws: ValidationError.self) { try AggregateAnswer.read(.object(silent), answering: query) }
        var other = good.jsonValue.objectValue!
        other["quarters"] = .array([.string("2026Q3")])
        #expect(throws: ValidationError.self) { try AggregateAnswer.read(.object(other), answering: query) }
    }

    @Test func anAnswerCarriesSeriesBreaksOnlyWithinTheQuartersAsked() throws {
        let good = answer([[20, 30, 40, 50], [3, 30, 40, 50]], from: camden)
        #expect(good.jsonValue.objectValue?["seriesBreaks"] == nil, "no member without a break, so older readers read it")
        func reading(_ breaks: JSONValue) -> [String] {
            var object = good.jsonValue.objectValue!
            object["seriesBreaks"] = breaks
            do {
                let read = try AggregateAnswer.read(.object(object), answering: query)
                return read.seriesBreaks.map { "\($0.date) \($0.note)" }
            } catch {
                return error.issues.map(\.description)
            }
        }
        #expect(
            reading([["date": "2026-09-30", "note": "b"], ["date": "2026-04-01", "note": " a "]]) == ["2026-04-01 a", "2026-09-30 b"])
        #expect(reading([["date": "2026-03-31", "note": "before"]]) == ["seriesBreaks: must list breaks dated within the quarters asked"])
        #expect(
            reading([["date": "2026-04-01", "note": "a\u{0}b"]]) == [
                "seriesBreaks[0].note: \"a\\u0000b\" contains a control character (such as a tab or newline); remove it"
            ])
        #expect(reading([["date": "2026-04-01"]]) == ["seriesBreaks[0].note: is required: what changed, in one sentence"])
        #expect(
            reading(.array(Array(repeating: ["date": "2026-04-01", "note": "a"], count: 11))).first?.hasPrefix("seriesBreaks:") == true)
        let tokens = AggregateQuery(
            queryID: "query-0002", measure: .knownInSeveralAreas, quarter: Quarter("2026Q3")!, quarterCount: 1, tables: nil,
            analyst: try OperatorName("a.khan"), purpose: try Justification("quarterly board pack preparation"))
        var object = AggregateAnswer(
            authority: camden, queryID: tokens.queryID, measure: .knownInSeveralAreas, quarters: tokens.quarters, tables: [],
            tokens: ReleasedTokens(rules: .floor, tokens: nil, uncounted: ReleasedCount(value: 0, status: .exact)), notes: []
        ).jsonValue.objectValue!
        _ = try AggregateAnswer.read(.object(object), answering: tokens)
        object["seriesBreaks"] = [["date": "2026-08-01", "note": "a"]]
        #expect(throws: ValidationError.self) { try AggregateAnswer.read(.object(object), answering: tokens) }
    }

    @Test func regionalFiguresAddWhatWasReleasedAndSayWhatIsMissing() throws {
        let definition = Measure.relocations.tables.first { $0.name == "by-risk-level" }!
        func regional(_ answers: [AggregateAnswer], missing: [AuthorityName] = []) -> RegionalTable {
            RegionalTable(definition, measure: .relocations, quarters: query.quarters, answers: answers, missing: missing)
        }
        let a = answer([[20, 30, 40, 50], [20, 30, 40, 50]], from: camden)
        let b = answer([[10, 10, 10, 10], [10, 10, 10, 10]], from: haringey)
        #expect(regional([a, b]).cells[0].map(\.display) == ["30", "40", "50", "60"])
        #expect(regional([a, b]).total.status == .rounded)
        // camden's 3 is suppressed, and what would give it away withheld too.
        let small = answer([[3, 30, 40, 50], [20, 30, 40, 50]], from: camden)
        let cells = small.tables[0].table.cells
        #expect(cells[0][0].status == .suppressed && cells.joined().contains { $0.status == .secondary })
        #expect(regional([small]).cells[0][0].display == "<8")
        #expect(regional([small, b]).cells[0][0].display == "≥10" && regional([small, b]).cells[0][0].status == .lowerBound)
        #expect(regional([small]).cells.joined().contains { $0.display == "≥0" }, "a secondary count may be any size")
        // haringey silent, or unable to send the table: missing, never zero.
        #expect(regional([a], missing: [haringey]).cells[0].map(\.display) == ["≥20?", "≥30?", "≥40?", "≥50?"])
        let unsent = regional([a, answer([], from: haringey, unsent: ["by-risk-level"])])
        #expect(unsent.missing == [haringey] && unsent.total.status == .incomplete)
        let none = regional([a, answer([], from: haringey, empty: ["by-risk-level"])])
        #expect(none.missing.isEmpty && none.cells[0].map(\.display) == ["20", "30", "40", "50"])
    }

    @Test func tokensLeaveOnlyPaddedToTheBaseAndNeverFewerThanTheThreshold() throws {
        var random = SeededGenerator(seed: 1)
        let few = Set((0..<7).compactMap { KeyedToken(hex: String(repeating: "\($0)", count: 32)) })
        #expect(few.count == 7)
        #expect(PersonTokens.released(few, rules: .floor, using: &random) == nil)
        let some = few.union([KeyedToken(high: 0xaa << 56, low: 0), KeyedToken(high: 0xbb << 56, low: 0)])
        let padded = try #require(PersonTokens.released(some, rules: .floor, using: &random))
        #expect(padded.count == 10 && some.isSubset(of: padded) && padded == padded.sorted())
        var issues = IssueCollector()
        let small = ReleasedTokens(rules: .floor, tokens: Array(padded.prefix(7)), uncounted: ReleasedCount(value: 0, status: .exact))
        #expect(ReleasedTokens.read(small.jsonValue, at: .root, issues: &issues) == nil)
        #expect(issues.issues.map(\.description) == ["tokens: must hold at least 8 tokens, a multiple of 5, at most 100000; this set has 7"])
    }

    @Test func tokensReadOnlyAsThirtyTwoLowercaseHexDigitsAndSortAsTheirText() throws {
        var random = SeededGenerator(seed: 2)
        let tokens = (0..<200).map { _ in KeyedToken.random(using: &random) }
        #expect(tokens.allSatisfy { KeyedToken(hex: $0.hex) == $0 && $0.hex.utf8.count == 32 })
        #expect(tokens.sorted().map(\.hex) == tokens.map(\.hex).sorted())
        let hash = (1...32).map(UInt8.init)
        #expect(hash.withUnsafeBytes { KeyedToken(hash: $0) }.hex == "0102030405060708090a0b0c0d0e0f10")
        let text = "0123456789abcdef0123456789abcdef"
        #expect(KeyedToken(hex: text)?.hex == text)
        for bad in [String(text.dropLast()), text + "0", text.uppercased(), "g" + text.dropFirst(), " " + text.dropFirst(), ""] {
            #expect(KeyedToken(hex: bad) == nil, "\(bad)")
        }
        // A well-formed set out of order, or with a token twice, is refused whole.
        let sorted = tokens.prefix(10).sorted()
        for list in [Array(sorted.reversed()), Array(sorted.prefix(9)) + [sorted[8]]] {
            var issues = IssueCollector()
            let set = ReleasedTokens(rules: .floor, tokens: list, uncounted: ReleasedCount(value: 0, status: .exact))
            #expect(ReleasedTokens.read(set.jsonValue, at: .root, issues: &issues) == nil)
            #expect(issues.issues.map(\.description) == ["tokens: must list distinct tokens of 32 lowercase hex digits, in order"])
        }
    }
}
