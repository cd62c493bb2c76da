/// The `county-lines` measure: a node's own county lines links, counted by the quarter the
/// line was first seen against each breakdown the committees ask for; the people linked to
/// them by role and the cuckooed addresses by postcode district, by the same quarter; and
/// the flow from exporting to importing area over the last four quarters asked.
///
/// A line that imports into several areas is counted once in each of them, so the importing
/// tables count line-area pairs; a line known to several authorities is counted by each.
package enum CountyLinesMeasure {
    /// The tables, in the order a report shows them.
    package static let tableNames = [
        "by-exporting-area", "by-importing-area", "by-risk-level", "by-nrm-referral", "by-status", "linked-people-by-role",
        "cuckooed-addresses-by-district", "exporting-by-importing",
    ]

    /// Counts `records` (the node's own; other kinds and erased records are left out) over
    /// `quarters`, oldest first.
    package static func tables(_ records: [CaseRecord], quarters: [Quarter]) -> [CountTable] {
        let lines: [(quarter: String, status: RecordStatus, link: CountyLinesLink)] = records.compactMap { record in
            guard case .countyLinesLink(let fields)? = record.fields else { return nil }
            return (Quarter(containing: fields.firstSeen).description, record.status, fields)
        }
        let rows = quarters.map(\.description)
        func byQuarter(_ name: String, _ dimension: String, _ columns: [String]?, _ labels: [(quarter: String, value: String)]) -> CountTable {
            CountTable.counting(
                labels, measure: .countyLines, name: name, rowDimension: "quarter", rows: rows, columnDimension: dimension, columns: columns,
                label: { ($0.quarter, $0.value) })
        }
        func each(_ value: (CountyLinesLink, RecordStatus) -> [String]) -> [(quarter: String, value: String)] {
            lines.flatMap { line in value(line.link, line.status).map { (line.quarter, $0) } }
        }
        let year = Set(quarters.suffix(4).map(\.description))
        let flows = lines.filter { year.contains($0.quarter) }.flatMap { line in
            line.link.importingAreas.map { (exporting: line.link.exportingArea.rawValue, importing: $0.rawValue) }
        }
        return [
            byQuarter("by-exporting-area", "exporting-area", nil, each { link, _ in [link.exportingArea.rawValue] }),
            byQuarter("by-importing-area", "importing-area", nil, each { link, _ in link.importingAreas.map(\.rawValue) }),
            byQuarter("by-risk-level", "risk-level", RiskLevel.allCases.map(\.rawValue), each { link, _ in [link.riskLevel.rawValue] }),
            byQuarter("by-nrm-referral", "nrm-referral", ["yes", "no"], each { link, _ in [link.nrmReferral ? "yes" : "no"] }),
            byQuarter("by-status", "status", RecordStatus.allCases.map(\.rawValue), each { _, status in [status.rawValue] }),
            byQuarter(
                "linked-people-by-role", "role", LinkedPersonRole.allCases.map(\.rawValue),
                each { link, _ in link.linkedPeople.map(\.role.rawValue) }),
            byQuarter(
                "cuckooed-addresses-by-district", "postcode-district", nil,
                each { link, _ in link.cuckooedAddresses.map { $0.postcode?.district ?? "unknown" } }),
            CountTable.counting(
                flows, measure: .countyLines, name: "exporting-by-importing", rowDimension: "exporting-area",
                rows: Array(Set(flows.map(\.exporting))).sorted(), columnDimension: "importing-area", columns: nil,
                label: { ($0.exporting, $0.importing) }),
        ]
    }
}
