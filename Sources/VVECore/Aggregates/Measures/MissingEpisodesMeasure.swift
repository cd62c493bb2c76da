/// The `missing-episodes` measure: a node's own missing episodes, usually a police force's,
/// counted by the quarter the child was reported missing against the home authority, the
/// host area, the age band at the report and the risk grading; the flow from host area to
/// home authority over a year; and repeat episodes (`RepeatEpisodes`), by child, counted
/// here and never sent as identities.
package enum MissingEpisodesMeasure {
    /// The host-area column of an episode whose child was missing from their home authority.
    package static let noHostArea = "none"

    package static let tables: [TableDefinition] = [
        TableDefinition("by-home-authority", .trend(column: "home-authority", vocabulary: nil)),
        TableDefinition("by-host-area", .trend(column: "host-area", vocabulary: nil)),
        TableDefinition("by-age-band", .trend(column: "age-band", vocabulary: AgeBand.allCases.map(\.rawValue))),
        TableDefinition("by-risk-grading", .trend(column: "risk-grading", vocabulary: MissingRiskGrading.allCases.map(\.rawValue))),
        TableDefinition("children-by-episodes", .trend(column: "episodes", vocabulary: RepeatEpisodes.Band.allCases.map(\.rawValue))),
        TableDefinition("by-child-identified", .trend(column: "child-identified", vocabulary: ["yes", "no"])),
        TableDefinition("host-area-by-home-authority", .flow(row: "host-area", column: "home-authority", vocabulary: nil)),
    ]

    static func tallies(_ episode: MissingEpisode) -> [Tally] {
        let quarter = Quarter(containing: episode.reportedMissingAt.calendarDate)
        let host = episode.hostArea?.rawValue ?? noHostArea
        let home = episode.homeAuthority.rawValue
        return [
            Tally("by-home-authority", quarter, column: home),
            Tally("by-host-area", quarter, column: host),
            Tally(
                "by-age-band", quarter, column: AgeBand(dateOfBirth: episode.person.dateOfBirth, on: episode.reportedMissingAt.calendarDate).rawValue),
            Tally("by-risk-grading", quarter, column: episode.riskGrading.rawValue),
            Tally("by-child-identified", quarter, column: RepeatEpisodes.child(of: episode) == nil ? "no" : "yes"),
            Tally("host-area-by-home-authority", quarter, row: host, column: home),
        ]
    }

    /// The tallies made across episodes: each child's episodes in each quarter.
    static func tallies(_ episodes: [MissingEpisode]) -> [Tally] {
        RepeatEpisodes.children(episodes).map { Tally("children-by-episodes", $0.quarter, column: $0.band.rawValue) }
    }
}
