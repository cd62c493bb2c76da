import Testing
import VVECore

/// Disclosure control: the rules, the exact bounds an onlooker can work out, and protected
/// tables that release no small count and leave no withheld count recoverable.
@Suite struct DisclosureControlTests {
    let floor = DisclosureRules.floor

    @Test func theFloorIsSevenOrFewerSuppressedAndRoundingToFive() throws {
        #expect(floor.threshold == 8 && floor.roundingBase == 5)
        #expect((0...12).map(floor.isSmall) == [false] + Array(repeating: true, count: 7) + Array(repeating: false, count: 5))
        #expect([0, 8, 9, 10, 12, 13, 17, 18, 1002].map(floor.rounded) == [0, 10, 10, 10, 10, 15, 15, 20, 1000])
        #expect(floor.counts(releasedAs: 0) == 0...0)
        #expect(floor.counts(releasedAs: 10) == 8...12)
        #expect(floor.counts(releasedAs: 15) == 13...17)
        // No count is released as a small number, or as one off the base: never a trap.
        #expect([5, 7, 12, -5, Int.max].allSatisfy { floor.counts(releasedAs: $0) == nil })
        let stricter = try DisclosureRules.make(threshold: 10, roundingBase: 10).get()
        #expect([10, 14, 15, 24].map(stricter.rounded) == [10, 10, 20, 20])
        #expect(stricter.counts(releasedAs: 20) == 15...24)
    }

