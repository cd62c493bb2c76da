/// A named part of a record kind's fields that a sharing policy grants or withholds whole.
package struct FieldGroup: Sendable, Hashable, Comparable, CustomStringConvertible {
    package let kind: RecordKind
    package let name: String
    /// The `fields` members the group carries.
    package let members: [String]
    /// What the group is, for `vve policy explain`.
    package let summary: String
    /// Why the group is sent, or withheld, when a policy grants it or not: spelled out once
    /// here rather than for every record projected.
    let grantedReason: String
    let withheldReason: String

    init(kind: RecordKind, name: String, members: [String], summary: String) {
        self.kind = kind
        self.name = name
        self.members = members
        self.summary = summary
        grantedReason = "granted: \(summary)"
        withheldReason = name == "identity" ? "not granted: people are sent as match keys only" : "not granted (deny by default): \(summary)"
    }

    package var description: String { name }
    package static func < (lhs: FieldGroup, rhs: FieldGroup) -> Bool { lhs.name < rhs.name }
    package static func == (lhs: FieldGroup, rhs: FieldGroup) -> Bool { lhs.kind == rhs.kind && lhs.name == rhs.name }
    package func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(name)
    }
}

/// Who, among the peers granted a kind, receives a particular record of it.
package enum AudienceRule: String, Sendable, CaseIterable, Comparable {
    /// Every record of the kind.
    case all
    /// A relocation's originating authority.
    case originatingAuthority = "originating-authority"
    /// A relocation's receiving authority.
    case receivingAuthority = "receiving-authority"
    /// A county lines link's exporting area.
    case exportingArea = "exporting-area"
    /// A county lines link's importing areas.
    case importingAreas = "importing-areas"
    /// A shared perpetrator's areas of activity.
    case areasOfActivity = "areas-of-activity"
    /// A missing episode's home authority, which holds the duty to offer the return interview.
    case homeAuthority = "home-authority"
    /// A missing episode's host area, where the child was living when missing.
    case hostArea = "host-area"
    /// The area a missing child was found in.
    case foundIn = "found-in"
    /// Any peer whose role is police.
    case police
    /// Any peer whose role is vru.
    case vru

    package static func < (lhs: AudienceRule, rhs: AudienceRule) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The kinds the rule can be used with.
    package var kinds: Set<RecordKind> {
        switch self {
        case .all, .police, .vru: Set(RecordKind.allCases)
        case .originatingAuthority, .receivingAuthority: [.relocation]
        case .exportingArea, .importingAreas: [.countyLinesLink]
        case .areasOfActivity: [.sharedPerpetrator]
        case .homeAuthority, .hostArea, .foundIn: [.missingEpisode]
        }
    }

    /// Whether `peer` (named `name`, of `role`) is in this record's audience under this rule.
    package func admits(_ name: AuthorityName, role: PeerRole, record fields: RecordFields) -> Bool {
        switch (self, fields) {
        case (.all, _): true
        case (.police, _): role == .police
        case (.vru, _): role == .vru
        case (.originatingAuthority, .relocation(let relocation)): relocation.originatingAuthority == name
        case (.receivingAuthority, .relocation(let relocation)): relocation.receivingAuthority == name
        case (.exportingArea, .countyLinesLink(let link)): link.exportingArea == name
        case (.importingAreas, .countyLinesLink(let link)): link.importingAreas.contains(name)
        case (.areasOfActivity, .sharedPerpetrator(let perpetrator)): perpetrator.areasOfActivity.contains(name)
        case (.homeAuthority, .missingEpisode(let episode)): episode.homeAuthority == name
        case (.hostArea, .missingEpisode(let episode)): episode.hostArea == name
        case (.foundIn, .missingEpisode(let episode)): episode.foundIn == name
        default: false
        }
    }

    /// `admits` on the facts a projection reads from a record's canonical JSON; the same
    /// answer as on the typed fields (a test holds them equal).
    func admits(_ name: AuthorityName, role: PeerRole, facts: AudienceFacts) -> Bool {
        switch self {
        case .all: true
        case .police: role == .police
        case .vru: role == .vru
        case .originatingAuthority: facts.originatingAuthority == name.rawValue
        case .receivingAuthority: facts.receivingAuthority == name.rawValue
        case .exportingArea: facts.exportingArea == name.rawValue
        case .importingAreas: facts.importingAreas.contains(name.rawValue)
        case .areasOfActivity: facts.areasOfActivity.contains(name.rawValue)
        case .homeAuthority: facts.homeAuthority == name.rawValue
        case .hostArea: facts.hostArea == name.rawValue
        case .foundIn: facts.foundIn == name.rawValue
        }
    }
}

extension RecordKind {
    /// The groups a policy can grant for this kind. The people in a record always travel as
    /// match keys when any group is shared; `identity` replaces the keys with names, dates
    /// of birth and aliases. `status` carries the record's status.
    package var fieldGroups: [FieldGroup] { Self.groupTable[self].groups }

