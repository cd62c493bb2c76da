import Testing
import VVECore
import VVETestSupport

/// The `county-lines` measure counts each line once per table in the quarter it was first
/// seen, each importing area, linked person and cuckooed address once.
@Suite struct CountyLinesMeasureTests {
    let camden = AuthorityName("camden")!
    let quarters = Quarter("2026Q3")!.trend(of: 8)

    func records(_ count: Int, seed: UInt64) -> [CaseRecord] {
        var generator = SyntheticRecords(seed: seed, owner: camden, today: CalendarDate("2026-11-23")!)
        var random = SeededGenerator(seed: seed)
        let time = Timestamp(millisecondsSinceEpoch: 1_795_460_340_000)
        return (0..<count).map { index in
            var draft = generator.nextDraft(kind: index % 6 == 0 ? .relocation : .countyLinesLink)
            if case .countyLinesLink(var fields) = draft.fields {
                fields.firstSeen = CalendarDate("2024-04-01")!.adding(days: Int(random.next() % 912))
                draft.fields = .countyLinesLink(fields)
                draft.status = RecordStatus.allCases[Int(random.next() % UInt64(RecordStatus.allCases.count))]
            }
            return CaseRecord(draft: draft, id: RecordID.make(at: time, sequence: index, owner: camden, using: &random), node: camden, at: time)
        }
    }

    @Test(arguments: [1, 2] as [UInt64])
    func everyCellIsARecount(seed: UInt64) throws {
        let records = records(300, seed: seed)
        let tables = Measure.countyLines.countTables(records, quarters: quarters, countedAt: countedAt)
        #expect(tables.map(\.labels.name) == Measure.countyLines.tables.filter { !$0.isDerived }.map(\.name))
        let lines = records.compactMap { record -> (RecordStatus, CountyLinesLink)? in
            guard case .countyLinesLink(let fields)? = record.fields else { return nil }
            return (record.status, fields)
        }
        #expect(
            lines.contains { !$0.1.cuckooedAddresses.isEmpty } && lines.contains { $0.1.importingAreas.count > 1 }, "the data exercises the lists")
        for table in tables where table.labels.rowDimension == "quarter" {
            for (row, quarter) in quarters.enumerated() {
                for (column, label) in table.labels.columns.enumerated() {
                    let expected = lines.filter { Quarter(containing: $0.1.firstSeen) == quarter }.map {
                        Self.values(table.labels.name, $0.0, $0.1).filter { $0 == label }.count
                    }
                    .reduce(0, +)
                    #expect(table.counts[row][column] == expected, "\(table.labels.name) \(quarter) \(label)")
                }
            }
        }
        let flow = try #require(tables.last)
        let year = Set(quarters.suffix(4))
        for (row, exporting) in flow.labels.rows.enumerated() {
            for (column, importing) in flow.labels.columns.enumerated() {
                let expected = lines.filter {
                    year.contains(Quarter(containing: $0.1.firstSeen)) && $0.1.exportingArea.rawValue == exporting
                        && $0.1.importingAreas.map(\.rawValue).contains(importing)
                }.count
                #expect(flow.counts[row][column] == expected)
            }
        }
    }

    /// What a line is counted under in each table by quarter, written out apart from the
    /// measure's own code.
    static func values(_ table: String, _ status: RecordStatus, _ link: CountyLinesLink) -> [String] {
        switch table {
        case "by-exporting-area": [link.exportingArea.rawValue]
        case "by-importing-area": link.importingAreas.map(\.rawValue)
        case "by-risk-level": [link.riskLevel.rawValue]
        case "by-nrm-referral": [link.nrmReferral ? "yes" : "no"]
        case "by-status": [status.rawValue]
        case "linked-people-by-role": link.linkedPeople.map(\.role.rawValue)
        case "cuckooed-addresses-by-district":
            link.cuckooedAddresses.map { address in address.postcode.map { String($0.description.split(separator: " ")[0]) } ?? "unknown" }
        default: ["no such table: \(table)"]
        }
    }

    @Test func aPostcodeDistrictIsItsOutwardCode() {
        #expect(Postcode("n17 6ab")?.district == "N17")
        #expect(Postcode("NR11AA")?.district == "NR1")
    }
}
