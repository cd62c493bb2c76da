import Testing
import VVECore
import VVETestSupport

/// The `relocations` measure counts each of a node's relocations once per table, in the
/// quarter of its move, under the value it holds.
@Suite struct RelocationsMeasureTests {
    let camden = AuthorityName("camden")!
    let quarters = Quarter("2026Q3")!.trend(of: 8)

    func records(_ count: Int, seed: UInt64) -> [CaseRecord] {
        var generator = SyntheticRecords(seed: seed, owner: camden, today: CalendarDate("2026-11-23")!)
        var random = SeededGenerator(seed: seed)
        return (0..<count).map { index in
            var draft = generator.nextDraft(kind: index % 5 == 0 ? .countyLinesLink : .relocation)
            if case .relocation(var fields) = draft.fields {
                // Moves spread over ten quarters, two of them outside the eight asked.
                fields.moveDate = CalendarDate("2024-04-01")!.adding(days: Int(random.next() % 912))
                draft.fields = .relocation(fields)
            }
            let time = Timestamp(millisecondsSinceEpoch: 1_795_460_340_000)
            return CaseRecord(draft: draft, id: RecordID.make(at: time, sequence: index, owner: camden, using: &random), node: camden, at: time)
        }
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func everyCellIsTheNumberOfRelocationsWithThatQuarterAndValue(seed: UInt64) throws {
        let records = records(300, seed: seed)
        let tables = Measure.relocations.countTables(records, quarters: quarters, countedAt: countedAt)
        #expect(tables.map(\.labels.name) == Measure.relocations.tables.map(\.name))
        let relocations = records.compactMap { record -> Relocation? in
            guard case .relocation(let fields)? = record.fields else { return nil }
            return fields
        }
        let values: [String: (Relocation) -> String] = [
            "by-originating-authority": { $0.originatingAuthority.rawValue }, "by-receiving-authority": { $0.receivingAuthority.rawValue },
            "by-reason": { $0.reasonCategory.rawValue }, "by-accommodation": { $0.accommodationType.rawValue },
            "by-risk-level": { $0.riskLevel.rawValue },
            "by-age-band": { AgeBand(dateOfBirth: $0.youngPerson.dateOfBirth, on: $0.moveDate).rawValue },
        ]
        let inWindow = relocations.filter { quarters.contains(Quarter(containing: $0.moveDate)) }
        #expect(inWindow.count < relocations.count, "some moves fall outside the quarters asked")
        for table in tables where table.labels.rowDimension == "quarter" {
            let value = try #require(values[table.labels.name])
            #expect(table.labels.rows == quarters.map(\.description))
            #expect(table.counts.flatMap { $0 }.reduce(0, +) == inWindow.count, "\(table.labels.name) counts each move once")
            for (row, quarter) in quarters.enumerated() {
                for (column, label) in table.labels.columns.enumerated() {
                    let expected = relocations.filter { Quarter(containing: $0.moveDate) == quarter && value($0) == label }.count
                    #expect(table.counts[row][column] == expected, "\(table.labels.name) \(quarter) \(label)")
                }
            }
        }
        let flow = try #require(tables.last)
        let year = Set(quarters.suffix(4))
        for (row, origin) in flow.labels.rows.enumerated() {
            for (column, receiving) in flow.labels.columns.enumerated() {
                let expected = relocations.filter {
                    year.contains(Quarter(containing: $0.moveDate)) && $0.originatingAuthority.rawValue == origin
                        && $0.receivingAuthority.rawValue == receiving
                }.count
                #expect(flow.counts[row][column] == expected)
            }
        }
        #expect(flow.counts.flatMap { $0 }.reduce(0, +) == relocations.filter { year.contains(Quarter(containing: $0.moveDate)) }.count)
    }

    @Test func aFixedVocabularyShowsEveryValueEvenAtZero() {
        let tables = Measure.relocations.countTables([], quarters: quarters, countedAt: countedAt)
        let risk = tables.first { $0.labels.name == "by-risk-level" }!
        #expect(risk.labels.columns == ["low", "medium", "high", "very-high"])
        #expect(risk.counts == Array(repeating: [0, 0, 0, 0], count: 8))
        #expect(tables.first { $0.labels.name == "by-receiving-authority" }!.labels.columns.isEmpty)
    }
}
