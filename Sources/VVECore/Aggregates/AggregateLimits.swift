/// How many tables may be asked in any 24 hours: an analyst at the asking node, or an asking
/// peer at the answering one. Counted in tables, since a table is what discloses; the
/// quarterly pack asks every table of the catalogue once.
package struct AggregateLimits: Sendable, Hashable {
    package var tablesPerDay: Int

    package init(tablesPerDay: Int) {
        self.tablesPerDay = tablesPerDay
    }

    /// What one analyst may ask by default (`report-tables-per-analyst-per-day:`): ten
    /// quarterly packs.
    package static let analystDefault = AggregateLimits(tablesPerDay: 10 * Measure.allCases.map(\.tables.count).reduce(0, +))
    /// What a node answers one asking peer by default (`aggregate-tables-per-peer-per-day:`):
    /// several analysts' worth.
    package static let peerDefault = AggregateLimits(tablesPerDay: 4 * analystDefault.tablesPerDay)

    /// Why `asking` more tables are refused after `lastDay` in the last 24 hours; nil when
    /// they may be asked.
    package func refusal(asking: Int, lastDay: Int, asker: String) -> String? {
        guard lastDay + asking > tablesPerDay else { return nil }
        return
            "\(asker) has asked \(lastDay) tables in the last 24 hours and this query asks \(asking); the limit is \(tablesPerDay) a day. Ask again tomorrow, or ask the node's admin to raise it"
    }
}
