/// A node's answer to an aggregate query: its protected tables and its notes. Raw records
/// never leave, and neither does any count from 1 to the threshold - 1.
package struct AggregateAnswer: Sendable, Hashable {
    /// The most notes an answer may carry, and their longest.
    package static let maximumNotes = 20
    package static let maximumNoteLength = 400

    package let authority: AuthorityName
    package let queryID: String
    package let measure: Measure
    /// The quarters counted, oldest first.
    package let quarters: [Quarter]
    /// The tables asked, in the catalogue's order; a table with nothing to count in it (a flow
    /// with no movement, say) is left out, and a note says so.
    package let tables: [ProtectedTableAnswer]
    /// Tables asked that the node counted but could not send: more labels or counts than an
    /// answer may carry. The asking side treats them as missing from this node, never zero.
    package let unsent: [String]
    /// Tables asked that counted nothing at all (a flow with no movement in the year, say):
    /// zero everywhere, so sent by name alone. Every table asked is in `tables`, `unsent` or
    /// here, so a table left out is never read as zero.
    package let empty: [String]
    /// The people as tokens, for `known-in-several-areas` alone, which has no tables.
    package let tokens: ReleasedTokens?
    /// The line records as token groups, for a `county-lines` query that asks
    /// `distinct-lines`, and for no other.
    package let lines: ReleasedLines?
    /// What a reader must know about these counts: how they were kept, what was left out.
    package let notes: [String]
    /// The breaks the node declares in the measure's series within the quarters counted, in
    /// date order (`SeriesBreak`).
    package let seriesBreaks: [SeriesBreak]

    package init(
        authority: AuthorityName, queryID: String, measure: Measure, quarters: [Quarter], tables: [ProtectedTableAnswer], unsent: [String] = [],
        empty: [String] = [],
        tokens: ReleasedTokens? = nil, lines: ReleasedLines? = nil,
        notes: [String], seriesBreaks: [SeriesBreak] = []
    ) {
        self.authority = authority
        self.queryID = queryID
        self.measure = measure
        self.quarters = quarters
        self.tables = tables
        self.unsent = unsent
        self.empty = empty
        self.tokens = tokens
        self.lines = lines
        self.notes = notes
        self.seriesBreaks = seriesBreaks
    }

    package var jsonValue: JSONValue {
        .compactObject([
            ("authority", .string(authority.rawValue)), ("queryId", .string(queryID)), ("measure", .string(measure.rawValue)),
            ("quarters", .array(quarters.map { .string($0.description) })), ("tables", .array(tables.map(\.jsonValue))),
            ("unsent", unsent.isEmpty ? nil : .array(unsent.map(JSONValue.string))),
            ("empty", empty.isEmpty ? nil : .array(empty.map(JSONValue.string))), ("tokens", tokens?.jsonValue),
            ("lines", lines?.jsonValue), ("notes", .array(notes.map(JSONValue.string))),
            ("seriesBreaks", seriesBreaks.isEmpty ? nil : .array(seriesBreaks.map(\.jsonValue))),
        ])
    }

    /// Reads and checks an answer to `query`: every table one the query asked, for the
    /// quarters it asked, each passing `ProtectedTableAnswer.read`.
    package static func read(_ value: JSONValue, answering query: AggregateQuery) throws(ValidationError) -> AggregateAnswer {
        var issues = IssueCollector()
        guard var reader = ObjectReader(value, at: .root, issues: &issues) else { throw ValidationError(issues: issues.issues) }
        let rawAuthority = reader.raw("authority")
        let authority = rawAuthority?.stringValue.flatMap(AuthorityName.init)
        if authority == nil { issues.add(FieldPath(text: "authority"), rawAuthority, "must be the answering authority's name") }
        let rawID = reader.raw("queryId")
        if rawID?.stringValue != query.queryID { issues.add(FieldPath(text: "queryId"), rawID, "must be the query's id, \(query.queryID)") }
        let rawMeasure = reader.raw("measure")
        if rawMeasure?.stringValue != query.measure.rawValue {
            issues.add(FieldPath(text: "measure"), rawMeasure, "must be the measure asked, \(query.measure.rawValue)")
        }
        let rawQuarters = reader.raw("quarters")
        if rawQuarters?.arrayValue?.compactMap(\.stringValue) != query.quarters.map(\.description) {
            issues.add(FieldPath(text: "quarters"), nil, "must be the quarters asked, \(query.quarters.map(\.description).joined(separator: ", "))")
        }
        var notes: [String] = []
        if let raw = reader.raw("notes") {
            let texts = raw.arrayValue?.compactMap(\.stringValue) ?? []
            if texts.count == raw.arrayValue?.count, texts.count <= maximumNotes,
                texts.allSatisfy({
                    !$0.isEmpty && $0.count <= maximumNoteLength && !$0.unicodeScalars.contains { $0.properties.generalCategory == .control }
                })
            {
                notes = texts
            } else {
                issues.add(FieldPath(text: "notes"), nil, "must list at most \(maximumNotes) notes of 1-\(maximumNoteLength) printable characters")
            }
        }
        var tables: [ProtectedTableAnswer] = []
        // The tables a node counts; the asking node derives the others from tokens.
        let asked = query.tableDefinitions.filter { !$0.isDerived }.map(\.name)
        // An answer with no table omits the member, as every empty list.
        let rawTables = reader.raw("tables")
        if let list = rawTables == nil ? [] : rawTables?.arrayValue, list.count <= asked.count {
            for (index, element) in list.enumerated() {
                let path = FieldPath(text: "tables").appending(index: index)
                do {
                    let table = try ProtectedTableAnswer.read(element)
                    if table.labels.measure != query.measure || !asked.contains(table.labels.name)
                        || tables.contains(where: { $0.labels.name == table.labels.name })
                    {
                        issues.add(path.appending("table"), .string(table.labels.name), "must be a table asked, once")
                    } else if table.labels.rowDimension == "quarter", table.labels.rows != query.quarters.map(\.description) {
                        issues.add(path.appending("rows"), nil, "must be the quarters asked")
                    } else {
                        tables.append(table)
                    }
                } catch {
                    for issue in error.issues {
                        issues.add(ValidationIssue(path: path.appending(issue.path.text), value: issue.value, rule: issue.rule))
                    }
                }
            }
        } else {
            issues.add(FieldPath(text: "tables"), nil, "must list at most \(asked.count) tables, those asked")
        }
        func names(_ key: String) -> [String] {
            guard let raw = reader.raw(key) else { return [] }
            let names = raw.arrayValue?.compactMap(\.stringValue) ?? []
            guard names.count == raw.arrayValue?.count, Set(names).count == names.count,
                names.allSatisfy({ name in asked.contains(name) && !tables.contains { $0.labels.name == name } })
            else {
                issues.add(FieldPath(text: key), nil, "must list tables asked and not sent, once each")
                return []
            }
            return names
        }
        let unsent = names("unsent")
        let empty = names("empty")
        let accounted = tables.map(\.labels.name) + unsent + empty
        if accounted.count != asked.count || Set(accounted) != Set(asked) {
            issues.add(
                FieldPath(text: "tables"), nil,
                "must account for every table asked, once: sent, listed in `unsent` or listed in `empty`; asked \(asked.joined(separator: ", "))")
        }
        var tokens: ReleasedTokens?
        let rawTokens = reader.raw("tokens")
        if query.measure == .knownInSeveralAreas {
            if let rawTokens {
                tokens = ReleasedTokens.read(rawTokens, at: FieldPath(text: "tokens"), issues: &issues)
            } else {
                issues.add(FieldPath(text: "tokens"), nil, "is required: \(query.measure.rawValue) is answered with tokens")
            }
        } else if rawTokens != nil {
            issues.add(FieldPath(text: "tokens"), nil, "must be absent: \(query.measure.rawValue) is answered with tables")
        }
        var lines: ReleasedLines?
        let rawLines = reader.raw("lines")
        if query.asksDistinctLines {
            if let rawLines {
                lines = ReleasedLines.read(rawLines, at: FieldPath(text: "lines"), issues: &issues)
            } else {
                issues.add(FieldPath(text: "lines"), nil, "is required: \(DistinctLines.name) is answered with tokens of the deal lines")
            }
        } else if rawLines != nil {
            issues.add(FieldPath(text: "lines"), nil, "must be absent: the query does not ask \(DistinctLines.name)")
        }
        let breaks = reader.list("seriesBreaks", as: SeriesBreak.self, maximum: SeriesBreak.maximumPerMeasure, issues: &issues)
        if !breaks.isEmpty, !query.measure.isCountedByQuarter {
            issues.add(FieldPath(text: "seriesBreaks"), nil, "must be absent: \(query.measure.rawValue) counts today's records, not a series")
        } else if SeriesBreak.within(query.quarters, breaks).count != breaks.count {
            issues.add(FieldPath(text: "seriesBreaks"), nil, "must list breaks dated within the quarters asked")
        }
        reader.finish(issues: &issues)
        try issues.throwIfAny()
        return AggregateAnswer(
            authority: authority!, queryID: query.queryID, measure: query.measure, quarters: query.quarters, tables: tables, unsent: unsent,
            empty: empty, tokens: tokens, lines: lines, notes: notes, seriesBreaks: breaks.sorted())
    }
}
