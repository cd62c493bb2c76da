import Testing
import VVECore

/// A protected table on the wire: it reads back as sent, and the asking side refuses any
/// table that releases a small count or leaves a withheld one recoverable.
@Suite struct ProtectedTableAnswerTests {
    let floor = DisclosureRules.floor

    func table(_ counts: [[Int]]) -> CountTable {
        CountTable(
            TableLabels(
                measure: .relocations, name: "by-risk-level", rowDimension: "quarter", columnDimension: "risk-level",
                rows: counts.indices.map { "2026Q\($0 + 1)" }, columns: ["low", "medium", "high", "very-high"].prefix(counts[0].count).map { $0 }),
            counts: counts)
    }

    func refusal(_ change: (inout JSONObject) -> Void) -> [String] {
        var object = ProtectedTableAnswer(table([[3, 20, 40], [10, 30, 50], [0, 12, 60]]), rules: floor)!.jsonValue.objectValue!
        change(&object)
        do {
            _ = try ProtectedTableAnswer.read(.object(object))
            return []
        } catch {
            return error.issues.map(\.description)
        }
    }

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func aProtectedTableReadsBackAsSent(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let counts = (0..<4).map { _ in (0..<4).map { _ in random.next() % 2 == 0 ? Int(random.next() % 9) : Int(random.next() % 80) } }
        let sent = try #require(ProtectedTableAnswer(table(counts), rules: floor))
        let json = try JSONParser.parse(Array(JSONWriter.canonical(sent.jsonValue).utf8))
        #expect(try ProtectedTableAnswer.read(json) == sent)
    }

    /// The example of docs/protocol.md, byte for byte.
    @Test func theProtocolsExampleIsWhatANodeSends() throws {
        let sent = try #require(
            ProtectedTableAnswer(
                CountTable(
                    TableLabels(
                        measure: .relocations, name: "by-risk-level", rowDimension: "quarter", columnDimension: "risk-level", rows: ["2026Q3"],
                        columns: ["low", "medium"]), counts: [[3, 20]]), rules: floor))
        #expect(
            JSONWriter.canonical(sent.jsonValue)
                == #"{"cells":[[{"status":"suppressed"},{"status":"secondary"}]],"columnDimension":"risk-level","columnTotals":[{"status":"suppressed"},{"status":"secondary"}],"columns":["low","medium"],"measure":"relocations","mode":"protected","roundingBase":5,"rowDimension":"quarter","rowTotals":[{"status":"rounded","value":25}],"rows":["2026Q3"],"table":"by-risk-level","threshold":8,"total":{"status":"rounded","value":25}}"#
        )
    }

    /// A peer's labels reach a terminal, a page and a spreadsheet: only the catalogue's kind.
    @Test func aLabelThatIsNotTheCataloguesKindIsRefused() {
        let rule = "must list 1-100 distinct labels, each 1-64 letters, digits, spaces and - + . _, starting with a letter or digit"
        for bad in ["=HYPERLINK(\"http://x\")", "@SUM(A1)", "+44", "-2", "red\u{1B}[31m", "café", " N17", String(repeating: "a", count: 65)] {
            let refused = refusal { $0["rows"] = [.string(bad), "2026Q2", "2026Q3"] }
            #expect(refused.count == 1 && refused.allSatisfy { $0.hasPrefix("rows: ") && $0.hasSuffix(rule) }, "\(bad)")
        }
        for good in ["N17", "camden+haringey", "18-25", "2026Q1", "under 10", "a.b_c"] {
            #expect(refusal { $0["rows"] = [.string(good), "2026Q2", "2026Q3"] } == [], "\(good)")
        }
    }

    @Test func aTableWithNothingToCountIsNotSent() {
        let empty = CountTable(
            TableLabels(measure: .relocations, name: "t", rowDimension: "quarter", columnDimension: "area", rows: ["2026Q3"], columns: []),
            counts: [[]])
        #expect(ProtectedTableAnswer(empty, rules: floor) == nil)
    }

    @Test func aSmallOrUnroundedCountIsRefused() {
        #expect(
            refusal {
                $0["cells"] = [
                    [["status": "rounded", "value": 5], ["status": "secondary"], ["status": "rounded", "value": 40]],
                    [["status": "secondary"], ["status": "rounded", "value": 30], ["status": "rounded", "value": 50]],
                    [["status": "exact", "value": 0], ["status": "rounded", "value": 10], ["status": "rounded", "value": 60]],
                ]
            }
            .contains(
                "cells[0][0]: {\"status\":\"rounded\",\"value\":5} a rounded count must be a multiple of 5 standing for counts of at least 8, at most 1000000000; never a small count"
            ))
        #expect(
            refusal { $0["total"] = ["status": "rounded", "value": 227] }.contains { $0.hasPrefix("total: ") && $0.hasSuffix("never a small count") })
        #expect(
            refusal { $0["total"] = ["status": "exact", "value": 3] } == [
                "total: {\"status\":\"exact\",\"value\":3} an exact count is 0, and a withheld one carries no value"
            ])
        #expect(refusal { $0["total"] = ["status": "suppressed", "value": 3] }.count == 1)
        #expect(
            refusal { $0["threshold"] = 5 } == [
                "threshold: 5 is refused: a threshold of 5 is below the floor; it must be 8 to 1000 (counts below it are suppressed)"
            ])
        #expect(refusal { $0["mode"] = "secure-sum" } == ["mode: \"secure-sum\" must be protected, the only mode"])
        #expect(refusal { $0["rowTotals"] = [] } == ["rowTotals: [] must hold 3 counts"])
        #expect(
            refusal { object in
                object["rows"] = .array((0..<41).map { .string("r\($0)") })
                object["columns"] = .array((0..<50).map { .string("c\($0)") })
            } == ["cells: must hold at most 2000 counts; this table has 2050"])
    }

    /// A node whose suppression went wrong cannot release a count that can be worked out.
    @Test func aWithheldCountTheOthersPinIsRefused() throws {
        // 3 and 18 make a row of 21: with 18 released as 20 and the row as 20, the 3 is at
        // most 22 - 18; its column (30 and a total of 35) puts it at 1 at least.
        let protected = try #require(ProtectedTableAnswer(table([[3, 18], [30, 40]]), rules: floor))
        #expect(try ProtectedTableAnswer.read(protected.jsonValue) == protected)
        var object = protected.jsonValue.objectValue!
        object["cells"] = [
            [["status": "suppressed"], ["status": "rounded", "value": 20]],
            [["status": "rounded", "value": 30], ["status": "rounded", "value": 40]],
        ]
        object["rowTotals"] = [["status": "rounded", "value": 20], ["status": "rounded", "value": 70]]
        object["columnTotals"] = [["status": "rounded", "value": 35], ["status": "rounded", "value": 60]]
        object["total"] = ["status": "rounded", "value": 90]
        #expect(throws: ValidationError.self) { try ProtectedTableAnswer.read(.object(object)) }
        do {
            _ = try ProtectedTableAnswer.read(.object(object))
        } catch {
            #expect(
                error.issues.map(\.description) == [
                    "cells[0][0]: is withheld, but the released counts pin it to 1-4; a table must leave every withheld count a threshold wide"
                ])
        }
    }
}
