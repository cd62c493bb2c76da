/// The `relocations` measure: a node's own relocations, counted by the quarter of the move
/// against each breakdown the committees ask for, and the flow from originating to
/// receiving authority over a year.
package enum RelocationsMeasure {
    package static let tables: [TableDefinition] = [
        TableDefinition("by-originating-authority", .trend(column: "originating-authority", vocabulary: nil)),
        TableDefinition("by-receiving-authority", .trend(column: "receiving-authority", vocabulary: nil)),
        TableDefinition("by-reason", .trend(column: "reason", vocabulary: RelocationReason.allCases.map(\.rawValue))),
        TableDefinition("by-accommodation", .trend(column: "accommodation", vocabulary: AccommodationType.allCases.map(\.rawValue))),
        TableDefinition("by-risk-level", .trend(column: "risk-level", vocabulary: RiskLevel.allCases.map(\.rawValue))),
        TableDefinition("by-age-band", .trend(column: "age-band", vocabulary: AgeBand.allCases.map(\.rawValue))),
        TableDefinition("originating-by-receiving", .flow(row: "originating-authority", column: "receiving-authority", vocabulary: nil)),
    ]

    static func tallies(_ fields: RecordFields) -> [Tally] {
        guard case .relocation(let move) = fields else { return [] }
        let quarter = Quarter(containing: move.moveDate)
        return [
            Tally("by-originating-authority", quarter, column: move.originatingAuthority.rawValue),
            Tally("by-receiving-authority", quarter, column: move.receivingAuthority.rawValue),
            Tally("by-reason", quarter, column: move.reasonCategory.rawValue),
            Tally("by-accommodation", quarter, column: move.accommodationType.rawValue),
            Tally("by-risk-level", quarter, column: move.riskLevel.rawValue),
            Tally("by-age-band", quarter, column: AgeBand(dateOfBirth: move.youngPerson.dateOfBirth, on: move.moveDate).rawValue),
            Tally("originating-by-receiving", quarter, row: move.originatingAuthority.rawValue, column: move.receivingAuthority.rawValue),
        ]
    }
}
