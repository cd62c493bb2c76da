import Testing
import VVECore
import VVETestSupport

/// `relocation-briefing` bands each relocation by the days its acknowledgement took, and
/// gives each row the lower median of those days, from counts kept beside the bands.
@Suite struct RelocationBriefingMeasureTests {
    let camden = AuthorityName("camden")!
    let quarters = Quarter("2026Q3")!.trend(of: 8)

    func relocations(_ count: Int, seed: UInt64) -> [CaseRecord] {
        var generator = SyntheticRecords(seed: seed, owner: camden, today: CalendarDate("2026-11-23")!)
        var random = SeededGenerator(seed: seed)
        return (0..<count).map { index in
            var draft = generator.nextDraft(kind: .relocation)
            if case .relocation(var fields) = draft.fields {
                fields.moveDate = CalendarDate("2024-10-01")!.adding(days: Int(random.next() % 730))
                if let acknowledgement = fields.acknowledgement {
                    fields.acknowledgement = Acknowledgement(
                        by: acknowledgement.by, date: fields.moveDate.adding(days: Int(random.next() % 30) - 2))
                }
                draft.fields = .relocation(fields)
            }
            let time = Timestamp(millisecondsSinceEpoch: 1_795_460_340_000)
            return CaseRecord(draft: draft, id: RecordID.make(at: time, sequence: index, owner: camden, using: &random), node: camden, at: time)
        }
    }

    /// The ⌈n/2⌉-th smallest of `days`, ahead-of-move briefings counted as the same day.
    func lowerMedian(_ days: [Int]) -> Int? {
        guard !days.isEmpty else { return nil }
        return days.map { max(0, $0) }.sorted()[(days.count + 1) / 2 - 1]
    }

    @Test func theLowerMedianIsADayThatSomeRelocationTook() {
        #expect(RowMedian(histogram: [:]) == nil)
        #expect(RowMedian(histogram: [4: 1]) == RowMedian(days: 4, count: 1))
        #expect(RowMedian(histogram: [1: 1, 5: 1]) == RowMedian(days: 1, count: 2))
        #expect(RowMedian(histogram: [0: 2, 3: 1, 9: 2]) == RowMedian(days: 3, count: 5))
        #expect(RowMedian(histogram: [2: 3, 9: 1]) == RowMedian(days: 2, count: 4))
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func eachRowsMedianIsTheMedianOfItsAcknowledgedRelocations(seed: UInt64) throws {
        let records = relocations(400, seed: seed)
        let moves = records.compactMap { record -> Relocation? in
            guard case .relocation(let fields)? = record.fields else { return nil }
            return fields
        }
        func days(_ move: Relocation) -> Int? { move.acknowledgement.map { $0.date.daysSinceEpoch - move.moveDate.daysSinceEpoch } }
        let tables = Measure.relocationBriefing.countTables(records, quarters: quarters, countedAt: countedAt)
        #expect(tables.map(\.labels.name) == ["by-days-to-acknowledge", "receiving-authority-by-days"])
        let trend = try #require(tables.first?.medians)
        #expect(trend.count == quarters.count)
        for (row, quarter) in quarters.enumerated() {
            let taken = moves.filter { Quarter(containing: $0.moveDate) == quarter }.compactMap(days)
            #expect(trend[row]?.days == lowerMedian(taken) && (trend[row]?.count ?? 0) == taken.count, "\(quarter)")
        }
        let flow = try #require(tables.last)
        let year = Set(quarters.suffix(4))
        let medians = try #require(flow.medians)
        #expect(medians.count == flow.labels.rows.count && !flow.labels.rows.isEmpty)
        for (row, receiving) in flow.labels.rows.enumerated() {
            let taken = moves.filter { year.contains(Quarter(containing: $0.moveDate)) && $0.receivingAuthority.rawValue == receiving }
                .compactMap(days)
            #expect(medians[row]?.days == lowerMedian(taken), "\(receiving)")
        }
        // The counts of days are kept with the bands, and never make a table of their own.
        let kept = QuarterCounts.counting(records, measure: .relocationBriefing, quarters: Set(quarters), countedAt: countedAt)
        #expect(kept.values.contains { $0.counts.keys.contains { $0.table == "days" } })
        #expect(Measure.relocations.countTables(records, quarters: quarters, countedAt: countedAt).allSatisfy { $0.medians == nil })
    }

    @Test func aMedianLeavesOnlyWithAtLeastTheThresholdBehindIt() throws {
        let labels = TableLabels(
            measure: .relocationBriefing, name: "by-days-to-acknowledge", rowDimension: "quarter", columnDimension: "days-to-acknowledge",
            rows: ["2026Q1", "2026Q2", "2026Q3"], columns: ["same-day", "later", "not-yet"])
        let counts = CountTable(
            labels, counts: [[40, 50, 0], [20, 30, 0], [30, 30, 30]],
            medians: [RowMedian(days: 2, count: 90), RowMedian(days: 9, count: 7), RowMedian(days: 1, count: 60)])
        let sent = try #require(ProtectedTableAnswer(counts, rules: .floor))
        #expect(sent.medians == [2, nil, 1])
        let json = try JSONParser.parse(Array(JSONWriter.canonical(sent.jsonValue).utf8))
        #expect(json["medians"] == [2, .null, 1])
        #expect(try ProtectedTableAnswer.read(json) == sent)

        func issues(_ object: JSONObject) -> [String] {
            do {
                _ = try ProtectedTableAnswer.read(.object(object))
                return []
            } catch {
                return error.issues.map(\.description)
            }
        }
        func refusal(_ change: (inout JSONObject) -> Void) -> [String] {
            var object = sent.jsonValue.objectValue!
            change(&object)
            return issues(object)
        }
        let rule = "medians: must hold 3 medians, one per row, each whole days 0-3650 or null"
        #expect(refusal { $0["medians"] = [2, 1] } == [rule])
        #expect(refusal { $0["medians"] = [-1, .null, 1] } == [rule])
        #expect(refusal { $0["medians"] = [2, "3", 1] } == [rule])
        #expect(refusal { $0["medians"] = [2, .null, 3651] } == [rule])
        #expect(
            refusal { $0["measure"] = "relocations" }
                == ["medians: are not offered by relocations by-days-to-acknowledge; a table carries only what the catalogue lists"])
        // No row shows an acknowledged band of at least the threshold: the seven of 2026Q2 are
        // suppressed, and the others' withheld to protect them. A median would tell what the
        // table hides (that at least the threshold were acknowledged), so none leaves, and a
        // forged one is refused.
        let hidden = CountTable(
            labels, counts: [[40, 45, 50], [3, 4, 30], [50, 40, 60]],
            medians: [RowMedian(days: 0, count: 85), RowMedian(days: 4, count: 7), RowMedian(days: 1, count: 90)])
        let hiddenSent = try #require(ProtectedTableAnswer(hidden, rules: .floor))
        #expect(hiddenSent.table.cells[0][0].status == .secondary && hiddenSent.medians == [nil, nil, nil])
        var forged = hiddenSent.jsonValue.objectValue!
        forged["medians"] = [.null, 4, .null]
        #expect(
            issues(forged) == [
                "medians[1]: 4 is released for a row where none of the counts it is taken over is released as at least 8; a median leaves only where the table shows that many behind it"
            ])
    }
}
