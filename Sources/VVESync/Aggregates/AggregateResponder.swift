import Logging
import VVECore
import VVEStore

/// Answers a peer's aggregate query from this node's own records, never from copies, so that
/// nothing is counted twice across the region: each table protected (`ProtectedTable`) before
/// it leaves, and the query, the asker and every cell released or withheld audited in the same
/// transaction that admits it.
package struct AggregateResponder: Sendable {
    let store: CaseStore
    let configuration: AggregateConfiguration
    /// The region's match keys, from which `known-in-several-areas` tokens are made; nil on a
    /// node without the linkage key, which cannot answer that measure.
    let encoder: MatchKeyEncoder?
    let logger: Logger

    package init(store: CaseStore, configuration: AggregateConfiguration, encoder: MatchKeyEncoder?, logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.encoder = encoder
        self.logger = logger
    }

    /// Answers `query` from `peer`, whose file grants `grant`, on `today` by this node's clock.
    package func answer(_ query: AggregateQuery, from peer: AuthorityName, grant: AggregateGrant, at time: Timestamp) throws -> AggregateReply {
        let today = time.calendarDate
        var refusal: (AggregateReply.Refusal, String)?
        if !grant.grants(query.measure) {
            refusal = (
                .forbidden,
                grant.grantsAny
                    ? "this node does not answer \(query.measure.rawValue) for \(peer): Peers/\(peer).yaml grants `aggregates: \(grant.text)`"
                    : "this node answers no aggregate query from \(peer): Peers/\(peer).yaml says `aggregates: no`"
            )
        } else if !query.measure.isCountedByQuarter, encoder == nil {
            refusal = (
                .badRequest,
                "this node cannot answer \(query.measure.rawValue): it has no linkage key; its admin must copy the region's linkage key into the file node.yaml names (`linkage-key:`, mode 0600) and restart `vve serve`"
            )
        } else if !query.quarter.isReportable(on: today, lagDays: configuration.reportLagDays) {
            let from = query.quarter.last.adding(days: configuration.reportLagDays + 1)
            refusal = (
                .badRequest,
                "\(query.quarter) cannot be reported yet: a quarter is reported once it has been closed \(configuration.reportLagDays) days, so \(query.quarter) from \(from); the latest now is \(Quarter.latestReportable(on: today, lagDays: configuration.reportLagDays))"
            )
        }
        if let (reason, text) = refusal {
            try store.audit([
                AuditEvent(
                    time: time, actor: "peer:\(peer)", action: .refuse, justification: query.purpose.text,
                    detail: "aggregate \(query.queryID) from \(peer) for analyst \(query.analyst): \(query.measure.rawValue); refused: \(text)")
            ])
            logger.warning("aggregate query refused", metadata: ["peer.name": "\(peer)", "aggregate.query": "\(query.queryID)"])
            return .refused(reason, text)
        }
        let rules = configuration.rules
        let lag = configuration.reportLagDays
        let breaks = configuration.seriesBreaks[query.measure] ?? []
        let admission: AggregateAdmission<AggregateAnswer>
        if let encoder, !query.measure.isCountedByQuarter {
            admission = try store.answerTokens(query, from: peer, limits: configuration.limits, at: time, encoder: encoder) { keys in
                let answer = Self.tokens(query, keys, encoder: encoder, authority: store.node, rules: rules)
                return (answer, Self.released(answer))
            }
        } else {
            admission = try store.answerAggregate(
                query, from: peer, limits: configuration.limits, at: time, lines: query.asksDistinctLines && encoder != nil
            ) { kept, own in
                var answer = Self.protect(query, kept, authority: store.node, rules: rules, lagDays: lag, seriesBreaks: breaks)
                if query.asksDistinctLines { answer = Self.adding(lines: own, to: answer, query: query, encoder: encoder, rules: rules) }
                return (answer, Self.released(answer))
            }
        }
        switch admission {
        case .answered(let answer):
            logger.info(
                "aggregate query answered",
                metadata: ["peer.name": "\(peer)", "aggregate.query": "\(query.queryID)", "aggregate.tables": "\(answer.tables.count)"])
            return .answered(answer)
        case .refused(.repeated, let reason):
            return .refused(.repeated, reason)
        case .refused(.overLimit, let reason):
            logger.warning("aggregate query refused: over its limit", metadata: ["peer.name": "\(peer)", "aggregate.query": "\(query.queryID)"])
            return .refused(.tooManyRequests, reason)
        }
    }

    /// The answer to `query` from the counts kept: every table protected, with the notes a
    /// reader needs and the node's breaks in the series (`seriesBreaks`, the measure's) that
    /// fall in the quarters asked.
    package static func protect(
        _ query: AggregateQuery, _ kept: KeptCounts, authority: AuthorityName, rules: DisclosureRules, lagDays: Int, seriesBreaks: [SeriesBreak]
    ) -> AggregateAnswer {
        let asked = Set(query.tableDefinitions.map(\.name))
        var counted = query.measure.countTables(kept.counts, quarters: query.quarters).filter { asked.contains($0.labels.name) }
        var withoutDays: [(table: String, rows: [String])] = []
        for (index, table) in counted.enumerated() {
            let rows = Self.rowsWithoutDays(table)
            guard !rows.isEmpty, let medians = table.medians else { continue }
            withoutDays.append((table.labels.name, rows.map { table.labels.rows[$0] }))
            counted[index] = CountTable(
                table.labels, counts: table.counts, medians: medians.enumerated().map { rows.contains($0.offset) ? nil : $0.element })
        }
        var notes: [String] = []
        var tables: [ProtectedTableAnswer] = []
        var unsent: [String] = []
        var empty: [String] = []
        for table in counted {
            let labels = table.labels
            if labels.rows.count > ProtectedTableAnswer.maximumLabels || labels.columns.count > ProtectedTableAnswer.maximumLabels
                || labels.rows.count * labels.columns.count > ProtectedTableAnswer.maximumCells
            {
                unsent.append(labels.name)
                notes.append(
                    "\(labels.name): not sent, its \(labels.rows.count) \(labels.rowDimension) by \(labels.columns.count) \(labels.columnDimension) values are more than one answer may carry (\(ProtectedTableAnswer.maximumLabels) each way, \(ProtectedTableAnswer.maximumCells) counts)."
                )
            } else if let protected = ProtectedTableAnswer(table, rules: rules) {
                tables.append(protected)
            } else {
                empty.append(labels.name)
                let quarters = labels.rowDimension == "quarter" ? query.quarters : Array(query.quarters.suffix(TableDefinition.flowQuarters))
                let span = quarters.count == 1 ? "\(quarters[0])" : "\(quarters[0])-\(quarters[quarters.count - 1])"
                notes.append("\(labels.name): nothing to count in \(span).")
            }
        }
        let late = kept.kept.filter { $0.keptAt.calendarDate > $0.quarter.last.adding(days: lagDays + 7) }
        for (day, quarters) in Dictionary(grouping: late, by: { $0.keptAt.calendarDate }).sorted(by: { $0.key < $1.key }) {
            let names = quarters.map(\.quarter.description).sorted().joined(separator: ", ")
            notes.append(
                "\(names) counted on \(day), after \(quarters.count == 1 ? "it" : "they") closed, from the records held that day: records erased before then are not in \(quarters.count == 1 ? "it" : "them")."
            )
        }
        for (table, rows) in withoutDays {
            notes.append(
                "\(table): medians withheld for \(rows.joined(separator: ", ")), whose counts were kept before this node kept days to acknowledgement."
            )
        }
        if kept.changedSinceKept {
            notes.append("Records of this kind were edited or erased after these quarters' counts were kept; the counts stand as kept.")
        }
        return AggregateAnswer(
            authority: authority, queryID: query.queryID, measure: query.measure, quarters: query.quarters, tables: tables, unsent: unsent,
            empty: empty, notes: notes, seriesBreaks: SeriesBreak.within(query.quarters, seriesBreaks))
    }

    /// The rows of a table with medians whose acknowledged relocations are not all in its
    /// counts of days (quarters kept before those counts were): their medians would be wrong.
    static func rowsWithoutDays(_ table: CountTable) -> [Int] {
        guard let medians = table.medians else { return [] }
        let notYet = table.labels.columns.firstIndex(of: RelocationBriefingMeasure.Delay.notYet.rawValue)
        return table.labels.rows.indices.filter { row in
            let acknowledged = table.counts[row].enumerated().filter { $0.offset != notYet }.map(\.element).reduce(0, +)
            return acknowledged != (medians[row]?.count ?? 0)
        }
    }

    /// The answer to `known-in-several-areas`: the tokens of the people whose exact keys are
    /// `keys`, padded, or none when too few; and how many people could not be counted,
    /// protected.
    static func tokens(
        _ query: AggregateQuery, _ keys: OwnExactKeys, encoder: MatchKeyEncoder, authority: AuthorityName, rules: DisclosureRules
    )
        -> AggregateAnswer
    {
        let population = PersonTokens(encoder: encoder, queryID: query.queryID).population(exactKeys: keys.keys, uncounted: keys.uncounted)
        var random = SystemRandomNumberGenerator()
        let released = PersonTokens.released(population.tokens, rules: rules, using: &random)
        let uncounted = ReleasedCount(protecting: population.uncounted, rules: rules)
        var notes: [String] = []
        if released == nil { notes.append("Fewer than \(rules.threshold) people in this node's records: no tokens sent.") }
        if uncounted.status != .exact {
            notes.append("Mentions of people without a full name and date of birth, who could not be counted: \(uncounted.described(under: rules)).")
        }
        return AggregateAnswer(
            authority: authority, queryID: query.queryID, measure: query.measure, quarters: query.quarters, tables: [],
            tokens: ReleasedTokens(rules: rules, tokens: released, uncounted: uncounted), notes: notes)
    }

    /// `answer` with the deal-line token groups of `own`, padded (`LineTokens.released`); or
    /// with none, and a note saying why: no linkage key to make them with, tokens sent to this
    /// asker in the last day, or fewer line records than the threshold.
    static func adding(
        lines own: OwnLines?, to answer: AggregateAnswer, query: AggregateQuery, encoder: MatchKeyEncoder?, rules: DisclosureRules
    ) -> AggregateAnswer {
        var notes = answer.notes
        let lines: ReleasedLines
        switch (own, encoder) {
        case (.lines(let numbers)?, let encoder?):
            var random = SystemRandomNumberGenerator()
            let groups = LineTokens(encoder: encoder, queryID: query.queryID).groups(numbers, using: &random)
            lines = LineTokens.released(groups, rules: rules, using: &random)
            if lines.groups == nil {
                notes.append("\(DistinctLines.name): fewer than \(rules.threshold) county lines first seen in these quarters: no tokens sent.")
            }
        case (.sentToday(let last)?, _):
            lines = ReleasedLines(rules: rules, count: nil, groups: nil)
            notes.append(
                "\(DistinctLines.name): tokens of deal lines go to each asker once a day, and went to this one at \(last); ask again 24 hours after that."
            )
        default:
            lines = ReleasedLines(rules: rules, count: nil, groups: nil)
            notes.append("\(DistinctLines.name): this node has no linkage key to make tokens of its deal lines with.")
        }
        return AggregateAnswer(
            authority: answer.authority, queryID: answer.queryID, measure: answer.measure, quarters: answer.quarters, tables: answer.tables,
            unsent: answer.unsent, empty: answer.empty, lines: lines, notes: notes, seriesBreaks: answer.seriesBreaks)
    }

    /// What the audit log keeps of an answer: each table's cells, released values and withheld
    /// ones, as `row/column=value`, `S` for suppressed, `s` for secondary; and each row's
    /// median as `row/median=days`, `W` where withheld.
    package static func released(_ answer: AggregateAnswer) -> String {
        let tables = answer.tables.map { table in
            let labels = table.labels
            var cells: [String] = []
            func add(_ row: String, _ column: String, _ count: ReleasedCount) {
                let value =
                    switch count.status {
                    case .exact, .rounded: "\(count.value ?? 0)"
                    case .suppressed: "S"
                    case .secondary: "s"
                    }
                cells.append("\(row)/\(column)=\(value)")
            }
            for (r, row) in labels.rows.enumerated() {
                for (c, column) in labels.columns.enumerated() { add(row, column, table.table.cells[r][c]) }
                add(row, "total", table.table.rowTotals[r])
            }
            for (c, column) in labels.columns.enumerated() { add("total", column, table.table.columnTotals[c]) }
            add("total", "total", table.table.total)
            for (r, median) in (table.medians ?? []).enumerated() { cells.append("\(labels.rows[r])/median=\(median.map { "\($0)" } ?? "W")") }
            return "\(labels.name){\(cells.joined(separator: ","))}"
        }
        if let tokens = answer.tokens {
            // Never the tokens themselves: how many, and the count of people not counted.
            let sent =
                tokens.tokens.map { "released \($0.count) tokens, padded to a multiple of \(tokens.rules.roundingBase)" } ?? "withheld the tokens"
            return "\(sent); people not counted: \(tokens.uncounted.value.map { "\($0)" } ?? "S")"
        }
        let withheld = answer.tables.flatMap { $0.table.released.flatMap { $0 } }.filter { $0 == nil }.count
        // Never the tokens themselves: how many groups, for how many line records.
        let lines = answer.lines.map { lines in
            lines.groups.map { "; \(DistinctLines.name): released \($0.count) groups of deal-line tokens for \(lines.count ?? 0) line records" }
                ?? "; \(DistinctLines.name): withheld the deal-line tokens"
        }
        return "released \(answer.tables.count) tables, \(withheld) counts withheld: " + tables.joined(separator: " ") + (lines ?? "")
    }
}
