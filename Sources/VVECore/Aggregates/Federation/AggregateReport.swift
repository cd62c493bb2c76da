/// An aggregate query's results across the peers asked: each one's answer or why there is
/// none, the regional tables combined from the answers, and every note.
package struct AggregateReport: Sendable {
    /// How a report ended, as its exit status says.
    package enum Outcome: String, Sendable {
        /// Every peer asked answered. Exit 0.
        case complete
        /// Some peer refused or gave no answer: its cells are missing. Exit 2.
        case incomplete
    }

    package let query: AggregateQuery
    /// Each peer asked, by name.
    package let results: [(peer: AuthorityName, result: PeerAggregateResult)]
    /// The measure's tables asked, combined across the answers.
    package let tables: [RegionalTable]
    /// The rules this node protects what it derives itself by.
    package let rules: DisclosureRules

    /// Combines `results`; counts this node derives itself (`SharedPeople`, `DistinctLines`) are protected by
    /// `rules`, its own disclosure rules.
    package init(query: AggregateQuery, results: [(peer: AuthorityName, result: PeerAggregateResult)], rules: DisclosureRules = .floor) {
        self.query = query
        self.rules = rules
        self.results = results.sorted { $0.peer < $1.peer }
        let answers = self.results.compactMap(\.result.answer)
        let missing = self.results.filter { $0.result.answer == nil }.map(\.peer)
        if query.measure.isCountedByQuarter {
            let withoutLines = answers.filter { $0.lines?.groups == nil }.map(\.authority)
            tables = query.tableDefinitions.map { definition in
                definition.isDerived
                    ? DistinctLines.table(answers, missing: (missing + withoutLines).sorted(), rules: rules)
                    : RegionalTable(definition, measure: query.measure, quarters: query.quarters, answers: answers, missing: missing)
            }
        } else {
            let withheld = answers.filter { $0.tokens?.tokens == nil }.map(\.authority)
            tables = SharedPeople.tables(answers, query: query, missing: (missing + withheld).sorted(), rules: rules)
        }
    }

    /// Complete when every peer answered and every table holds every authority's count: a
    /// table one could not send, or people one could not send tokens for, leave it incomplete.
    package var outcome: Outcome {
        results.allSatisfy { $0.result.answer != nil } && tables.allSatisfy(\.missing.isEmpty) ? .complete : .incomplete
    }

    /// The process exit status for `outcome`.
    package var exitCode: Int32 { outcome == .complete ? 0 : 2 }

    /// The authorities that answered, by name.
    package var answered: [AuthorityName] { results.filter { $0.result.answer != nil }.map(\.peer) }

    /// Each authority's breaks in the measure's series, by authority and date: a regional
    /// figure across a break adds counts made before and after it.
    package var seriesBreaks: [(authority: AuthorityName, seriesBreak: SeriesBreak)] {
        results.flatMap { peer, result in (result.answer?.seriesBreaks ?? []).map { (peer, $0) } }
    }

    /// Each authority's notes, prefixed with its name.
    package var notes: [String] {
        results.flatMap { peer, result in (result.answer?.notes ?? []).map { "\(peer): \($0)" } }
    }
}
