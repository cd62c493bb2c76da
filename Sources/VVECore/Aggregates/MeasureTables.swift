extension Measure {
    /// The tables this measure offers, in the order a report shows them.
    package var tables: [TableDefinition] {
        switch self {
        case .relocations: RelocationsMeasure.tables
        case .relocationBriefing: RelocationBriefingMeasure.tables
        case .countyLines: CountyLinesMeasure.tables
        case .perpetrators: PerpetratorsMeasure.tables
        case .missingEpisodes: MissingEpisodesMeasure.tables
        case .returnInterviews: ReturnInterviewsMeasure.tables
        case .knownInSeveralAreas: SharedPeople.tables
        }
    }

    /// What `records` are counted as in this measure's tables, counted at `countedAt`: each
    /// record's own tallies, and those made across records (children by their episodes).
    /// Erased records and other kinds count nothing.
    package func tallies(_ records: [CaseRecord], countedAt: Timestamp) -> [Tally] {
        switch self {
        case .missingEpisodes:
            let episodes = records.compactMap { record -> MissingEpisode? in
                guard case .missingEpisode(let episode)? = record.fields else { return nil }
                return episode
            }
            return episodes.flatMap(MissingEpisodesMeasure.tallies) + MissingEpisodesMeasure.tallies(episodes)
        default:
            return records.flatMap { tallies($0, countedAt: countedAt) }
        }
    }

    /// What one record is counted as on its own.
    private func tallies(_ record: CaseRecord, countedAt: Timestamp) -> [Tally] {
        guard let fields = record.fields else { return [] }
        switch (self, fields) {
        case (.relocations, _): return RelocationsMeasure.tallies(fields)
        case (.relocationBriefing, _): return RelocationBriefingMeasure.tallies(fields)
        case (.countyLines, _): return CountyLinesMeasure.tallies(fields, status: record.status)
        case (.perpetrators, _): return PerpetratorsMeasure.tallies(fields, recorded: record.createdAt.calendarDate)
        case (.missingEpisodes, .missingEpisode(let episode)): return MissingEpisodesMeasure.tallies(episode)
        case (.returnInterviews, .missingEpisode(let episode)): return ReturnInterviewsMeasure.tallies(episode, countedAt: countedAt)
        default: return []
        }
    }

    /// Whether a node counts this measure into quarterly tables. People known in several
    /// areas are counted by tokens instead, over today's records, which cannot be kept.
    package var isCountedByQuarter: Bool { self != .knownInSeveralAreas }

    /// The tables of this measure over `quarters` (oldest first), from each quarter's counts:
    /// a trend table has a row per quarter; a flow table sums the last four. A derived table
    /// is not counted by a node, so it is not among them.
    package func countTables(_ counts: [Quarter: QuarterCounts], quarters: [Quarter]) -> [CountTable] {
        tables.filter { !$0.isDerived }.map { definition in
            switch definition.shape {
            case .trend(let dimension, let vocabulary):
                let rows = quarters.map { (counts[$0]?.counts ?? [:]).filter { $0.key.table == definition.name } }
                let columns = vocabulary ?? Set(rows.flatMap { $0.keys.map(\.column) }).sorted()
                let labels = TableLabels(
                    measure: self, name: definition.name, rowDimension: "quarter", columnDimension: dimension, rows: quarters.map(\.description),
                    columns: columns)
                let medians = definition.median.map(\.days).map { days in
                    quarters.map { quarter in RowMedian(histogram: Self.histogram(counts[quarter]?.counts ?? [:], table: days, row: "")) }
                }
                return CountTable(
                    labels,
                    counts: rows.map { row in
                        columns.map { column in row[CellKey(table: definition.name, row: "", column: column)] ?? 0 }
                    }, medians: medians)
            case .flow(let rowDimension, let columnDimension, let vocabulary):
                var sums: [CellKey: Int] = [:]
                for quarter in quarters.suffix(TableDefinition.flowQuarters) {
                    for (cell, count) in counts[quarter]?.counts ?? [:] where cell.table == definition.name || cell.table == definition.median?.days {
                        sums[cell, default: 0] += count
                    }
                }
                let rows = Set(sums.keys.filter { $0.table == definition.name }.map(\.row)).sorted()
                let medians = definition.median.map(\.days).map { days in
                    rows.map { row in RowMedian(histogram: Self.histogram(sums, table: days, row: row)) }
                }
                let columns = rows.isEmpty ? [] : vocabulary ?? Set(sums.keys.map(\.column)).sorted()
                let labels = TableLabels(
                    measure: self, name: definition.name, rowDimension: rowDimension, columnDimension: columnDimension, rows: rows, columns: columns)
                return CountTable(
                    labels,
                    counts: rows.map { row in columns.map { sums[CellKey(table: definition.name, row: row, column: $0)] ?? 0 } }, medians: medians)
            }
        }
    }

    /// The kept counts of whole days in one row of `table`: days to how many.
    static func histogram(_ counts: [CellKey: Int], table: String, row: String) -> [Int: Int] {
        var histogram: [Int: Int] = [:]
        for (cell, count) in counts where cell.table == table && cell.row == row {
            if let days = Int(cell.column) { histogram[days, default: 0] += count }
        }
        return histogram
    }

    /// The tables of this measure over `quarters`, counted from `records` at `countedAt`.
    package func countTables(_ records: [CaseRecord], quarters: [Quarter], countedAt: Timestamp) -> [CountTable] {
        countTables(QuarterCounts.counting(records, measure: self, quarters: Set(quarters), countedAt: countedAt), quarters: quarters)
    }
}
