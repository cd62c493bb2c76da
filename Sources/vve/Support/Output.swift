import Foundation
import VVECore

/// Writing to the terminal: results on stdout, diagnostics on stderr.
enum Output {
    /// Writes a line to stdout.
    static func line(_ text: String = "") {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Writes `text` to stdout as it is.
    static func text(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Writes a JSON value, indented, to stdout.
    static func json(_ value: JSONValue) {
        line(JSONWriter.pretty(value))
    }

    /// Writes `vve: error: ...` to stderr.
    static func error(_ message: String) {
        let lines = message.split(separator: "\n", omittingEmptySubsequences: false)
        let text = lines.enumerated().map { $0.offset == 0 ? "vve: error: \($0.element)" : "  \($0.element)" }.joined(separator: "\n")
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Writes a note to stderr, for progress that must not mix with results.
    static func note(_ message: String) {
        FileHandle.standardError.write(Data(("vve: " + message + "\n").utf8))
    }
}

extension Output {
    /// Prints a listing the way every `list` command does: a JSON array with `--json`, else
    /// a line saying there is nothing, else a table with one row per item.
    static func listing<Item>(
        _ items: [Item], json: Bool, none: String, headers: [String], row: (Item) -> [String], document: (Item) -> JSONValue
    ) {
        if json {
            Output.json(.array(items.map(document)))
        } else if items.isEmpty {
            Output.line(none)
        } else {
            var table = TextTable(headers: headers)
            table.rows = items.map(row)
            Output.line(table.rendered)
        }
    }
}

/// A plain-text table with left-aligned columns two spaces apart, no trailing spaces.
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []

    init(_ headers: String...) {
        self.headers = headers
    }

    init(headers: [String]) {
        self.headers = headers
    }

    mutating func add(_ cells: String...) {
        rows.append(cells)
    }

    var rendered: String {
        let all = [headers] + rows
        let widths = headers.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { cells in
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
