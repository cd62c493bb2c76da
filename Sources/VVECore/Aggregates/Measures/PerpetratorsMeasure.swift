/// The `perpetrators` measure: a node's own shared-perpetrator records, counted by the
/// quarter they were recorded in against role, each area of activity and risk level; and
/// their disruptions by the quarter of the disruption and its type.
package enum PerpetratorsMeasure {
    package static let tables: [TableDefinition] = [
        TableDefinition("by-role", .trend(column: "role", vocabulary: PerpetratorRole.allCases.map(\.rawValue))),
        TableDefinition("by-area-of-activity", .trend(column: "area-of-activity", vocabulary: nil)),
        TableDefinition("by-risk-level", .trend(column: "risk-level", vocabulary: RiskLevel.allCases.map(\.rawValue))),
        TableDefinition("disruptions-by-type", .trend(column: "disruption", vocabulary: DisruptionType.allCases.map(\.rawValue))),
    ]

    static func tallies(_ fields: RecordFields, recorded: CalendarDate) -> [Tally] {
        guard case .sharedPerpetrator(let perpetrator) = fields else { return [] }
        let quarter = Quarter(containing: recorded)
        return [
            Tally("by-role", quarter, column: perpetrator.role.rawValue),
            Tally("by-risk-level", quarter, column: perpetrator.riskLevel.rawValue),
        ]
            + Set(perpetrator.areasOfActivity).map { Tally("by-area-of-activity", quarter, column: $0.rawValue) }
            + perpetrator.disruptions.map { Tally("disruptions-by-type", Quarter(containing: $0.date), column: $0.type.rawValue) }
    }
}
