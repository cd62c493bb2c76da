import Foundation
import Testing
import VVECore

/// The quarterly pack's HTML page, rendered in real headless Chromium with no network: every
/// number the report holds is in the DOM as a cell with its table, row, column, authority and
/// status, no withheld count carries a value, and the page prints on A4.
@Suite struct ReportPageTests {
    /// Where the screenshot and the PDF are kept for a person to look at.
    static let outputFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".build/test-output").path

    @Test func thePackRendersInChromiumWithEveryReleasedValueAndNoWithheldOne() throws {
        let chromium = try #require(
            ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) },
            "chromium is not installed: apt-get install chromium (.ci/run installs it)")
        let region = try TestRegion()
        let camden = try region.node("camden")
        let haringey = try region.node("haringey")
        let vru = try region.node("vru")
        let tests = ReportTests()
        try camden.createLinkageKey()
        try camden.copyLinkageKey(to: haringey)
        for (index, borough) in [camden, haringey].enumerated() {
            try tests.seed(borough, kind: "relocation", count: 400, seed: index + 1)
            try tests.seed(borough, kind: "county-lines-link", count: 150, seed: index + 11)
            try tests.seed(borough, kind: "shared-perpetrator", count: 40, seed: index + 21)
            try borough.pin(vru, port: 1, role: "vru")
            try borough.setPolicy(for: "vru", "lookups: no\naggregates: yes\n")
            try vru.pin(borough, port: 1)
            try vru.setPolicy(for: borough.name, "lookups: no\naggregates: no\nask-aggregates: yes\n")
        }
        // camden's relocations changed how they were recorded in 2025Q4: the trend charts mark it.
        try camden.appendSetting(
            "series-breaks:\n  - measure: relocations\n    date: 2025-10-01\n    note: \"Relocations recorded by the new <panel> & its form.\"")
        let servers = try [camden, haringey].map { try $0.serve() }
        defer { for server in servers { _ = server.stop() } }
        for (borough, server) in zip([camden, haringey], servers) { try RegionSyncTests().repoint(vru, peer: borough.name, port: server.port) }

        try FileManager.default.createDirectory(atPath: Self.outputFolder, withIntermediateDirectories: true)
        let page = Self.outputFolder + "/report-pack.html"
        let csv = Self.outputFolder + "/report-pack.csv"
        let pack = try tests.report(vru, ["pack", "--quarter", "2026Q3", "--json", "--html", page, "--csv", csv])
        #expect(pack.status == 0, "\(pack.stderr)")
        let report = try tests.json(pack.stdout)
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.contains("content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\""))
        #expect(!html.contains("<script") && html.range(of: #"(src|href)=\"https?:"#, options: .regularExpression) == nil)
        #expect(html.contains("@page { size: A4;"))

        // Rendered with every request sent to a proxy that does not exist: nothing can load.
        let offline = ["--headless", "--no-sandbox", "--disable-gpu", "--proxy-server=127.0.0.1:9", "--no-first-run"]
        let dom = try run(chromium, offline + ["--dump-dom", "file://" + page])
        let cells = Self.cells(in: dom)
        var visited = Set<Self.CellKey>()
        var withheld = 0
        var medians = 0
        for measure in report["reports"]?.arrayValue ?? [] {
            let name = measure["measure"]?.stringValue ?? ""
            for table in measure["tables"]?.arrayValue ?? [] {
                let key = "\(name)/\(table["table"]?.stringValue ?? "")"
                let rows = (table["rows"]?.arrayValue ?? []).compactMap(\.stringValue)
                let columns = (table["columns"]?.arrayValue ?? []).compactMap(\.stringValue)
                guard !rows.isEmpty, !columns.isEmpty, let region = table["region"] else { continue }
                func expectCell(_ authority: String, _ row: String, _ column: String, _ value: JSONValue?) {
                    let place = Self.CellKey(table: key, authority: authority, row: row, column: column)
                    let cell = cells[place]
                    visited.insert(place)
                    #expect(cell?.status == value?["status"]?.stringValue, "\(key) \(authority) \(row) \(column)")
                    if case .integer(let number)? = value?["value"] {
                        #expect(cell?.value == Int(number), "\(key) \(authority) \(row) \(column)")
                    } else {
                        #expect(cell != nil && cell?.value == nil, "a withheld count has no value: \(key) \(authority) \(row) \(column)")
                        withheld += 1
                    }
                }
                for (r, row) in rows.enumerated() {
                    for (c, column) in columns.enumerated() { expectCell("region", row, column, region["cells"]?.arrayValue?[r].arrayValue?[c]) }
                    expectCell("region", row, "total", region["rowTotals"]?.arrayValue?[r])
                }
                for (c, column) in columns.enumerated() { expectCell("region", "total", column, region["columnTotals"]?.arrayValue?[c]) }
                expectCell("region", "total", "total", region["total"])
                // Each authority's totals by the region's rows: a row its table lacks counted nothing.
                for authority in table["authorities"]?.arrayValue ?? [] {
                    let released = authority["table"]
                    let authorityRows = (released?["rows"]?.arrayValue ?? []).compactMap(\.stringValue)
                    for row in rows {
                        let total =
                            authorityRows.firstIndex(of: row).map { released?["rowTotals"]?.arrayValue?[$0] }
                            ?? ["status": "exact", "value": 0]
                        expectCell(authority["name"]?.stringValue ?? "", row, "total", total)
                        // Its median of the row, where its table has medians: released or withheld.
                        if let index = authorityRows.firstIndex(of: row), let median = released?["medians"]?.arrayValue?[index] {
                            let expected: JSONValue =
                                if case .integer = median { ["status": "median", "value": median] } else { ["status": "withheld"] }
                            expectCell(authority["name"]?.stringValue ?? "", row, "median-days", expected)
                            medians += 1
                        }
                    }
                    expectCell(authority["name"]?.stringValue ?? "", "total", "total", released?["total"])
                }
            }
        }
        #expect(visited.count > 500 && withheld > 0 && medians > 0, "checked \(visited.count) cells, \(withheld) withheld, \(medians) medians")
        let unexpected = Set(cells.keys).subtracting(visited).map { "\($0.table) \($0.authority) \($0.row) \($0.column)" }.sorted()
        #expect(unexpected.isEmpty, "the page holds only the report's cells; also: \(unexpected.prefix(4).joined(separator: "; "))")

        // The break is drawn on each of the six relocations trend charts, never on the flow, and
        // its sentence is escaped text, not markup.
        let marks = dom.matches(of: #/<g class="series-break" data-authority="camden" data-date="2025-10-01"><title>([^<]*)</title><line /#)
        #expect(marks.count == 6)
        #expect(marks.allSatisfy { $0.1 == "Series break, camden, 2025-10-01: Relocations recorded by the new &lt;panel&gt; &amp; its form." })
        let captions = dom.matches(
            of: #/<p class="series-break" data-table="relocations/([a-z-]+)" data-authority="camden" data-date="2025-10-01" data-row="2025Q4">/#)
        #expect(captions.map { String($0.1) } == Measure.relocations.tables.filter { if case .trend = $0.shape { true } else { false } }.map(\.name))
        #expect(!dom.contains("<panel>"))

        try? FileManager.default.removeItem(atPath: Self.outputFolder + "/report-pack.png")
        try? FileManager.default.removeItem(atPath: Self.outputFolder + "/report-pack.pdf")
        _ = try run(chromium, offline + ["--screenshot=" + Self.outputFolder + "/report-pack.png", "--window-size=1000,1800", "file://" + page])
        _ = try run(chromium, offline + ["--print-to-pdf=" + Self.outputFolder + "/report-pack.pdf", "--no-pdf-header-footer", "file://" + page])
        let png = try #require(FileManager.default.contents(atPath: Self.outputFolder + "/report-pack.png"))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        let pdf = try #require(FileManager.default.contents(atPath: Self.outputFolder + "/report-pack.pdf"))
        let text = String(decoding: pdf, as: UTF8.self)
        #expect(text.hasPrefix("%PDF"))
        // A4 is 595 by 842 points.
        #expect(text.range(of: #"/MediaBox \[0 0 59[45]\.\d+ 84[12]\.\d+\]"#, options: .regularExpression) != nil)
    }

    struct CellKey: Hashable {
        let table: String
        let authority: String
        let row: String
        let column: String
    }

    /// Every `td` with data attributes in the rendered DOM, by its key.
    static func cells(in dom: String) -> [CellKey: (status: String, value: Int?)] {
        var cells: [CellKey: (status: String, value: Int?)] = [:]
        let pattern =
            /<td data-table="([^"]*)" data-authority="([^"]*)" data-row="([^"]*)" data-column="([^"]*)" data-status="([^"]*)"(?: data-value="(\d+)")?>/
        for match in dom.matches(of: pattern) {
            let key = CellKey(table: String(match.1), authority: String(match.2), row: String(match.3), column: String(match.4))
            cells[key] = (String(match.5), match.6.flatMap { Int($0) })
        }
        return cells
    }

    func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestFailure("chromium exited \(process.terminationStatus)") }
        return String(decoding: data, as: UTF8.self)
    }
}
