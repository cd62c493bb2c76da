/// A drug line running from an exporting area into importing areas, with the people and
/// addresses linked to it.
package struct CountyLinesLink: Sendable, Hashable {
    /// The most people one line may link.
    package static let maximumLinkedPeople = 100

    package var lineName: String
    /// The phone numbers that take orders.
    package var dealLines: [PhoneNumber]
    package var exportingArea: AuthorityName
    package var importingAreas: [AuthorityName]
    /// Victims, exploiters and associates, each with an explicit role.
    package var linkedPeople: [LinkedPerson]
    package var cuckooedAddresses: [CuckooedAddress]
    package var firstSeen: CalendarDate
    package var lastSeen: CalendarDate?
    /// Whether a National Referral Mechanism referral was made.
    package var nrmReferral: Bool
    package var grading: IntelligenceGrading?
    package var riskLevel: RiskLevel

    package init(
        lineName: String, dealLines: [PhoneNumber], exportingArea: AuthorityName, importingAreas: [AuthorityName],
        linkedPeople: [LinkedPerson], cuckooedAddresses: [CuckooedAddress], firstSeen: CalendarDate, lastSeen: CalendarDate?,
        nrmReferral: Bool, grading: IntelligenceGrading?, riskLevel: RiskLevel
    ) {
        self.lineName = lineName
        self.dealLines = dealLines
        self.exportingArea = exportingArea
        self.importingAreas = importingAreas
        self.linkedPeople = linkedPeople
        self.cuckooedAddresses = cuckooedAddresses
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.nrmReferral = nrmReferral
        self.grading = grading
        self.riskLevel = riskLevel
    }

    static func read(_ reader: inout ObjectReader, issues: inout IssueCollector) -> CountyLinesLink? {
        let lineName = reader.requiredText("lineName", limit: TextLimit.name, hint: "the name the line trades under", issues: &issues)
        let dealLines = reader.list("dealLines", as: PhoneNumber.self, maximum: 20, issues: &issues)
        let exportingArea = reader.required("exportingArea", as: AuthorityName.self, hint: "the area the line runs from", issues: &issues)
        let importingAreas = reader.list(
            "importingAreas", as: AuthorityName.self, minimum: 1, maximum: 30, hint: "the areas the line runs into", issues: &issues)
        let linkedPeople = reader.list("linkedPeople", as: LinkedPerson.self, maximum: maximumLinkedPeople, issues: &issues)
        let cuckooedAddresses = reader.list("cuckooedAddresses", as: CuckooedAddress.self, maximum: 50, issues: &issues)
        let firstSeen = reader.required("firstSeen", as: CalendarDate.self, hint: "the date the line was first seen", issues: &issues)
        let lastSeen = reader.optional("lastSeen", as: CalendarDate.self, issues: &issues)
        let nrmReferral = reader.bool("nrmReferral", default: false, issues: &issues)
        let grading = reader.optional("grading", as: IntelligenceGrading.self, issues: &issues)
        let riskLevel = reader.required("riskLevel", as: RiskLevel.self, hint: "one of \(RiskLevel.allowedValues)", issues: &issues)
        if let firstSeen, let lastSeen, lastSeen < firstSeen {
            issues.add(reader.path.appending("lastSeen"), lastSeen.jsonValue, "is before firstSeen (\(firstSeen)); lastSeen must be on or after it")
        }
        if let exportingArea, importingAreas.contains(exportingArea) {
            issues.add(reader.path.appending("importingAreas"), exportingArea.jsonValue, "is also the exportingArea; a line imports into other areas")
        }
        guard let lineName, let exportingArea, let firstSeen, let riskLevel, !importingAreas.isEmpty else { return nil }
        return CountyLinesLink(
            lineName: lineName, dealLines: dealLines, exportingArea: exportingArea, importingAreas: importingAreas,
            linkedPeople: linkedPeople, cuckooedAddresses: cuckooedAddresses, firstSeen: firstSeen, lastSeen: lastSeen,
            nrmReferral: nrmReferral, grading: grading, riskLevel: riskLevel)
    }

    var jsonValue: JSONValue {
        .compactObject([
            ("lineName", .string(lineName)),
            ("dealLines", .array(dealLines.map(\.jsonValue))),
            ("exportingArea", exportingArea.jsonValue),
            ("importingAreas", .array(importingAreas.map(\.jsonValue))),
            ("linkedPeople", .array(linkedPeople.map(\.jsonValue))),
            ("cuckooedAddresses", .array(cuckooedAddresses.map(\.jsonValue))),
            ("firstSeen", firstSeen.jsonValue),
            ("lastSeen", lastSeen?.jsonValue),
            ("nrmReferral", .bool(nrmReferral)),
            ("grading", grading?.jsonValue),
            ("riskLevel", riskLevel.jsonValue),
        ])
    }
}

