/// The `county-lines` measure: a node's own county lines links, counted by the quarter the
/// line was first seen against each breakdown the committees ask for; the people linked to
/// them by role and the cuckooed addresses by postcode district, by the same quarter; and
/// the flow from exporting to importing area over a year.
///
/// A line that imports into several areas is counted once in each of them, so the importing
/// tables count line-area pairs. A line known to several authorities is counted by each in
/// these tables; `distinct-lines` (`DistinctLines`), from tokens of the deal lines, counts it
/// once.
package enum CountyLinesMeasure {
    package static let tables: [TableDefinition] = [
        TableDefinition("by-exporting-area", .trend(column: "exporting-area", vocabulary: nil)),
        TableDefinition("by-importing-area", .trend(column: "importing-area", vocabulary: nil)),
        TableDefinition("by-risk-level", .trend(column: "risk-level", vocabulary: RiskLevel.allCases.map(\.rawValue))),
        TableDefinition("by-nrm-referral", .trend(column: "nrm-referral", vocabulary: ["yes", "no"])),
        // The statuses as the table was first published, so answers stay comparable across versions.
        TableDefinition("by-status", .trend(column: "status", vocabulary: ["active", "disrupted", "dormant", "closed"])),
        TableDefinition("linked-people-by-role", .trend(column: "role", vocabulary: LinkedPersonRole.allCases.map(\.rawValue))),
        TableDefinition("cuckooed-addresses-by-district", .trend(column: "postcode-district", vocabulary: nil)),
        TableDefinition("exporting-by-importing", .flow(row: "exporting-area", column: "importing-area", vocabulary: nil)),
        DistinctLines.definition,
    ]

    static func tallies(_ fields: RecordFields, status: RecordStatus) -> [Tally] {
        guard case .countyLinesLink(let line) = fields else { return [] }
        let quarter = Quarter(containing: line.firstSeen)
        let exporting = line.exportingArea.rawValue
        return [
            Tally("by-exporting-area", quarter, column: exporting),
            Tally("by-risk-level", quarter, column: line.riskLevel.rawValue),
            Tally("by-nrm-referral", quarter, column: line.nrmReferral ? "yes" : "no"),
            Tally("by-status", quarter, column: status.rawValue),
        ]
            + line.importingAreas.flatMap { area in
                [
                    Tally("by-importing-area", quarter, column: area.rawValue),
                    Tally("exporting-by-importing", quarter, row: exporting, column: area.rawValue),
                ]
            }
            + line.linkedPeople.map { Tally("linked-people-by-role", quarter, column: $0.role.rawValue) }
            + line.cuckooedAddresses.map { Tally("cuckooed-addresses-by-district", quarter, column: $0.postcode?.district ?? "unknown") }
    }
}
