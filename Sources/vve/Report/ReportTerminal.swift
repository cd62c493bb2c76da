import VVECore

/// The report as a person reads it in a terminal of 100 columns: each regional table, its
/// columns split into blocks that fit, then who answered and the rules applied.
enum ReportTerminal {
    static let width = 100

    static func render(_ pack: ReportPack) -> String {
        var lines: [String] = []
        for report in pack.reports {
            let query = report.query
            let period = query.measure.isCountedByQuarter ? ReportPack.span(query.quarters) : "today"
            lines.append("\(query.measure.rawValue), \(period), query \(query.queryID)")
            lines.append("")
            for table in report.tables {
                lines.append(contentsOf: render(table, quarters: query.quarters))
                lines.append("")
            }
            lines.append(contentsOf: footnotes(report))
            lines.append("")
        }
        lines.removeLast()
        return lines.joined(separator: "\n")
    }

    static func render(_ table: RegionalTable, quarters: [Quarter]) -> [String] {
        let labels = table.labels
        var lines = ["\(labels.name): \(labels.rowDimension) by \(labels.columnDimension), \(ReportPack.period(table, row: nil, quarters: quarters))"]
        guard !labels.rows.isEmpty, !labels.columns.isEmpty else { return lines + ["  nothing counted"] }
        let rowHeader = labels.rowDimension.uppercased()
        let rowWidth = max(rowHeader.count, "TOTAL".count, labels.rows.map(\.count).max() ?? 0)
        let columns = labels.columns.indices.map { Optional($0) } + [nil]
        func columnWidth(_ column: Int?) -> Int {
            let values = column.map { c in table.cells.map { $0[c] } + [table.columnTotals[c]] } ?? table.rowTotals + [table.total]
            return max(column.map { labels.columns[$0].count } ?? 5, values.map(\.display.count).max() ?? 0)
        }
        // Columns in blocks that fit the width, each block repeating the row labels.
        var blocks: [[Int?]] = [[]]
        var used = rowWidth
        for column in columns {
            let needed = columnWidth(column) + 2
            if used + needed > width, !blocks[blocks.count - 1].isEmpty {
                blocks.append([])
                used = rowWidth
            }
            blocks[blocks.count - 1].append(column)
            used += needed
        }
        for block in blocks {
            func line(_ label: String, _ cell: (Int?) -> String) -> String {
                var text = "  " + label.padding(toLength: rowWidth, withPad: " ", startingAt: 0)
                for column in block {
                    let value = cell(column)
                    text += "  " + String(repeating: " ", count: max(0, columnWidth(column) - value.count)) + value
                }
                return text
            }
            lines.append(line(rowHeader) { $0.map { labels.columns[$0] } ?? "TOTAL" })
            for (r, row) in labels.rows.enumerated() {
                lines.append(line(row) { $0.map { table.cells[r][$0].display } ?? table.rowTotals[r].display })
            }
            lines.append(line("TOTAL") { $0.map { table.columnTotals[$0].display } ?? table.total.display })
        }
        if table.hasMedians { lines.append(contentsOf: medians(table, rowWidth: rowWidth)) }
        return lines
    }

    /// Each authority's median days by row, wrapped to the width: `-` where it withheld one.
    static func medians(_ table: RegionalTable, rowWidth: Int) -> [String] {
        var lines = ["  MEDIAN DAYS, by authority (- where withheld: too few acknowledged relocations shown)"]
        for row in table.labels.rows {
            let entries = table.medians(at: row).map { "\($0.authority) \($0.days.map(String.init) ?? "-")" }
            guard !entries.isEmpty else { continue }
            let lead = "  " + row.padding(toLength: rowWidth, withPad: " ", startingAt: 0) + "  "
            var line = lead
            for (index, entry) in entries.enumerated() {
                let text = entry + (index < entries.count - 1 ? "," : "")
                if line.count + text.count + 1 > width, line.count > lead.count {
                    lines.append(line)
                    line = String(repeating: " ", count: lead.count)
                }
                line += (line.count > lead.count ? " " : "") + text
            }
            lines.append(line)
        }
        return lines
    }

    static func footnotes(_ report: AggregateReport) -> [String] {
        var lines: [String] = []
        let answers = report.results.compactMap(\.result.answer)
        let rules = Set(answers.flatMap { $0.tables.map(\.table.rules) })
        if rules.count == 1, let rule = rules.first {
            lines.append(
                "Each authority suppresses counts from 1 to \(rule.threshold - 1) (shown <\(rule.threshold)) and rounds the rest to the nearest \(rule.roundingBase)."
            )
        } else if !rules.isEmpty {
            let each = answers.compactMap { answer in
                answer.tables.first.map { "\(answer.authority) \($0.table.rules.threshold)/\($0.table.rules.roundingBase)" }
            }
            lines.append("Each authority suppresses its small counts and rounds the rest; threshold/rounding: \(each.joined(separator: ", ")).")
        }
        if !report.query.measure.isCountedByQuarter {
            lines.append(
                "People are counted by tokens each authority makes from today's records, under a key derived for this query from the region's linkage key, which this node does not need; the counts derived here suppress 1 to \(report.rules.threshold - 1) (shown <\(report.rules.threshold)) and round the rest to the nearest \(report.rules.roundingBase); ≥N? where some authority's people are missing."
            )
        } else {
            if report.tables.contains(where: { $0.labels.name == DistinctLines.name }) {
                lines.append(
                    "\(DistinctLines.name): the lines first seen in these quarters, from each authority's records as they stand today, joined where they share a deal line by tokens made under a key derived for this query; repeated are records of a line another record counts; counted here, suppressing 1 to \(report.rules.threshold - 1) and rounding the rest to the nearest \(report.rules.roundingBase)."
                )
            }
            lines.append(
                "Regional figures add what each authority released: ≥N where some withheld a count (small, or withheld to protect another), <N where only small counts were withheld, ? where an authority did not answer."
            )
        }
        lines.append("Answered: \(report.answered.isEmpty ? "none" : report.answered.map(\.rawValue).joined(separator: ", ")).")
        for (peer, result) in report.results {
            switch result {
            case .answered: break
            case .refused(let reason): lines.append("REFUSED by \(peer): \(reason)")
            case .noAnswer(let reason): lines.append("NO ANSWER from \(peer): \(reason)")
            }
        }
        for (authority, seriesBreak) in report.seriesBreaks {
            lines.append("SERIES BREAK, \(authority), \(seriesBreak.date) (\(seriesBreak.quarter)): \(seriesBreak.note)")
        }
        lines.append(contentsOf: report.notes.map { "Note, \($0)" })
        return lines
    }
}
