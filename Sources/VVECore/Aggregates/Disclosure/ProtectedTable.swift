/// A table of counts, with its row and column totals and its grand total, protected for
/// release by `DisclosureRules`:
///
/// 1. every count from 1 to the threshold - 1, totals included, is suppressed;
/// 2. secondary suppression: while a row or column of the table (its total included) has
///    exactly one withheld entry, its smallest released entry is withheld too, the first in
///    the line when several tie;
/// 3. the check: each withheld entry's smallest and largest possible value, over every table
///    consistent with what is released (`TableBounds`), must differ by at least the
///    threshold; where they do not, the smallest released entry of the entry's row or column
///    is withheld, and the table is protected again from step 2;
/// 4. every other count is rounded, and zero is shown as it is.
///
/// The same counts always give the same table.
package struct ProtectedTable: Sendable, Hashable {
    package let rules: DisclosureRules
    /// `cells[row][column]`.
    package let cells: [[ReleasedCount]]
    package let rowTotals: [ReleasedCount]
    package let columnTotals: [ReleasedCount]
    package let total: ReleasedCount

    /// Protects `counts`: rows of equal length, every count zero or more.
    package init(_ counts: [[Int]], rules: DisclosureRules) {
        precondition(!counts.isEmpty && counts.allSatisfy { $0.count == counts[0].count && !$0.isEmpty }, "a table has rows of equal length")
        precondition(counts.allSatisfy { $0.allSatisfy { $0 >= 0 } }, "counts are zero or more")
        let grid = Self.grid(counts)
        let rows = grid.count
        let columns = grid[0].count
        var withheld = grid.map { $0.map(rules.isSmall) }
        let primary = withheld
        func released() -> [[Int?]] {
            (0..<rows).map { row in (0..<columns).map { withheld[row][$0] ? nil : rules.rounded(grid[row][$0]) } }
        }
        while true {
            Self.suppressLoneEntries(grid, &withheld)
            let bounds = TableBounds(released: released(), rules: rules)
            let exposed = Self.places(rows, columns).first { row, column in
                withheld[row][column] && bounds.pins(row: row, column: column, holding: grid[row][column], within: rules.threshold)
            }
            guard let (row, column) = exposed else { break }
            // Its row or column first; failing those, anywhere. With everything withheld,
            // nothing is pinned, so this ends.
            let line = Self.places(rows, columns).filter { ($0.0 == row) != ($0.1 == column) }
            guard let next = Self.smallestReleased(line, grid, withheld) ?? Self.smallestReleased(Self.places(rows, columns), grid, withheld)
            else { break }
            withheld[next.0][next.1] = true
        }
        func count(_ row: Int, _ column: Int) -> ReleasedCount {
            if primary[row][column] { return ReleasedCount(value: nil, status: .suppressed) }
            if withheld[row][column] { return ReleasedCount(value: nil, status: .secondary) }
            let value = grid[row][column]
            return ReleasedCount(value: rules.rounded(value), status: value == 0 ? .exact : .rounded)
        }
        self.rules = rules
        cells = (0..<rows - 1).map { row in (0..<columns - 1).map { count(row, $0) } }
        rowTotals = (0..<rows - 1).map { count($0, columns - 1) }
        columnTotals = (0..<columns - 1).map { count(rows - 1, $0) }
        total = count(rows - 1, columns - 1)
    }

    /// A table as another node released it, to be checked (`ProtectedTableAnswer.read`).
    package init(
        released cells: [[ReleasedCount]], rowTotals: [ReleasedCount], columnTotals: [ReleasedCount], total: ReleasedCount, rules: DisclosureRules
    ) {
        self.rules = rules
        self.cells = cells
        self.rowTotals = rowTotals
        self.columnTotals = columnTotals
        self.total = total
    }

    /// The grid of `TableBounds`: the counts with each row's total after it, and the column
    /// totals and grand total below.
    package var released: [[Int?]] {
        (cells.indices.map { row in cells[row].map(\.value) + [rowTotals[row].value] })
            + [columnTotals.map(\.value) + [total.value]]
    }

    static func grid(_ counts: [[Int]]) -> [[Int]] {
        let withRowTotals = counts.map { $0 + [$0.reduce(0, +)] }
        let columnTotals = withRowTotals[0].indices.map { column in withRowTotals.reduce(0) { $0 + $1[column] } }
        return withRowTotals + [columnTotals]
    }

    static func places(_ rows: Int, _ columns: Int) -> [(Int, Int)] {
        (0..<rows).flatMap { row in (0..<columns).map { (row, $0) } }
    }

    /// Step 2: no row or column, its total included, keeps exactly one withheld entry.
    static func suppressLoneEntries(_ grid: [[Int]], _ withheld: inout [[Bool]]) {
        let rows = grid.count
        let columns = grid[0].count
        let lines = (0..<rows).map { row in (0..<columns).map { (row, $0) } } + (0..<columns).map { column in (0..<rows).map { ($0, column) } }
        var changed = true
        while changed {
            changed = false
            for line in lines where line.filter({ withheld[$0.0][$0.1] }).count == 1 {
                guard let next = smallestReleased(line, grid, withheld) else { continue }
                withheld[next.0][next.1] = true
                changed = true
            }
        }
    }

    /// The released entry of `line` with the smallest count, the first of equals.
    static func smallestReleased(_ line: [(Int, Int)], _ grid: [[Int]], _ withheld: [[Bool]]) -> (Int, Int)? {
        line.filter { !withheld[$0.0][$0.1] }.min { grid[$0.0][$0.1] < grid[$1.0][$1.1] }
    }
}
