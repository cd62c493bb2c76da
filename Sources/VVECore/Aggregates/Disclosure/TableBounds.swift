/// What an onlooker can work out of a released table: for a withheld count, the smallest and
/// largest value it can have in any table consistent with what was released, each released
/// count standing for every true count that releases as it (`DisclosureRules.counts`), and a
/// withheld count for any count from zero up.
///
/// The table is a grid of `rows + 1` by `columns + 1` entries: the last column holds the row
/// totals, the last row the column totals, and the last entry the grand total. Its
/// constraints form a circulation (source to each row's total, row to column for each cell,
/// each column's total to the sink, the grand total back to the source), and a network's
/// bounds are exact over whole numbers, so the bounds found are the true ones.
package struct TableBounds: Sendable {
    /// A count held at any value: far above any count a node has, far below overflow.
    static let unbounded: Int64 = 1 << 40

    /// `ranges[row][column]`: what each entry may be, as released; nil for a value no count
    /// is released as, which no table fits.
    private let ranges: [[ClosedRange<Int64>?]]
    private let rows: Int
    private let columns: Int

    /// The bounds of a grid of released entries: nil for a withheld one.
    package init(released grid: [[Int?]], rules: DisclosureRules) {
        rows = grid.count - 1
        columns = (grid.first?.count ?? 1) - 1
        ranges = grid.map { line in
            line.map { value in
                guard let value else { return 0...Self.unbounded }
                return rules.counts(releasedAs: value).map { Int64($0.lowerBound)...Int64($0.upperBound) }
            }
        }
    }

    /// The smallest and largest value of entry (`row`, `column`); the largest is nil when the
    /// entry is not bounded above by anything released. Nil for a grid nothing fits.
    package func bounds(row: Int, column: Int) -> (lowest: Int, highest: Int?)? {
        guard let range = ranges[row][column] else { return nil }
        func fits(_ candidate: ClosedRange<Int64>) -> Bool {
            let low = max(candidate.lowerBound, range.lowerBound)
            let high = min(candidate.upperBound, range.upperBound)
            return low <= high && feasible(row: row, column: column, low...high)
        }
        guard fits(range) else { return nil }
        // The lowest: the least `v` with a table holding the entry at most `v`.
        var low = range.lowerBound
        var high = min(range.upperBound, Self.unbounded)
        while low < high {
            let middle = low + (high - low) / 2
            if fits(range.lowerBound...middle) { high = middle } else { low = middle + 1 }
        }
        let lowest = low
        // The highest: the greatest `v` with a table holding the entry at least `v`.
        if fits(Self.unbounded...Self.unbounded) { return (Int(lowest), nil) }
        low = lowest
        high = min(range.upperBound, Self.unbounded)
        while low < high {
            let middle = low + (high - low + 1) / 2
            if fits(middle...Self.unbounded) { low = middle } else { high = middle - 1 }
        }
        return (Int(lowest), Int(low))
    }

    /// Whether the values entry (`row`, `column`) can take, over every table consistent with
    /// what is released, span at least `width`: its lowest value and one a `width` above it
    /// both fit. Nil for a grid nothing fits. This is the asking side's check of a released
    /// table, so it searches no further than it must: an entry is at most the smallest
    /// released total of its row, its column and the table; one with no such total gets the
    /// full search of `bounds`.
    package func spans(row: Int, column: Int, atLeast width: Int) -> Bool? {
        guard let range = ranges[row][column] else { return nil }
        let enclosing = [(row, columns), (rows, column), (rows, columns)].filter { $0 != (row, column) }
        let cap = enclosing.compactMap { ranges[$0.0][$0.1] }.filter { $0.upperBound < Self.unbounded }.map(\.upperBound).min()
        guard let cap else {
            // Bounded, if at all, only through other withheld totals: the full search.
            return bounds(row: row, column: column).map { found in found.highest.map { $0 - found.lowest >= width } ?? true }
        }
        let highest = min(range.upperBound, cap)
        guard range.lowerBound <= highest, feasible(row: row, column: column, range.lowerBound...highest) else { return nil }
        var low = range.lowerBound
        var high = highest
        while low < high {
            let middle = low + (high - low) / 2
            if feasible(row: row, column: column, range.lowerBound...middle) { high = middle } else { low = middle + 1 }
        }
        let above = low + Int64(width)
        return above <= highest && feasible(row: row, column: column, above...highest)
    }

    /// Whether the withheld entry (`row`, `column`), whose true count is `count`, is pinned
    /// to fewer than `width` possible values: `bounds` with the true count known, which
    /// bounds the search for the lowest and needs one look above it.
    package func pins(row: Int, column: Int, holding count: Int, within width: Int) -> Bool {
        guard let range = ranges[row][column] else { return false }
        var low = range.lowerBound
        var high = max(low, Int64(count))
        while low < high {
            let middle = low + (high - low) / 2
            if feasible(row: row, column: column, range.lowerBound...middle) { high = middle } else { low = middle + 1 }
        }
        let above = low + Int64(width)
        return above > range.upperBound || !feasible(row: row, column: column, above...range.upperBound)
    }

    /// Whether some table fits every released entry with entry (`row`, `column`) in `range`.
    private func feasible(row: Int, column: Int, _ range: ClosedRange<Int64>) -> Bool {
        let source = 0
        let sink = 1
        func rowNode(_ index: Int) -> Int { 2 + index }
        func columnNode(_ index: Int) -> Int { 2 + rows + index }
        var edges: [BoundedEdge] = []
        for line in 0...rows {
            for place in 0...columns {
                guard let bounds = line == row && place == column ? range : ranges[line][place] else { return false }
                let from: Int
                let to: Int
                switch (line == rows, place == columns) {
                case (false, false): (from, to) = (rowNode(line), columnNode(place))
                case (false, true): (from, to) = (source, rowNode(line))
                case (true, false): (from, to) = (columnNode(place), sink)
                case (true, true): (from, to) = (sink, source)
                }
                edges.append(BoundedEdge(from: from, to: to, lower: bounds.lowerBound, upper: bounds.upperBound))
            }
        }
        return FlowNetwork.circulationExists(nodes: 2 + rows + columns, edges: edges)
    }
}
