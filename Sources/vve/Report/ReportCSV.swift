import VVECore

/// `vve report --csv`: tidy, one row per cell, for each authority that released the table and
/// for the region. A total's row or column label is `total`. A table with medians adds, after
/// each row's cells, one row per authority with the column `median-days` (status `median`, or
/// `withheld` with no value); there is no regional median. A trend table of a measure whose
/// series an authority says breaks adds, after its cells, one row per break: the quarter as
/// the row, column dimension `series-break`, the date as the column, status `series-break`,
/// no value, and the authority's sentence in `note`, which is empty on every other row.
enum ReportCSV {
    static let header = "measure,table,period,row_dimension,row,column_dimension,column,authority,value,status,threshold,rounding_base,note"

    static func render(_ reports: [AggregateReport]) -> String {
        var lines = [header]
        for report in reports {
            let quarters = report.query.quarters
            for table in report.tables {
                let labels = table.labels
                let rows: [String?] = labels.rows.map { $0 } + [nil]
                let columns: [String?] = labels.columns.map { $0 } + [nil]
                for (r, row) in rows.enumerated() {
                    for (c, column) in columns.enumerated() {
                        let period = ReportPack.period(table, row: row == nil ? nil : r, quarters: quarters)
                        let lead = [
                            report.query.measure.rawValue, labels.name, period, labels.rowDimension, row ?? "total", labels.columnDimension,
                            column ?? "total",
                        ]
                        for (name, answer) in table.authorities {
                            guard let answer else { continue }
                            let count = released(answer, row, column)
                            let value = count.value.map(String.init) ?? ""
                            lines.append(
                                (lead + [
                                    name.rawValue, value, count.status.rawValue, "\(answer.table.rules.threshold)",
                                    "\(answer.table.rules.roundingBase)", "",
                                ]).map(field).joined(separator: ","))
                        }
                        let regional = regionalValue(table, row == nil ? nil : r, column == nil ? nil : c)
                        let value = regional.isWithheld ? "" : "\(regional.value)"
                        lines.append((lead + ["region", value, regional.status.rawValue, "", "", ""]).map(field).joined(separator: ","))
                    }
                    // Each authority's median of the row, where its table has them.
                    guard let row else { continue }
                    for (name, days) in table.medians(at: row) {
                        guard let answer = table.authorities.first(where: { $0.name == name })?.table else { continue }
                        lines.append(
                            [
                                report.query.measure.rawValue, labels.name, ReportPack.period(table, row: r, quarters: quarters), labels.rowDimension,
                                row, "statistic", "median-days", name.rawValue, days.map(String.init) ?? "", days == nil ? "withheld" : "median",
                                "\(answer.table.rules.threshold)", "\(answer.table.rules.roundingBase)", "",
                            ].map(field).joined(separator: ","))
                    }
                }
                guard labels.rowDimension == "quarter" else { continue }
                for (authority, seriesBreak) in report.seriesBreaks {
                    let quarter = seriesBreak.quarter.description
                    lines.append(
                        [
                            report.query.measure.rawValue, labels.name, quarter, labels.rowDimension, quarter, "series-break",
                            seriesBreak.date.description, authority.rawValue, "", "series-break", "", "", seriesBreak.note,
                        ].map(field).joined(separator: ","))
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// An authority's count at a row and column label, nil for a total; a label its table
    /// does not have counted zero.
    static func released(_ answer: ProtectedTableAnswer, _ row: String?, _ column: String?) -> ReleasedCount {
        let r = row.map { answer.labels.rows.firstIndex(of: $0) }
        let c = column.map { answer.labels.columns.firstIndex(of: $0) }
        switch (r, c) {
        case (.some(nil), _), (_, .some(nil)): return ReleasedCount(value: 0, status: .exact)
        case (.some(.some(let r)), .some(.some(let c))): return answer.table.cells[r][c]
        case (.some(.some(let r)), nil): return answer.table.rowTotals[r]
        case (nil, .some(.some(let c))): return answer.table.columnTotals[c]
        case (nil, nil): return answer.table.total
        }
    }

    static func regionalValue(_ table: RegionalTable, _ row: Int?, _ column: Int?) -> RegionalValue {
        switch (row, column) {
        case (let r?, let c?): table.cells[r][c]
        case (let r?, nil): table.rowTotals[r]
        case (nil, let c?): table.columnTotals[c]
        case (nil, nil): table.total
        }
    }

    /// A CSV field, quoted when it holds a comma, a quote or a line break.
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
