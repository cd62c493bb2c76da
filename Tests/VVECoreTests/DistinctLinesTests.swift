import Testing
import VVECore

/// `county-lines`' `distinct-lines`: each node's line records as groups of deal-line tokens,
/// padded so their number says only the rounded count; the asking node joins groups that share
/// a token, so a line known to several authorities is counted once, and padding changes
/// nothing it derives.
@Suite struct DistinctLinesTests {
    let encoder = MatchKeyEncoder(key: LinkageKey(bytes: Array(repeating: 3, count: 32))!)
    let query = AggregateQuery(
        queryID: "lines-0001", measure: .countyLines, quarter: Quarter("2026Q3")!, quarterCount: 4, tables: ["by-status", "distinct-lines"],
        analyst: try! OperatorName("a.khan"), purpose: try! Justification("quarterly board pack preparation"))

    func number(_ n: Int) -> PhoneNumber { PhoneNumber("07700 900\(String(1000 + n).dropFirst())")! }

    func token(_ n: UInt64) -> KeyedToken { KeyedToken(high: n, low: 0) }

    @Test func groupsThatShareATokenAreOneLineHoweverTheyChain() {
        #expect(DistinctLines.repeatedGroups([]) == 0)
        #expect(DistinctLines.repeatedGroups([[token(1)], [token(2)], [token(3)]]) == 0)
        // 1-2 and 2-3 chain three records into one line; 4 alone; 5 twice.
        #expect(DistinctLines.repeatedGroups([[token(1), token(2)], [token(4)], [token(2), token(3)], [token(3)], [token(5)], [token(5)]]) == 3)
        // Two groups joined by two tokens are still one join.
        #expect(DistinctLines.repeatedGroups([[token(1), token(2)], [token(1), token(2)]]) == 1)
    }

