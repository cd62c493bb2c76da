import VVECore

/// `vve report --html`: one standalone page, no JavaScript, and a content security policy
/// that forbids every request, so it can be mailed to a board and opened anywhere. Each
/// table has an inline SVG chart (stacked bars by quarter for a trend, a shaded matrix for a
/// flow) and, under it, its numbers as a table for screen readers and print. Every number
/// carries its table, row, column, authority and status in `data-` attributes, so a check
/// reads cells, not digits. It prints on A4.
enum ReportHTML {
    static let palette = ["#1b6ca8", "#e07b39", "#3a9e5c", "#b8405e", "#7a5bb5", "#8c6d3f", "#d05fa0", "#5f7f8c", "#9aa83a", "#2aa1a8"]

    static func render(_ pack: ReportPack) -> String {
        let quarters = pack.reports.first?.query.quarters ?? []
        let title =
            pack.reports.count > 1
            ? "Quarterly pack, \(quarters.last?.description ?? "")"
            : "\(pack.reports.first?.query.measure.rawValue ?? "report"), \(ReportPack.span(quarters))"
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title))</title>
            <style>
            @page { size: A4; margin: 15mm; }
            body { font-family: "Helvetica Neue", Arial, sans-serif; color: #1a1a1a; max-width: 180mm; margin: 0 auto; padding: 8px; font-size: 10.5pt; }
            h1 { font-size: 18pt; margin-bottom: 2px; } h2 { font-size: 14pt; border-bottom: 2px solid #1b6ca8; margin-top: 28px; }
            h3 { font-size: 11pt; margin: 0 0 4px; }
            figure { margin: 14px 0 22px; break-inside: avoid; page-break-inside: avoid; }
            table { border-collapse: collapse; font-size: 8.5pt; margin-top: 6px; }
            th, td { border: 1px solid #c8c8c8; padding: 2px 5px; text-align: right; }
            th { background: #f0f3f6; } th[scope=row] { text-align: left; }
            td[data-status=lower-bound], td[data-status=incomplete], td[data-status=suppressed], td[data-status=secondary] { color: #8a4b00; background: #fff6e8; }
            .legend { list-style: none; padding: 0; margin: 4px 0; display: flex; flex-wrap: wrap; gap: 4px 12px; font-size: 8.5pt; }
            .swatch { display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: middle; }
            .notes { font-size: 9pt; color: #333; } .meta { color: #555; font-size: 9pt; }
            .series-break { color: #b8405e; font-size: 9pt; margin: 2px 0; }
            svg { display: block; max-width: 100%; height: auto; } svg text { font-family: inherit; font-size: 10px; fill: #333; }
            </style>
            </head>
            <body>
            <h1>\(escape(title))</h1>
            <p class="meta">Made by \(escape(pack.node.rawValue)) at \(escape(pack.generatedAt.description)). Each authority counted its own records and protected them before they left: small counts suppressed, the rest rounded. Regional figures add what was released.</p>

            """
        for report in pack.reports {
            html += section(report)
        }
        html += "</body>\n</html>\n"
        return html
    }

    static func section(_ report: AggregateReport) -> String {
        let query = report.query
        var html =
            "<section data-measure=\"\(query.measure.rawValue)\">\n<h2>\(escape(query.measure.rawValue)), \(ReportPack.span(query.quarters))</h2>\n"
        html += "<ul class=\"notes\">\n"
        for line in ReportTerminal.footnotes(report) { html += "<li>\(escape(line))</li>\n" }
        html += "</ul>\n"
        for table in report.tables {
            html += figure(table, measure: query.measure, quarters: query.quarters, breaks: report.seriesBreaks)
        }
        return html + "</section>\n"
    }

    static func figure(
        _ table: RegionalTable, measure: Measure, quarters: [Quarter], breaks: [(authority: AuthorityName, seriesBreak: SeriesBreak)] = []
    ) -> String {
        let labels = table.labels
        let key = "\(measure.rawValue)/\(labels.name)"
        var html =
            "<figure data-table=\"\(escape(key))\">\n<figcaption><h3>\(escape(labels.name)): \(escape(labels.rowDimension)) by \(escape(labels.columnDimension)), \(ReportPack.period(table, row: nil, quarters: quarters))</h3></figcaption>\n"
        guard !labels.rows.isEmpty, !labels.columns.isEmpty else { return html + "<p>Nothing counted.</p>\n</figure>\n" }
        let trend = labels.rowDimension == "quarter"
        let marked = trend ? breaks.filter { labels.rows.contains($0.seriesBreak.quarter.description) } : []
        html += trend ? bars(table, breaks: marked) : matrix(table)
        for (authority, seriesBreak) in marked {
            html +=
                "<p class=\"series-break\" data-table=\"\(escape(key))\" data-authority=\"\(escape(authority.rawValue))\" data-date=\"\(seriesBreak.date)\" data-row=\"\(seriesBreak.quarter)\">Series break, \(escape(authority.rawValue)), \(seriesBreak.date) (\(seriesBreak.quarter)): \(escape(seriesBreak.note))</p>\n"
        }
        html += numbers(table, key: key)
        html += byAuthority(table, key: key)
        if table.hasMedians { html += medians(table, key: key) }
        return html + "</figure>\n"
    }

    /// Stacked bars, one per quarter, each column of the table a colour; a dashed line before
    /// the quarter of each break in the series, labelled with the authority that declared it.
    static func bars(_ table: RegionalTable, breaks: [(authority: AuthorityName, seriesBreak: SeriesBreak)] = []) -> String {
        let labels = table.labels
        let width = 640
        let height = 220
        let top = 16
        let bottom = 24
        let left = 40
        let maximum = max(1, table.rowTotals.map(\.value).max() ?? 1, table.cells.map { $0.map(\.value).reduce(0, +) }.max() ?? 1)
        let slot = Double(width - left) / Double(max(1, labels.rows.count))
        let scale = Double(height - top - bottom) / Double(maximum)
        var svg =
            "<svg viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-label=\"\(escape(labels.name)) by quarter, stacked by \(escape(labels.columnDimension))\">\n"
        svg += "<line x1=\"\(left)\" y1=\"\(height - bottom)\" x2=\"\(width)\" y2=\"\(height - bottom)\" stroke=\"#888\"/>\n"
        svg +=
            "<text x=\"\(left - 4)\" y=\"\(top + 4)\" text-anchor=\"end\">\(maximum)</text><text x=\"\(left - 4)\" y=\"\(height - bottom)\" text-anchor=\"end\">0</text>\n"
        for (r, row) in labels.rows.enumerated() {
            let x = Double(left) + slot * Double(r) + slot * 0.2
            var y = Double(height - bottom)
            for (c, cell) in table.cells[r].enumerated() where cell.value > 0 {
                let h = Double(cell.value) * scale
                y -= h
                svg +=
                    "<rect x=\"\(format(x))\" y=\"\(format(y))\" width=\"\(format(slot * 0.6))\" height=\"\(format(h))\" fill=\"\(palette[c % palette.count])\"/>\n"
            }
            svg += "<text x=\"\(format(x + slot * 0.3))\" y=\"\(height - 8)\" text-anchor=\"middle\">\(escape(row))</text>\n"
            svg +=
                "<text x=\"\(format(x + slot * 0.3))\" y=\"\(format(y - 3))\" text-anchor=\"middle\">\(escape(table.rowTotals[r].display))</text>\n"
        }
        for (authority, seriesBreak) in breaks {
            guard let r = labels.rows.firstIndex(of: seriesBreak.quarter.description) else { continue }
            let x = format(Double(left) + slot * Double(r))
            svg +=
                "<g class=\"series-break\" data-authority=\"\(escape(authority.rawValue))\" data-date=\"\(seriesBreak.date)\"><title>Series break, \(escape(authority.rawValue)), \(seriesBreak.date): \(escape(seriesBreak.note))</title>"
                + "<line x1=\"\(x)\" y1=\"\(top - 6)\" x2=\"\(x)\" y2=\"\(height - bottom)\" stroke=\"#b8405e\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>"
                + "<text x=\"\(x)\" y=\"\(top - 8)\" text-anchor=\"start\" style=\"fill:#b8405e\">break: \(escape(authority.rawValue))</text></g>\n"
        }
        svg += "</svg>\n<ul class=\"legend\">"
        for (c, column) in labels.columns.enumerated() {
            svg += "<li><span class=\"swatch\" style=\"background:\(palette[c % palette.count])\"></span>\(escape(column))</li>"
        }
        return svg + "</ul>\n"
    }

    /// A shaded matrix: one area by another, darker for more.
    static func matrix(_ table: RegionalTable) -> String {
        let labels = table.labels
        let cell = max(14, min(36, 480 / max(labels.rows.count, labels.columns.count)))
        let left = 8 + 7 * (labels.rows.map(\.count).max() ?? 4)
        let top = 8 + 7 * (labels.columns.map(\.count).max() ?? 4)
        let width = left + cell * labels.columns.count + 8
        let height = top + cell * labels.rows.count + 8
        let maximum = max(1, table.cells.flatMap { $0.map(\.value) }.max() ?? 1)
        var svg =
            "<svg viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-label=\"\(escape(labels.rowDimension)) by \(escape(labels.columnDimension))\">\n"
        for (c, column) in labels.columns.enumerated() {
            let x = left + cell * c + cell / 2
            svg += "<text transform=\"translate(\(x),\(top - 4)) rotate(-60)\">\(escape(column))</text>\n"
        }
        for (r, row) in labels.rows.enumerated() {
            let y = top + cell * r
            svg += "<text x=\"\(left - 4)\" y=\"\(y + cell / 2 + 4)\" text-anchor=\"end\">\(escape(row))</text>\n"
            for (c, value) in table.cells[r].enumerated() {
                let x = left + cell * c
                let shade = value.status == .lowerBound || value.status == .incomplete ? "#f2e3cc" : color(value.value, maximum)
                svg += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(cell - 1)\" height=\"\(cell - 1)\" fill=\"\(shade)\"/>"
                if value.value > 0 || value.status == .lowerBound {
                    let ink = Double(value.value) / Double(maximum) > 0.55 ? "#fff" : "#222"
                    svg +=
                        "<text x=\"\(x + cell / 2)\" y=\"\(y + cell / 2 + 3)\" text-anchor=\"middle\" style=\"fill:\(ink);font-size:8px\">\(escape(value.display))</text>"
                }
                svg += "\n"
            }
        }
        return svg + "</svg>\n"
    }

    /// The table's regional numbers, every one in a cell with its data attributes.
    static func numbers(_ table: RegionalTable, key: String) -> String {
        let labels = table.labels
        var html = "<table>\n<thead><tr><th scope=\"col\">\(escape(labels.rowDimension))</th>"
        for column in labels.columns { html += "<th scope=\"col\">\(escape(column))</th>" }
        html += "<th scope=\"col\">total</th></tr></thead>\n<tbody>\n"
        func cell(_ row: String, _ column: String, _ value: RegionalValue) -> String {
            "<td data-table=\"\(escape(key))\" data-authority=\"region\" data-row=\"\(escape(row))\" data-column=\"\(escape(column))\" data-status=\"\(value.status.rawValue)\"\(value.isWithheld ? "" : " data-value=\"\(value.value)\"")>\(escape(value.display))</td>"
        }
        for (r, row) in labels.rows.enumerated() {
            html += "<tr><th scope=\"row\">\(escape(row))</th>"
            for (c, column) in labels.columns.enumerated() { html += cell(row, column, table.cells[r][c]) }
            html += cell(row, "total", table.rowTotals[r]) + "</tr>\n"
        }
        html += "<tr><th scope=\"row\">total</th>"
        for (c, column) in labels.columns.enumerated() { html += cell("total", column, table.columnTotals[c]) }
        return html + cell("total", "total", table.total) + "</tr>\n</tbody>\n</table>\n"
    }

    /// How the authorities compare: each one's totals by row, as it released them.
    static func byAuthority(_ table: RegionalTable, key: String) -> String {
        let answered = table.authorities.compactMap { name, answer in answer.map { (name, $0) } }
        guard !answered.isEmpty else { return "" }
        let labels = table.labels
        var html = "<table>\n<thead><tr><th scope=\"col\">authority</th>"
        for row in labels.rows { html += "<th scope=\"col\">\(escape(row))</th>" }
        html += "<th scope=\"col\">total</th></tr></thead>\n<tbody>\n"
        for (name, answer) in answered {
            html += "<tr><th scope=\"row\">\(escape(name.rawValue))</th>"
            for row in labels.rows + [nil] {
                let count = ReportCSV.released(answer, row, nil)
                let shown: String
                var attributes =
                    "data-table=\"\(escape(key))\" data-authority=\"\(escape(name.rawValue))\" data-row=\"\(escape(row ?? "total"))\" data-column=\"total\" data-status=\"\(count.status.rawValue)\""
                if let value = count.value {
                    attributes += " data-value=\"\(value)\""
                    shown = "\(value)"
                } else {
                    shown = count.status == .suppressed ? "&lt;\(answer.table.rules.threshold)" : "*"
                }
                html += "<td \(attributes)>\(shown)</td>"
            }
            html += "</tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }

    /// Each authority's median days by row, as released; no regional median, which cannot be
    /// made from medians.
    static func medians(_ table: RegionalTable, key: String) -> String {
        let rows = table.labels.rows
        var html = "<table>\n<caption>Median days to acknowledge, by authority</caption>\n<thead><tr><th scope=\"col\">authority</th>"
        for row in rows { html += "<th scope=\"col\">\(escape(row))</th>" }
        html += "</tr></thead>\n<tbody>\n"
        for (name, answer) in table.authorities {
            guard let answer, answer.medians != nil else { continue }
            html += "<tr><th scope=\"row\">\(escape(name.rawValue))</th>"
            for row in rows {
                guard let median = table.medians(at: row).first(where: { $0.authority == name }) else {
                    html += "<td></td>"
                    continue
                }
                let attributes =
                    "data-table=\"\(escape(key))\" data-authority=\"\(escape(name.rawValue))\" data-row=\"\(escape(row))\" data-column=\"median-days\" data-status=\"\(median.days == nil ? "withheld" : "median")\""
                html += median.days.map { "<td \(attributes) data-value=\"\($0)\">\($0)</td>" } ?? "<td \(attributes)>-</td>"
            }
            html += "</tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }

    static func color(_ value: Int, _ maximum: Int) -> String {
        guard value > 0 else { return "#f7f7f7" }
        let fraction = Double(value) / Double(maximum)
        let channel = { (light: Double, dark: Double) in Int(light + (dark - light) * fraction) }
        return "rgb(\(channel(222, 27)),\(channel(235, 108)),\(channel(247, 168)))"
    }

    static func format(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? "\(Int(rounded))" : "\(rounded)"
    }

    static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
