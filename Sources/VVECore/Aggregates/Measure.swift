/// A measure of the federated view's catalogue: a named, documented count that a node may
/// answer for the VRU, never free SQL. docs/design/disclosure-control.md says how every
/// answer is protected.
package enum Measure: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Relocated young people, by quarter of the move and by area, reason, accommodation,
    /// risk and age band.
    case relocations
    /// How fast the receiving authority acknowledged a relocation.
    case relocationBriefing = "relocation-briefing"
    /// County lines links, by quarter first seen and by area, risk, NRM referral and status.
    case countyLines = "county-lines"
    /// Shared perpetrators, by role, area and risk, and their disruptions.
    case perpetrators
    /// Missing episodes, by quarter of the report and by home authority, host area, age band
    /// and risk grading, and children by how many times they went missing.
    case missingEpisodes = "missing-episodes"
    /// Whether the return home interview was offered and held within 72 hours, by quarter of
    /// the return and by home authority.
    case returnInterviews = "return-interviews"
    /// People known to two or more authorities, counted by keyed tokens, never named.
    case knownInSeveralAreas = "known-in-several-areas"

    /// The catalogue's order.
    package static func < (lhs: Measure, rhs: Measure) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The measures, as a peer file lists them.
    package static let names = allCases.map(\.rawValue).joined(separator: ", ")
}
