import VVECore

/// Settings of the aggregate responder, with the defaults `vve serve` uses.
package struct AggregateConfiguration: Sendable {
    /// What this node does to a count before it leaves (`disclosure-threshold:`,
    /// `rounding-base:`). Default the floor.
    package var rules: DisclosureRules = .floor
    /// Days a quarter must have been closed before it is reported (`report-lag-days:`).
    /// Default 14.
    package var reportLagDays = 14
    /// How many tables one asking peer may ask a day (`aggregate-tables-per-peer-per-day:`).
    package var limits: AggregateLimits = .peerDefault
    /// The breaks this node declares in each measure's series (`series-breaks:`), which its
    /// answers carry. Default none.
    package var seriesBreaks: [Measure: [SeriesBreak]] = [:]

    package init(
        rules: DisclosureRules = .floor, reportLagDays: Int = 14, limits: AggregateLimits = .peerDefault,
        seriesBreaks: [Measure: [SeriesBreak]] = [:]
    ) {
        self.rules = rules
        self.reportLagDays = reportLagDays
        self.limits = limits
        self.seriesBreaks = seriesBreaks
    }
}
