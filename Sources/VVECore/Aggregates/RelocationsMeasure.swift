/// The `relocations` measure: a node's own relocations, counted by the quarter of the move
/// against each breakdown the committees ask for, and the flow from originating to
/// receiving authority over the last four quarters asked.
package enum RelocationsMeasure {
    /// The tables, in the order a report shows them.
    package static let tableNames = [
        "by-originating-authority", "by-receiving-authority", "by-reason", "by-accommodation", "by-risk-level", "by-age-band",
        "originating-by-receiving",
    ]

    /// Counts `records` (the node's own; other kinds and erased records are left out) over
    /// `quarters`, oldest first.
    package static func tables(_ records: [CaseRecord], quarters: [Quarter]) -> [CountTable] {
        let moves: [(quarter: String, relocation: Relocation)] = records.compactMap { record in
            guard case .relocation(let fields)? = record.fields else { return nil }
            return (Quarter(containing: fields.moveDate).description, fields)
        }
        let rows = quarters.map(\.description)
        func byQuarter(_ name: String, _ dimension: String, _ columns: [String]?, _ value: (Relocation) -> String) -> CountTable {
            CountTable.counting(
                moves, measure: .relocations, name: name, rowDimension: "quarter", rows: rows, columnDimension: dimension, columns: columns,
                label: { ($0.quarter, value($0.relocation)) })
        }
        let year = Set(quarters.suffix(4).map(\.description))
        let yearMoves = moves.filter { year.contains($0.quarter) }
        let origins = Array(Set(yearMoves.map(\.relocation.originatingAuthority.rawValue))).sorted()
        return [
            byQuarter("by-originating-authority", "originating-authority", nil) { $0.originatingAuthority.rawValue },
            byQuarter("by-receiving-authority", "receiving-authority", nil) { $0.receivingAuthority.rawValue },
            byQuarter("by-reason", "reason", RelocationReason.allCases.map(\.rawValue)) { $0.reasonCategory.rawValue },
            byQuarter("by-accommodation", "accommodation", AccommodationType.allCases.map(\.rawValue)) { $0.accommodationType.rawValue },
            byQuarter("by-risk-level", "risk-level", RiskLevel.allCases.map(\.rawValue)) { $0.riskLevel.rawValue },
            byQuarter("by-age-band", "age-band", AgeBand.allCases.map(\.rawValue)) {
                AgeBand(dateOfBirth: $0.youngPerson.dateOfBirth, on: $0.moveDate).rawValue
            },
            CountTable.counting(
                yearMoves, measure: .relocations, name: "originating-by-receiving", rowDimension: "originating-authority", rows: origins,
                columnDimension: "receiving-authority", columns: nil,
                label: { ($0.relocation.originatingAuthority.rawValue, $0.relocation.receivingAuthority.rawValue) }),
        ]
    }
}