/// A young person moved out of borough because of a threat, briefed by the originating
/// authority to the receiving one.
package struct Relocation: Sendable, Hashable {
    package var youngPerson: Person
    package var originatingAuthority: AuthorityName
    package var receivingAuthority: AuthorityName
    package var moveDate: CalendarDate
    package var accommodationType: AccommodationType
    package var reasonCategory: RelocationReason
    package var riskLevel: RiskLevel
    package var originatingSpoc: Contact
    package var receivingSpoc: Contact?
    package var acknowledgement: Acknowledgement?
    package var allocatedWorker: Contact?
    package var followUps: [FollowUp]

    package init(
        youngPerson: Person, originatingAuthority: AuthorityName, receivingAuthority: AuthorityName, moveDate: CalendarDate,
        accommodationType: AccommodationType, reasonCategory: RelocationReason, riskLevel: RiskLevel, originatingSpoc: Contact,
        receivingSpoc: Contact? = nil, acknowledgement: Acknowledgement? = nil, allocatedWorker: Contact? = nil,
        followUps: [FollowUp] = []
    ) {
        self.youngPerson = youngPerson
        self.originatingAuthority = originatingAuthority
        self.receivingAuthority = receivingAuthority
        self.moveDate = moveDate
        self.accommodationType = accommodationType
        self.reasonCategory = reasonCategory
        self.riskLevel = riskLevel
        self.originatingSpoc = originatingSpoc
        self.receivingSpoc = receivingSpoc
        self.acknowledgement = acknowledgement
        self.allocatedWorker = allocatedWorker
        self.followUps = followUps
    }

    static func read(_ reader: inout ObjectReader, issues: inout IssueCollector) -> Relocation? {
        let youngPerson = reader.required("youngPerson", as: Person.self, hint: "the young person who moved", issues: &issues)
        let originating = reader.required(
            "originatingAuthority", as: AuthorityName.self, hint: "the authority the family moved from", issues: &issues)
        let receiving = reader.required(
            "receivingAuthority", as: AuthorityName.self, hint: "the authority the family moved to", issues: &issues)
        let moveDate = reader.required("moveDate", as: CalendarDate.self, hint: "the date of the move as YYYY-MM-DD", issues: &issues)
        let accommodation = reader.required(
            "accommodationType", as: AccommodationType.self, hint: "one of \(AccommodationType.allowedValues)", issues: &issues)
        let reason = reader.required(
            "reasonCategory", as: RelocationReason.self, hint: "one of \(RelocationReason.allowedValues)", issues: &issues)
        let riskLevel = reader.required("riskLevel", as: RiskLevel.self, hint: "one of \(RiskLevel.allowedValues)", issues: &issues)
        let originatingSpoc = reader.required(
            "originatingSpoc", as: Contact.self, hint: "the originating authority's single point of contact", issues: &issues)
        let receivingSpoc = reader.optional("receivingSpoc", as: Contact.self, issues: &issues)
        let acknowledgement = reader.optional("acknowledgement", as: Acknowledgement.self, issues: &issues)
        let allocatedWorker = reader.optional("allocatedWorker", as: Contact.self, issues: &issues)
        let followUps = reader.list("followUps", as: FollowUp.self, maximum: 100, issues: &issues)
        if let originating, originating == receiving {
            issues.add(
                reader.path.appending("receivingAuthority"), originating.jsonValue,
                "is the same as originatingAuthority; a relocation crosses a border")
        }
        guard let youngPerson, let originating, let receiving, let moveDate, let accommodation, let reason, let riskLevel,
            let originatingSpoc
        else { return nil }
        return Relocation(
            youngPerson: youngPerson, originatingAuthority: originating, receivingAuthority: receiving, moveDate: moveDate,
            accommodationType: accommodation, reasonCategory: reason, riskLevel: riskLevel, originatingSpoc: originatingSpoc,
            receivingSpoc: receivingSpoc, acknowledgement: acknowledgement, allocatedWorker: allocatedWorker, followUps: followUps)
    }

    var jsonValue: JSONValue {
        .compactObject([
            ("youngPerson", youngPerson.jsonValue),
            ("originatingAuthority", originatingAuthority.jsonValue),
            ("receivingAuthority", receivingAuthority.jsonValue),
            ("moveDate", moveDate.jsonValue),
            ("accommodationType", accommodationType.jsonValue),
            ("reasonCategory", reasonCategory.jsonValue),
            ("riskLevel", riskLevel.jsonValue),
            ("originatingSpoc", originatingSpoc.jsonValue),
            ("receivingSpoc", receivingSpoc?.jsonValue),
            ("acknowledgement", acknowledgement?.jsonValue),
            ("allocatedWorker", allocatedWorker?.jsonValue),
            ("followUps", .array(followUps.map(\.jsonValue))),
        ])
    }
}

