/// One protected table as it crosses the wire in an aggregate answer: the labels, the rules
/// the answering node applied, and each count's released value and status.
///
/// The reader is the asking side's check that nothing a node sends could identify a child,
/// whatever the node's own code did: no released count from 1 to the threshold - 1, every
/// released count a multiple of the base, rules no looser than the floor, and no withheld
/// count that the released ones pin closer than the threshold (`TableBounds`). `mode` leaves
/// room for other protections later; `protected` is the only one.
package struct ProtectedTableAnswer: Sendable, Hashable {
    /// The only mode today: each node protects its own counts before they leave.
    package static let protectedMode = "protected"
    /// The most rows or columns a table may have: the region's authorities fit.
    package static let maximumLabels = 100
    /// The most counts a table may carry: the check of each withheld one is a few maximum
    /// flows over the whole table, so a hostile node cannot send work without bound.
    package static let maximumCells = 2_000
    /// The largest count a table may carry: far above any region's, far below overflow in
    /// the check's sums.
    package static let maximumCount = 1_000_000_000

    package let labels: TableLabels
    package let table: ProtectedTable
    /// Each row's median days, for a table that has them: released only where at least the
    /// threshold of values stand behind it, nil where withheld or there is none.
    package let medians: [Int?]?

    /// The wire form of `counts`, protected; nil for a table with no rows or no columns,
    /// which has nothing to send.
    package init?(_ counts: CountTable, rules: DisclosureRules) {
        guard !counts.labels.rows.isEmpty, !counts.labels.columns.isEmpty else { return nil }
        labels = counts.labels
        let protected = ProtectedTable(counts.counts, rules: rules)
        table = protected
        let columns = Self.medianColumns(counts.labels)
        medians = counts.medians?.enumerated().map { row, median in
            guard let median, median.count >= rules.threshold, Self.showsThreshold(protected, row: row, columns: columns) else { return nil }
            return median.days
        }
    }

    private init(labels: TableLabels, table: ProtectedTable, medians: [Int?]?) {
        self.labels = labels
        self.table = table
        self.medians = medians
    }

    /// What a label may be.
    static let labelRule = "1-64 letters, digits, spaces and - + . _, starting with a letter or digit"

    /// Whether `text` is a label as the catalogue makes them (areas, vocabulary, quarters,
    /// postcode districts, pairs of authorities). Nothing else is shown to an analyst: no
    /// control character a terminal would act on, and nothing a spreadsheet opening the CSV
    /// would read as a formula (`=`, `+`, `-` or `@` first).
    static func isLabel(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, (1...64).contains(text.unicodeScalars.count),
            ("0"..."9").contains(first) || ("a"..."z").contains(first) || ("A"..."Z").contains(first)
        else { return false }
        return text.unicodeScalars.allSatisfy { scalar in
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || " -+._".unicodeScalars.contains(scalar)
        }
    }

    /// The columns a table's medians are taken over, by index; empty without medians.
    static func medianColumns(_ labels: TableLabels) -> [Int] {
        let names = labels.measure.tables.first { $0.name == labels.name }?.median?.columns ?? []
        return labels.columns.indices.filter { names.contains(labels.columns[$0]) }
    }

    /// Whether `row` releases one of `columns` as a rounded count: at least the threshold,
    /// shown.
    static func showsThreshold(_ table: ProtectedTable, row: Int, columns: [Int]) -> Bool {
        columns.contains { table.cells[row][$0].status == .rounded }
    }

    package var jsonValue: JSONValue {
        func count(_ released: ReleasedCount) -> JSONValue {
            var object: JSONObject = ["status": .string(released.status.rawValue)]
            if let value = released.value { object["value"] = .integer(Int64(value)) }
            return .object(object)
        }
        var object: JSONObject = [
            "mode": .string(Self.protectedMode), "measure": .string(labels.measure.rawValue), "table": .string(labels.name),
            "rowDimension": .string(labels.rowDimension), "columnDimension": .string(labels.columnDimension),
            "rows": .array(labels.rows.map { .string($0) }), "columns": .array(labels.columns.map { .string($0) }),
            "threshold": .integer(Int64(table.rules.threshold)), "roundingBase": .integer(Int64(table.rules.roundingBase)),
            "cells": .array(table.cells.map { .array($0.map(count)) }), "rowTotals": .array(table.rowTotals.map(count)),
            "columnTotals": .array(table.columnTotals.map(count)), "total": count(table.total),
        ]
        if let medians { object["medians"] = .array(medians.map { $0.map { .integer(Int64($0)) } ?? .null }) }
        return .object(object)
    }

    /// Reads and checks a table a node sent; every problem is named with its path.
    package static func read(_ value: JSONValue) throws(ValidationError) -> ProtectedTableAnswer {
        var issues = IssueCollector()
        let object = value.objectValue ?? [:]
        if value.objectValue == nil { issues.add(.root, value, "must be an object") }
        func text(_ key: String, _ rule: String, _ valid: (String) -> Bool) -> String? {
            guard let text = object[key]?.stringValue, valid(text) else {
                issues.add(FieldPath(text: key), object[key], rule)
                return nil
            }
            return text
        }
        func integer(_ key: String) -> Int? {
            guard case .integer(let number)? = object[key], let value = Int(exactly: number) else {
                issues.add(FieldPath(text: key), object[key], "must be a whole number")
                return nil
            }
            return value
        }
        let label = Self.isLabel
        _ = text("mode", "must be \(protectedMode), the only mode", { $0 == protectedMode })
        let measure = text("measure", "must be one of \(Measure.names)") { Measure(rawValue: $0) != nil }.flatMap(Measure.init)
        let name = text("table", "must name the table in \(labelRule)", label)
        let rowDimension = text("rowDimension", "must name the rows in \(labelRule)", label)
        let columnDimension = text("columnDimension", "must name the columns in \(labelRule)", label)
        func labels(_ key: String) -> [String]? {
            guard let array = object[key]?.arrayValue, (1...maximumLabels).contains(array.count),
                case let texts = array.compactMap(\.stringValue), texts.count == array.count, texts.allSatisfy(label), Set(texts).count == texts.count
            else {
                issues.add(FieldPath(text: key), object[key], "must list 1-\(maximumLabels) distinct labels, each \(labelRule)")
                return nil
            }
            return texts
        }
        let rows = labels("rows")
        let columns = labels("columns")
        var rules: DisclosureRules?
        if let threshold = integer("threshold"), let base = integer("roundingBase") {
            switch DisclosureRules.make(threshold: threshold, roundingBase: base) {
            case .success(let made): rules = made
            case .failure(let problem): issues.add(FieldPath(text: "threshold"), object["threshold"], "is refused: \(problem)")
            }
        }
        guard let measure, let name, let rowDimension, let columnDimension, let rows, let columns, let rules else {
            throw ValidationError(issues: issues.issues)
        }
        guard rows.count * columns.count <= maximumCells else {
            issues.add(FieldPath(text: "cells"), nil, "must hold at most \(maximumCells) counts; this table has \(rows.count * columns.count)")
            throw ValidationError(issues: issues.issues)
        }
        func count(_ value: JSONValue?, at path: FieldPath) -> ReleasedCount? {
            guard let object = value?.objectValue, let status = object["status"]?.stringValue.flatMap(ReleasedCount.Status.init(rawValue:)),
                Set(object.keys).isSubset(of: ["status", "value"])
            else {
                issues.add(path, value, "must be {\"status\": exact, rounded, suppressed or secondary, \"value\": N when released}")
                return nil
            }
            let number: Int? = if case .integer(let raw)? = object["value"] { Int(exactly: raw) } else { nil }
            if object["value"] != nil, number == nil { issues.add(path.appending("value"), object["value"], "must be a whole number") }
            switch status {
            case .exact where number == 0, .suppressed where number == nil, .secondary where number == nil:
                return ReleasedCount(value: number, status: status)
            case .rounded:
                guard let number, (1...maximumCount).contains(number), rules.counts(releasedAs: number) != nil else {
                    issues.add(
                        path, value,
                        "a rounded count must be a multiple of \(rules.roundingBase) standing for counts of at least \(rules.threshold), at most \(maximumCount); never a small count"
                    )
                    return nil
                }
                return ReleasedCount(value: number, status: status)
            default:
                issues.add(path, value, "an exact count is 0, and a withheld one carries no value")
                return nil
            }
        }
        func counts(_ key: String, _ length: Int) -> [ReleasedCount] {
            guard let array = object[key]?.arrayValue, array.count == length else {
                issues.add(FieldPath(text: key), object[key], "must hold \(length) counts")
                return []
            }
            return array.enumerated().compactMap { count($1, at: FieldPath(text: key).appending(index: $0)) }
        }
        var cells: [[ReleasedCount]] = []
        if let lines = object["cells"]?.arrayValue, lines.count == rows.count {
            for (index, line) in lines.enumerated() {
                let path = FieldPath(text: "cells").appending(index: index)
                guard let entries = line.arrayValue, entries.count == columns.count else {
                    issues.add(path, line, "must hold \(columns.count) counts, one per column")
                    continue
                }
                cells.append(entries.enumerated().compactMap { count($1, at: path.appending(index: $0)) })
            }
        } else {
            issues.add(FieldPath(text: "cells"), object["cells"], "must hold \(rows.count) rows of \(columns.count) counts")
        }
        let rowTotals = counts("rowTotals", rows.count)
        let columnTotals = counts("columnTotals", columns.count)
        let total = count(object["total"], at: FieldPath(text: "total"))
        var medians: [Int?]?
        if let raw = object["medians"] {
            let offered = measure.tables.first { $0.name == name }?.median != nil
            let read = raw.arrayValue?.map { entry -> Int?? in
                if entry == .null { return .some(nil) }
                guard case .integer(let number) = entry, let days = Int(exactly: number), (0...RowMedian.maximumDays).contains(days) else {
                    return nil
                }
                return .some(days)
            }
            if !offered {
                issues.add(
                    FieldPath(text: "medians"), nil, "are not offered by \(measure.rawValue) \(name); a table carries only what the catalogue lists")
            } else if let read, read.count == rows.count, read.allSatisfy({ $0 != nil }) {
                medians = read.compactMap { $0 }
            } else {
                issues.add(
                    FieldPath(text: "medians"), nil,
                    "must hold \(rows.count) medians, one per row, each whole days 0-\(RowMedian.maximumDays) or null")
            }
        }
        try issues.throwIfAny()
        let table = ProtectedTable(released: cells, rowTotals: rowTotals, columnTotals: columnTotals, total: total!, rules: rules)
        let bounds = TableBounds(released: table.released, rules: rules)
        for row in 0...rows.count {
            for column in 0...columns.count where table.released[row][column] == nil {
                let path =
                    row == rows.count
                    ? (column == columns.count ? "total" : "columnTotals[\(column)]")
                    : (column == columns.count ? "rowTotals[\(row)]" : "cells[\(row)][\(column)]")
                guard let spans = bounds.spans(row: row, column: column, atLeast: rules.threshold) else {
                    issues.add(FieldPath(text: "cells"), nil, "no table of counts gives these released values")
                    throw ValidationError(issues: issues.issues)
                }
                if !spans, let range = bounds.bounds(row: row, column: column), let highest = range.highest {
                    issues.add(
                        FieldPath(text: path), nil,
                        "is withheld, but the released counts pin it to \(range.lowest)-\(highest); a table must leave every withheld count a threshold wide"
                    )
                }
            }
        }
        let labels = TableLabels(
            measure: measure, name: name, rowDimension: rowDimension, columnDimension: columnDimension, rows: rows, columns: columns)
        // A median says nothing of the counts only where the table already shows at least the
        // threshold behind it.
        let medianColumns = Self.medianColumns(labels)
        for (row, median) in (medians ?? []).enumerated() where median != nil && !Self.showsThreshold(table, row: row, columns: medianColumns) {
            issues.add(
                FieldPath(text: "medians").appending(index: row), .integer(Int64(median ?? 0)),
                "is released for a row where none of the counts it is taken over is released as at least \(rules.threshold); a median leaves only where the table shows that many behind it"
            )
        }
        try issues.throwIfAny()
        return ProtectedTableAnswer(labels: labels, table: table, medians: medians)
    }
}