    @Test func rulesLooserThanTheFloorAreRefusedWithTheRange() {
        #expect(DisclosureRules.make(threshold: 8, roundingBase: 5) == .success(floor))
        #expect(
            DisclosureRules.make(threshold: 5, roundingBase: 5).failure?.description
                == "a threshold of 5 is below the floor; it must be 8 to 1000 (counts below it are suppressed)")
        #expect(
            DisclosureRules.make(threshold: 10, roundingBase: 3).failure?.description
                == "a rounding base of 3 is not allowed; it must be 5 to the threshold, 10")
        #expect(DisclosureRules.make(threshold: 10, roundingBase: 20).failure == .roundingBase(20, threshold: 10))
    }

    /// `TableBounds` against every 2 by 2 table with counts up to a cap: the lowest and
    /// highest values of each withheld entry are the ones enumeration finds.
    @Test(arguments: 1...12 as ClosedRange<UInt64>)
    func boundsAreWhatEnumerationFinds(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let counts = (0..<2).map { _ in (0..<2).map { _ in Int(random.next() % 13) } }
        let grid = gridOf(counts)
        var released: [[Int?]] = grid.map { $0.map { floor.isSmall($0) ? nil : floor.rounded($0) } }
        for _ in 0..<2 {
            let place = Int(random.next() % 9)
            released[place / 3][place % 3] = nil
        }
        let bounds = TableBounds(released: released, rules: floor)
        let cap = 24
        // Each entry's released range, flat: the cells, row totals, column totals, total.
        let allowed: [ClosedRange<Int>] = (0..<9).map { index in
            released[index / 3][index % 3].map { floor.counts(releasedAs: $0)! } ?? 0...Int.max
        }
        var lowest = Array(repeating: Int.max, count: 9)
        var highest = Array(repeating: Int.min, count: 9)
        var candidate = Array(repeating: 0, count: 9)
        for a in 0...cap {
            for b in 0...cap {
                for c in 0...cap {
                    for d in 0...cap {
                        candidate[0] = a
                        candidate[1] = b
                        candidate[2] = a + b
                        candidate[3] = c
                        candidate[4] = d
                        candidate[5] = c + d
                        candidate[6] = a + c
                        candidate[7] = b + d
                        candidate[8] = a + b + c + d
                        guard (0..<9).allSatisfy({ allowed[$0].contains(candidate[$0]) }) else { continue }
                        for index in 0..<9 {
                            lowest[index] = min(lowest[index], candidate[index])
                            highest[index] = max(highest[index], candidate[index])
                        }
                    }
                }
            }
        }
        for row in 0..<3 {
            for column in 0..<3 where released[row][column] == nil {
                let found = try #require(bounds.bounds(row: row, column: column), "the true table fits")
                #expect(found.lowest == lowest[row * 3 + column], "seed \(seed) entry \(row),\(column)")
                // The asking side's shorter check agrees with the full bounds at every width.
                for width in [1, 3, 8, 13] {
                    #expect(
                        bounds.spans(row: row, column: column, atLeast: width) == (found.highest.map { $0 - found.lowest >= width } ?? true),
                        "seed \(seed) entry \(row),\(column) width \(width)")
                }
                // Enumeration stops at the cap: beyond it, an entry is as good as unbounded.
                let reachesCap = highest[row * 3 + column] >= cap * (row == 2 && column == 2 ? 4 : (row == 2 || column == 2 ? 2 : 1))
                if reachesCap {
                    #expect(found.highest.map { $0 >= highest[row * 3 + column] } ?? true, "seed \(seed) entry \(row),\(column)")
                } else {
                    #expect(found.highest == highest[row * 3 + column], "seed \(seed) entry \(row),\(column)")
                }
            }
        }
    }

    /// A protected table releases no count from 1 to the threshold - 1, rounds every other,
    /// leaves every withheld count at least a threshold wide, and is the same every time.
    @Test(arguments: [(1, 8, 5), (2, 8, 5), (3, 8, 5), (4, 10, 5), (5, 10, 10), (6, 8, 5), (7, 12, 5), (8, 8, 5)] as [(UInt64, Int, Int)])
    func aProtectedTableHidesEverySmallCountAndCannotBeSolved(seed: UInt64, threshold: Int, base: Int) throws {
        let rules = try DisclosureRules.make(threshold: threshold, roundingBase: base).get()
        var random = SeededGenerator(seed: seed)
        for _ in 0..<6 {
            let rows = 2 + Int(random.next() % 4)
            let columns = 2 + Int(random.next() % 5)
            // Mostly small counts, as a quarter's breakdown by borough is.
            let counts = (0..<rows).map { _ in
                (0..<columns).map { _ in random.next() % 3 == 0 ? Int(random.next() % 60) : Int(random.next() % 9) }
            }
            let table = ProtectedTable(counts, rules: rules)
            #expect(ProtectedTable(counts, rules: rules) == table)
            let truth = gridOf(counts)
            let released = table.released
            let statuses = statusGrid(table)
            for row in truth.indices {
                for column in truth[row].indices {
                    let count = truth[row][column]
                    let status = statuses[row][column]
                    if rules.isSmall(count) {
                        #expect(status == .suppressed && released[row][column] == nil)
                    } else if let value = released[row][column] {
                        #expect(value == rules.rounded(count) && value % rules.roundingBase == 0)
                        #expect(status == (count == 0 ? .exact : .rounded))
                    } else {
                        #expect(status == .secondary)
                    }
                }
            }
            let bounds = TableBounds(released: released, rules: rules)
            for row in truth.indices {
                for column in truth[row].indices where released[row][column] == nil {
                    let found = try #require(bounds.bounds(row: row, column: column))
                    #expect(found.lowest <= truth[row][column] && (found.highest ?? .max) >= truth[row][column])
                    if let highest = found.highest {
                        #expect(highest - found.lowest >= rules.threshold, "\(counts): entry \(row),\(column) is \(found.lowest)...\(highest)")
                    }
                }
            }
        }
    }

    @Test func aCountRecoverableFromItsRowTotalIsWithheldToo() {
        // 3 is suppressed; with 20 and the row's total 23 released, it would be 23 - 20.
        let table = ProtectedTable([[3, 20, 40], [10, 30, 50]], rules: floor)
        #expect(table.cells[0][0] == ReleasedCount(value: nil, status: .suppressed))
        #expect(table.cells[0][1].isWithheld || table.rowTotals[0].isWithheld)
        #expect(table.cells[1][0].isWithheld || table.columnTotals[0].isWithheld)
        #expect(table.total == ReleasedCount(value: 155, status: .rounded))
        #expect(ProtectedTable([[0, 20], [10, 30]], rules: floor).cells[0][0] == ReleasedCount(value: 0, status: .exact))
    }

    func gridOf(_ counts: [[Int]]) -> [[Int]] {
        let withTotals = counts.map { $0 + [$0.reduce(0, +)] }
        return withTotals + [withTotals[0].indices.map { column in withTotals.reduce(0) { $0 + $1[column] } }]
    }

    func statusGrid(_ table: ProtectedTable) -> [[ReleasedCount.Status]] {
        table.cells.indices.map { row in table.cells[row].map(\.status) + [table.rowTotals[row].status] }
            + [table.columnTotals.map(\.status) + [table.total.status]]
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}