    @Test func linesLeaveRoundedAndPaddedByOneBaseOrNotAtAll() throws {
        var random = SeededGenerator(seed: 4)
        let tokens = LineTokens(encoder: encoder, queryID: query.queryID)
        let none = LineTokens.released([], rules: .floor, using: &random)
        #expect(none == ReleasedLines(rules: .floor, count: 0, groups: []))
        // A node with no lines says so with an empty list, and one that left the list out is
        // read the same; any other count needs its groups.
        #expect(none.jsonValue["groups"] == .array([]) && none.jsonValue["count"] == .integer(0))
        var noneIssues = IssueCollector()
        #expect(ReleasedLines.read(none.jsonValue, at: .root, issues: &noneIssues) == none)
        let listLeftOut: JSONValue = ["threshold": 8, "roundingBase": 5, "withheld": false, "count": 0]
        #expect(ReleasedLines.read(listLeftOut, at: .root, issues: &noneIssues) == none && noneIssues.isEmpty)
        let countWithoutGroups: JSONValue = ["threshold": 8, "roundingBase": 5, "withheld": false, "count": 10]
        #expect(ReleasedLines.read(countWithoutGroups, at: .root, issues: &noneIssues) == nil)
        let groupsNotAList: JSONValue = ["threshold": 8, "roundingBase": 5, "withheld": false, "count": 0, "groups": "none"]
        #expect(ReleasedLines.read(groupsNotAList, at: .root, issues: &noneIssues) == nil)
        #expect(
            noneIssues.issues.map(\.redactedDescription)
                == Array(repeating: "withheld: must be true with no count or groups, or false with both", count: 2))
        let few = tokens.groups((0..<7).map { [number($0)] }, using: &random)
        #expect(LineTokens.released(few, rules: .floor, using: &random) == ReleasedLines(rules: .floor, count: nil, groups: nil))
        for records in [8, 12, 13, 17, 40] {
            let groups = tokens.groups((0..<records).map { [number($0), number($0 + 500)] }, using: &random)
            let released = LineTokens.released(groups, rules: .floor, using: &random)
            let sent = try #require(released.groups)
            #expect(released.count == DisclosureRules.floor.rounded(records))
            #expect(sent.count == released.count! + 5, "\(records) records")
            #expect(Set(groups).isSubset(of: Set(sent)) && sent == sent.sorted(by: ReleasedLines.precedes))
            #expect(sent.allSatisfy { $0.count == 2 }, "padding takes the sizes of real groups")
            var issues = IssueCollector()
            #expect(ReleasedLines.read(released.jsonValue, at: .root, issues: &issues) == released)
        }
    }

    @Test func aDealLineWrittenTwoWaysIsOneTokenAndARecordWithoutOneIsALineOfItsOwn() {
        var random = SeededGenerator(seed: 5)
        let tokens = LineTokens(encoder: encoder, queryID: query.queryID)
        #expect(tokens.token(PhoneNumber("+44 7700 900123")!) == tokens.token(PhoneNumber("07700-900123")!))
        #expect(tokens.token(number(1)) != LineTokens(encoder: encoder, queryID: "lines-0002").token(number(1)))
        let groups = tokens.groups([[], [], [number(1), number(1)]], using: &random)
        #expect(groups.map(\.count) == [1, 1, 1] && groups[0] != groups[1])
        #expect(DistinctLines.repeatedGroups(groups) == 0)
    }

    /// Three authorities whose line records share deal lines in known ways, sent through the
    /// wire as each node would send them: the region counts what a direct count of the
    /// numbers gives, whatever the padding.
    @Test func theRegionCountsEachLineOnceAsADirectCountOfItsNumbersDoes() throws {
        let camden = (0..<30).map { [number($0)] }
        // haringey records ten of camden's lines, two of them under a second number too,
        // and a line under two of camden's numbers, which joins its 28 and 29 into one.
        let haringey = (20..<30).map { [number($0), number($0 + 100)] } + (200..<215).map { [number($0)] } + [[number(28), number(29)]]
        // enfield knows haringey's second numbers only, and has one line twice.
        let enfield = (120..<125).map { [number($0)] } + (300..<310).map { [number($0)] } + [[number(300)]]
        let all = camden + haringey + enfield
        // A direct count: lines joined while they share a number.
        var lines: [Set<PhoneNumber>] = []
        for record in all {
            let joined = lines.filter { !$0.isDisjoint(with: record) }
            lines.removeAll { !$0.isDisjoint(with: record) }
            lines.append(joined.reduce(Set(record)) { $0.union($1) })
        }
        let distinct = lines.count
        #expect(distinct == 29 + 15 + 10)
        for seed in [1, 2, 3] as [UInt64] {
            var random = SeededGenerator(seed: seed)
            let tokens = LineTokens(encoder: encoder, queryID: query.queryID)
            let answers = try [("camden", camden), ("haringey", haringey), ("enfield", enfield)].map { name, records in
                let sent = AggregateAnswer(
                    authority: AuthorityName(name)!, queryID: query.queryID, measure: .countyLines, quarters: query.quarters, tables: [],
                    empty: ["by-status"], lines: LineTokens.released(tokens.groups(records, using: &random), rules: .floor, using: &random),
                    notes: [])
                return try AggregateAnswer.read(sent.jsonValue, answering: query)
            }
            let table = DistinctLines.table(answers, missing: [], rules: .floor)
            // The records are the authorities' rounded counts: 30, 25 and 15 of 30, 26 and 16.
            let repeated = all.count - distinct
            #expect(repeated == 18)
            #expect(table.labels.columns == ["distinct", "repeated"] && table.labels.rows == ["all"])
            #expect(table.cells[0].map(\.value) == [70 - repeated, repeated].map(DisclosureRules.floor.rounded), "seed \(seed)")
            #expect(table.total.value == 70 && table.missing.isEmpty)
        }
    }

    @Test func anAnswerCarriesLinesExactlyWhenDistinctLinesIsAsked() throws {
        let withLines = AggregateAnswer(
            authority: AuthorityName("camden")!, queryID: query.queryID, measure: .countyLines, quarters: query.quarters, tables: [],
            empty: ["by-status"], lines: ReleasedLines(rules: .floor, count: nil, groups: nil), notes: [])
        #expect(try AggregateAnswer.read(withLines.jsonValue, answering: query) == withLines)
        var without = query
        without.tables = ["by-status"]
        func problems(_ answer: AggregateAnswer, _ asked: AggregateQuery) -> [String] {
            do {
                _ = try AggregateAnswer.read(answer.jsonValue, answering: asked)
                return []
            } catch { return error.issues.map(\.description) }
        }
        #expect(problems(withLines, without) == ["lines: must be absent: the query does not ask distinct-lines"])
        let noLines = AggregateAnswer(
            authority: AuthorityName("camden")!, queryID: query.queryID, measure: .countyLines, quarters: query.quarters, tables: [],
            empty: ["by-status"], notes: [])
        #expect(problems(noLines, query) == ["lines: is required: distinct-lines is answered with tokens of the deal lines"])
        // A count whose groups do not match it, and groups out of order, are refused.
        var random = SeededGenerator(seed: 9)
        let groups = (0..<15).map { _ in [KeyedToken.random(using: &random)] }.sorted(by: ReleasedLines.precedes)
        for (lines, expected) in [
            (ReleasedLines(rules: .floor, count: 15, groups: groups), "lines.groups: must hold 20 groups for a count of 15; this answer has 15"),
            (
                ReleasedLines(rules: .floor, count: 12, groups: groups),
                "lines.count: 12 must be a count released under the rules: 0 or a rounded count"
            ),
            (
                ReleasedLines(rules: .floor, count: 10, groups: groups.reversed()),
                "lines.groups: must list groups of 1-20 distinct tokens of 32 lowercase hex digits, each in order, the groups in order, at most 100000 tokens in all"
            ),
        ] {
            let answer = AggregateAnswer(
                authority: AuthorityName("camden")!, queryID: query.queryID, measure: .countyLines, quarters: query.quarters, tables: [],
                empty: ["by-status"], lines: lines, notes: [])
            #expect(problems(answer, query) == [expected])
        }
    }
}
