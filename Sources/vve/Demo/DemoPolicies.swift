import VVEConfig
import VVECore

/// The demo region: three boroughs, a police node and the VRU, and what each shares with
/// each other. `Peers/examples/` holds the same policies as peer files.
enum DemoPolicies {
    static let members: [(name: AuthorityName, role: PeerRole)] = [
        (AuthorityName("camden")!, .borough), (AuthorityName("haringey")!, .borough), (AuthorityName("enfield")!, .borough),
        (AuthorityName("met-police")!, .police), (AuthorityName("vru")!, .vru),
    ]

    /// The agreement every demo peer file names.
    static let agreement = SharingAgreement(reference: "NL-ISA-2026-004", lawfulBasis: "Children Act 1989 s.47; DPA 2018 Sch.8 para 4")

    /// The police's break in their series of missing episodes: the change in recording that
    /// the Wolverhampton minutes describe, on the first day of the quarter four before the
    /// latest reportable, so that the pack's eight quarters show it.
    static var recordingChange: SeriesBreak {
        let latest = Quarter.latestReportable(on: Clock.now().calendarDate, lagDays: NodeConfiguration.defaultReportLagDays)
        return SeriesBreak(
            date: latest.trend(of: 5)[0].first, note: "Police recording changed: every absence of a young person is now recorded as missing.")!
    }

    /// The measures the police answer for the VRU.
    static let missingMeasures: Set<Measure> = [.missingEpisodes, .returnInterviews]

    /// What a node of role `owner` shares with a peer of role `peer`, and accepts from it.
    static func policy(from owner: PeerRole, to peer: PeerRole) -> SharingPolicy {
        if owner == .police, peer == .borough {
            // The police send their officers' lookups to every borough, and share each missing
            // episode with the child's home authority, the host area and where the child was
            // found. Each borough may write the return home interview back; in practice the home
            // authority, which holds the duty, does.
            return SharingPolicy(
                share: [
                    .missingEpisode: KindGrant(
                        audience: [.homeAuthority, .hostArea, .foundIn], groups: ["identity", "episode", "interview", "link", "status"])
                ],
                reviewDays: 90, accept: [.missingEpisode: ["interview"]], lookups: false, aggregates: false, askLookups: true)
        }
        if owner == .police, peer == .vru {
            // The police answer the VRU for the missing episodes they own, and nothing else.
            return SharingPolicy(share: [:], reviewDays: nil, accept: [:], lookups: false, aggregates: .measures(missingMeasures))
        }
        if owner == .vru {
            // The VRU's analysts ask every borough every measure, and the police the missing
            // episodes; it shares no records.
            switch peer {
            case .borough: return SharingPolicy(share: [:], reviewDays: nil, accept: [:], lookups: false, aggregates: false, askAggregates: true)
            case .police:
                return SharingPolicy(
                    share: [:], reviewDays: nil, accept: [:], lookups: false, aggregates: false, askAggregates: .measures(missingMeasures))
            case .vru: return .denyAll
            }
        }
        guard owner == .borough else { return .denyAll }
        switch peer {
        case .borough:
            // Relocations to their receiving authority, county lines links to the areas they
            // touch; the receiving authority's follow-up and placement edits come back.
            return SharingPolicy(
                share: [
                    .relocation: KindGrant(audience: [.receivingAuthority], groups: ["placement", "follow-up", "status"]),
                    .countyLinesLink: KindGrant(audience: [.importingAreas, .exportingArea], groups: ["line", "areas", "activity", "status"]),
                ],
                reviewDays: 90, accept: [.relocation: ["follow-up", "placement"]], lookups: false, aggregates: false)
        case .police:
            return SharingPolicy(
                share: [
                    .countyLinesLink: KindGrant(audience: [.police], groups: ["line", "areas", "people", "activity", "status"]),
                    .sharedPerpetrator: KindGrant(audience: [.police], groups: ["identity", "profile", "disruptions", "status"]),
                ],
                reviewDays: 30, accept: [.sharedPerpetrator: ["disruptions"]], lookups: .police, aggregates: false)
        case .vru:
            // The VRU sees the region through aggregates only, never a record.
            return SharingPolicy(
                share: [:], reviewDays: nil, accept: [:], lookups: false, aggregates: .measures(Set(Measure.allCases)))
        }
    }
}