/// A person who poses a risk to children, known to this borough.
package struct SharedPerpetrator: Sendable, Hashable {
    /// The person, with their aliases.
    package var person: Person
    package var role: PerpetratorRole
    /// Names of the lines the person is linked to.
    package var associatedLines: [String]
    package var areasOfActivity: [AuthorityName]
    package var riskLevel: RiskLevel
    package var disruptions: [Disruption]
    package var policeContact: Contact

    package init(
        person: Person, role: PerpetratorRole, associatedLines: [String], areasOfActivity: [AuthorityName], riskLevel: RiskLevel,
        disruptions: [Disruption], policeContact: Contact
    ) {
        self.person = person
        self.role = role
        self.associatedLines = associatedLines
        self.areasOfActivity = areasOfActivity
        self.riskLevel = riskLevel
        self.disruptions = disruptions
        self.policeContact = policeContact
    }

    static func read(_ reader: inout ObjectReader, issues: inout IssueCollector) -> SharedPerpetrator? {
        let person = reader.required("person", as: Person.self, hint: "the person's names, date of birth and aliases", issues: &issues)
        let role = reader.required("role", as: PerpetratorRole.self, hint: "one of \(PerpetratorRole.allowedValues)", issues: &issues)
        let lines = reader.textList("associatedLines", limit: TextLimit.name, maximum: 50, issues: &issues)
        let areas = reader.list(
            "areasOfActivity", as: AuthorityName.self, minimum: 1, maximum: 30, hint: "the areas where the person is active",
            issues: &issues)
        let riskLevel = reader.required("riskLevel", as: RiskLevel.self, hint: "one of \(RiskLevel.allowedValues)", issues: &issues)
        let disruptions = reader.list("disruptions", as: Disruption.self, maximum: 100, issues: &issues)
        let policeContact = reader.required("policeContact", as: Contact.self, hint: "the police officer to contact", issues: &issues)
        guard let person, let role, !areas.isEmpty, let riskLevel, let policeContact else { return nil }
        return SharedPerpetrator(
            person: person, role: role, associatedLines: lines, areasOfActivity: areas, riskLevel: riskLevel,
            disruptions: disruptions, policeContact: policeContact)
    }

    var jsonValue: JSONValue {
        .compactObject([
            ("person", person.jsonValue),
            ("role", role.jsonValue),
            ("associatedLines", .array(associatedLines.map(JSONValue.string))),
            ("areasOfActivity", .array(areasOfActivity.map(\.jsonValue))),
            ("riskLevel", riskLevel.jsonValue),
            ("disruptions", .array(disruptions.map(\.jsonValue))),
            ("policeContact", policeContact.jsonValue),
        ])
    }
}