    /// The name of the group that holds `member` of `fields`; nil for the person, which
    /// travels with any group, and for a name that is no field of this kind.
    func groupName(ofMember member: String) -> String? { Self.groupTable[self].groupOfMember[member] }

    /// Whether a peer granted `groups` receives `member` of `fields`: a member of a granted
    /// group, or the record's person, which travels with any group.
    func sends(_ member: String, groups: Set<String>) -> Bool {
        member == personMember || groupName(ofMember: member).map(groups.contains) == true
    }

    /// The groups of every kind, built once: they are asked for on every record sent and received.
    private static let groupTable = KindTable { kind in
        let groups = kind.makeFieldGroups()
        return (groups: groups, groupOfMember: Dictionary(uniqueKeysWithValues: groups.flatMap { group in group.members.map { ($0, group.name) } }))
    }

    private func makeFieldGroups() -> [FieldGroup] {
        func group(_ name: String, _ members: [String], _ summary: String) -> FieldGroup {
            FieldGroup(kind: self, name: name, members: members, summary: summary)
        }
        switch self {
        case .countyLinesLink:
            return [
                group("identity", [], "names, dates of birth and aliases of the linked people, instead of match keys"),
                group("line", ["lineName", "dealLines", "grading"], "the line's name, deal-line numbers and intelligence grading"),
                group("areas", ["exportingArea", "importingAreas"], "the exporting and importing areas"),
                group("people", ["linkedPeople"], "the linked people: each role, with match keys unless identity is granted"),
                group("addresses", ["cuckooedAddresses"], "cuckooed addresses"),
                group("activity", ["firstSeen", "lastSeen", "nrmReferral", "riskLevel"], "when the line was seen, NRM referral, risk level"),
                group("status", [], "the record's status"),
            ]
        case .relocation:
            return [
                group("identity", [], "the young person's name, date of birth and aliases, instead of match keys"),
                group(
                    "placement", ["originatingAuthority", "receivingAuthority", "moveDate", "accommodationType", "reasonCategory", "riskLevel"],
                    "the two authorities, the move date, accommodation, reason and risk level"),
                group("contacts", ["originatingSpoc"], "the originating authority's single point of contact"),
                group(
                    "follow-up", ["receivingSpoc", "acknowledgement", "allocatedWorker", "followUps"],
                    "the receiving side's response: its SPOC, the acknowledgement, the allocated worker, follow-ups"),
                group("status", [], "the record's status"),
            ]
        case .sharedPerpetrator:
            return [
                group("identity", [], "the person's name, date of birth and aliases, instead of match keys"),
                group(
                    "profile", ["role", "associatedLines", "areasOfActivity", "riskLevel"], "role, associated lines, areas of activity, risk level"),
                group("disruptions", ["disruptions"], "disruptions (CAWN, STPO, arrest, charge...) with their dates"),
                group("contacts", ["policeContact"], "the police contact"),
                group("status", [], "the record's status"),
            ]
        case .missingEpisode:
            return [
                group("identity", [], "the child's name, date of birth and aliases, instead of match keys"),
                group(
                    "episode", ["homeAuthority", "hostArea", "reportedMissingAt", "returnedAt", "foundIn", "riskGrading", "policeReference"],
                    "the home authority, host area, when reported and returned, where found, risk grading and police reference"),
                group(
                    "interview", ["interviewOffers", "interviewResponse", "interviewHeldAt", "interviewHeldBy", "interviewOutcome"],
                    "the return home interview: each offer, the answer, when and by whom it was held, its outcome category"),
                group("link", ["linkedRelocation"], "the id of the relocation the episode concerns"),
                group("status", [], "the record's status: missing, returned or closed"),
            ]
        }
    }

    /// The names among `names` that are groups of this kind, in the kind's group order.
    package func orderedGroupNames(_ names: Set<String>) -> [String] {
        fieldGroups.map(\.name).filter(names.contains)
    }

    /// The group of this kind with this name.
    package func fieldGroup(named name: String) -> FieldGroup? {
        fieldGroups.first { $0.name == name }
    }

    /// The member of `fields` that holds the record's one person, if the kind has one.
    var personMember: String? {
        switch self {
        case .relocation: "youngPerson"
        case .sharedPerpetrator, .missingEpisode: "person"
        case .countyLinesLink: nil
        }
    }

    /// The member of `fields` that holds the record's risk, as its kind grades it.
    package var riskMember: String {
        self == .missingEpisode ? "riskGrading" : "riskLevel"
    }

    /// The audience rules that apply to this kind.
    package var audienceRules: [AudienceRule] {
        AudienceRule.allCases.filter { $0.kinds.contains(self) }
    }
}
