// An aggregate query as it crosses the wire: a measure of the catalogue, whole quarters, and
// who asks and why. docs/protocol.md describes the exchange.

/// A question the VRU asks of every borough that grants it the measure.
package struct AggregateQuery: Sendable, Hashable {
    /// The most quarters one query may span: two years, enough for a trend.
    package static let maximumQuarters = 8

    /// The id the asking node gives the query: both audit logs carry it, and a node answers
    /// each id once.
    package var queryID: String
    package var measure: Measure
    /// The latest quarter asked.
    package var quarter: Quarter
    /// How many quarters, ending with `quarter`: 1 to `maximumQuarters`.
    package var quarterCount: Int
    /// The tables asked, each one of the measure's; every table of the measure when nil.
    package var tables: [String]?
    /// The analyst who asks, as the asking node's audit log names them.
    package var analyst: OperatorName
    /// Why, in at least three words.
    package var purpose: Justification

    package init(
        queryID: String, measure: Measure, quarter: Quarter, quarterCount: Int, tables: [String]? = nil, analyst: OperatorName, purpose: Justification
    ) {
        self.queryID = queryID
        self.measure = measure
        self.quarter = quarter
        self.quarterCount = quarterCount
        self.tables = tables
        self.analyst = analyst
        self.purpose = purpose
    }

    /// The quarters asked, oldest first.
    package var quarters: [Quarter] { quarter.trend(of: quarterCount) }

    /// The tables answered: those asked, in the catalogue's order.
    package var tableDefinitions: [TableDefinition] {
        measure.tables.filter { tables?.contains($0.name) ?? true }
    }

    /// Whether the query asks `county-lines`' `distinct-lines`, which each node answers with
    /// tokens of its deal lines.
    package var asksDistinctLines: Bool {
        measure == .countyLines && tableDefinitions.contains { $0.name == DistinctLines.name }
    }

    /// A problem with the tables asked: one that is not the measure's, or none at all.
    package static func tablesRule(_ tables: [String], of measure: Measure) -> String? {
        let offered = measure.tables.map(\.name)
        if tables.isEmpty || Set(tables).count != tables.count { return "must list distinct tables of \(measure.rawValue)" }
        if let unknown = tables.first(where: { !offered.contains($0) }) {
            return "`\(unknown)` is not a table of \(measure.rawValue); its tables are \(offered.joined(separator: ", "))"
        }
        return nil
    }

    /// The query as `POST /v1/aggregate` carries it.
    package var jsonValue: JSONValue {
        .compactObject([
            ("queryId", .string(queryID)),
            ("measure", .string(measure.rawValue)),
            ("quarter", .string(quarter.description)),
            ("quarters", .integer(Int64(quarterCount))),
            ("tables", tables.map { .array($0.map(JSONValue.string)) }),
            ("analyst", .string(analyst.rawValue)),
            ("purpose", .string(purpose.text)),
        ])
    }

    /// Reads a query, naming every problem. Whether its quarters may be reported yet is the
    /// answering node's to decide, by its own clock.
    package static func read(_ value: JSONValue) throws(ValidationError) -> AggregateQuery {
        var issues = IssueCollector()
        guard var reader = ObjectReader(value, at: .root, issues: &issues) else { throw ValidationError(issues: issues.issues) }
        let rawID = reader.raw("queryId")
        let queryID = rawID?.stringValue.flatMap { LookupQuery.isValidLookupID($0) ? $0 : nil }
        if queryID == nil { issues.add(FieldPath(text: "queryId"), rawID, "must be 8-64 lowercase letters, digits and hyphens") }
        let rawMeasure = reader.raw("measure")
        let measure = rawMeasure?.stringValue.flatMap(Measure.init(rawValue:))
        if measure == nil { issues.add(FieldPath(text: "measure"), rawMeasure, "must be one of \(Measure.names)") }
        let rawQuarter = reader.raw("quarter")
        let quarter = rawQuarter?.stringValue.flatMap(Quarter.init)
        if quarter == nil { issues.add(FieldPath(text: "quarter"), rawQuarter, Quarter.rule) }
        let rawCount = reader.raw("quarters")
        var quarterCount: Int?
        if case .integer(let number)? = rawCount, (1...Int64(maximumQuarters)).contains(number) { quarterCount = Int(number) }
        if quarterCount == nil {
            issues.add(FieldPath(text: "quarters"), rawCount, "must be a whole number of quarters from 1 to \(maximumQuarters)")
        }
        var tables: [String]?
        if let raw = reader.raw("tables") {
            let names = raw.arrayValue?.compactMap(\.stringValue)
            if let names, names.count == raw.arrayValue?.count, let measure, tablesRule(names, of: measure) == nil {
                tables = names
            } else {
                issues.add(FieldPath(text: "tables"), raw, measure.flatMap { tablesRule(names ?? [], of: $0) } ?? "must list tables of the measure")
            }
        }
        var analyst: OperatorName?
        if let text = reader.raw("analyst")?.stringValue {
            do { analyst = try OperatorName(text) } catch {
                issues.add(FieldPath(text: "analyst"), .string(text), "must be 2-64 printable characters naming the analyst, such as a.khan")
            }
        } else {
            issues.add(FieldPath(text: "analyst"), nil, "is required: who asks")
        }
        var purpose: Justification?
        if let text = reader.raw("purpose")?.stringValue {
            do { purpose = try Justification(text, field: "purpose") } catch { for issue in error.issues { issues.add(issue) } }
        } else {
            issues.add(FieldPath(text: "purpose"), nil, "is required: why the query is asked, in at least \(Justification.minimumWords) words")
        }
        reader.finish(issues: &issues)
        try issues.throwIfAny()
        return AggregateQuery(
            queryID: queryID!, measure: measure!, quarter: quarter!, quarterCount: quarterCount!, tables: tables, analyst: analyst!, purpose: purpose!
        )
    }
}