/// The kind-specific part of a record.
package enum RecordFields: Sendable, Hashable {
    case countyLinesLink(CountyLinesLink)
    case relocation(Relocation)
    case sharedPerpetrator(SharedPerpetrator)
    case missingEpisode(MissingEpisode)

    /// The kind these fields belong to.
    package var kind: RecordKind {
        switch self {
        case .countyLinesLink: .countyLinesLink
        case .relocation: .relocation
        case .sharedPerpetrator: .sharedPerpetrator
        case .missingEpisode: .missingEpisode
        }
    }

    /// Every kind carries a risk level; it is also a queryable column.
    package var riskLevel: RiskLevel {
        switch self {
        case .countyLinesLink(let link): link.riskLevel
        case .relocation(let relocation): relocation.riskLevel
        case .sharedPerpetrator(let perpetrator): perpetrator.riskLevel
        case .missingEpisode(let episode): episode.riskGrading.riskLevel
        }
    }

    /// A short label for tables: the line name, or the person's name.
    package var label: String {
        switch self {
        case .countyLinesLink(let link): link.lineName
        case .relocation(let relocation): relocation.youngPerson.displayName
        case .sharedPerpetrator(let perpetrator): perpetrator.person.displayName
        case .missingEpisode(let episode): episode.person.displayName
        }
    }

    /// Reads and validates the fields of `kind` from a JSON object.
    package static func read(kind: RecordKind, from value: JSONValue, at path: FieldPath, issues: inout IssueCollector) -> RecordFields? {
        guard var reader = ObjectReader(value, at: path, issues: &issues) else { return nil }
        let before = issues.issues.count
        let fields: RecordFields?
        switch kind {
        case .countyLinesLink: fields = CountyLinesLink.read(&reader, issues: &issues).map(RecordFields.countyLinesLink)
        case .relocation: fields = Relocation.read(&reader, issues: &issues).map(RecordFields.relocation)
        case .sharedPerpetrator: fields = SharedPerpetrator.read(&reader, issues: &issues).map(RecordFields.sharedPerpetrator)
        case .missingEpisode: fields = MissingEpisode.read(&reader, issues: &issues).map(RecordFields.missingEpisode)
        }
        reader.finish(issues: &issues)
        return issues.issues.count == before ? fields : nil
    }

    /// The fields in canonical JSON form.
    package var jsonValue: JSONValue {
        switch self {
        case .countyLinesLink(let link): link.jsonValue
        case .relocation(let relocation): relocation.jsonValue
        case .sharedPerpetrator(let perpetrator): perpetrator.jsonValue
        case .missingEpisode(let episode): episode.jsonValue
        }
    }

    /// Dates inside the fields that describe the past and so cannot be later than today.
    var pastDates: [(String, CalendarDate)] {
        switch self {
        case .countyLinesLink(let link):
            [("fields.firstSeen", link.firstSeen)] + (link.lastSeen.map { [("fields.lastSeen", $0)] } ?? [])
        case .relocation(let relocation):
            relocation.followUps.enumerated().map { ("fields.followUps[\($0.offset)].date", $0.element.date) }
                + (relocation.acknowledgement.map { [("fields.acknowledgement.date", $0.date)] } ?? [])
        case .sharedPerpetrator(let perpetrator):
            perpetrator.disruptions.enumerated().map { ("fields.disruptions[\($0.offset)].date", $0.element.date) }
        case .missingEpisode(let episode):
            // Times are held to the day, as dates are: a clock a little ahead is not refused.
            ([("fields.reportedMissingAt", episode.reportedMissingAt)] + (episode.returnedAt.map { [("fields.returnedAt", $0)] } ?? [])
                + episode.interviewOffers.enumerated().map { ("fields.interviewOffers[\($0.offset)].offeredAt", $0.element.offeredAt) }
                + (episode.interviewHeldAt.map { [("fields.interviewHeldAt", $0)] } ?? [])).map { ($0.0, $0.1.calendarDate) }
        }
    }

    /// The status a draft of these fields has when it names none: a missing episode is
    /// `missing` until it records a return.
    package var defaultStatus: RecordStatus {
        guard case .missingEpisode(let episode) = self else { return .active }
        return episode.returnedAt == nil ? .missing : .returned
    }

    /// The rules a whole record written at this node is held to beyond its fields' own
    /// (`MissingEpisode.completenessIssues`).
    func completenessIssues(issues: inout IssueCollector) {
        guard case .missingEpisode(let episode) = self else { return }
        episode.completenessIssues(at: FieldPath.root.appending("fields"), issues: &issues)
    }

    /// What is wrong with giving these fields `status`, if anything, with the fix.
    func statusIssue(_ status: RecordStatus) -> String? {
        guard case .missingEpisode(let episode) = self, status == .returned, episode.returnedAt == nil else { return nil }
        return "needs fields.returnedAt: record when the child returned or was found"
    }
}
