/// Makes realistic, valid, entirely fictional records from a seed.
///
/// The same seed, owner and day always give the same records. Phone numbers come from Ofcom's
/// drama range (07700 900000-900999) and postcodes are invented, so nothing matches a real
/// person, line or home.
package struct SyntheticRecords: Sendable {
    private var random: SeededGenerator
    /// The borough whose records these are.
    package let owner: AuthorityName
    /// The day the records are made on; dates fall before it and review dates after it.
    package let today: CalendarDate
    /// Days from a move to its acknowledgement, drawn evenly: most within days, a few weeks late.
    static let acknowledgementDelays = [0, 0, 1, 1, 2, 3, 5, 8, 12, 20]
    /// The children of the episodes made so far: a child who goes missing once often goes
    /// missing again, so some episodes are of one of them, recorded the same way.
    private var episodeChildren: [(person: Person, home: AuthorityName)] = []

    package init(seed: UInt64, owner: AuthorityName, today: CalendarDate) {
        self.random = SeededGenerator(seed: seed)
        self.owner = owner
        self.today = today
    }

    /// The next record, cycling through kinds in the proportions a borough sees (links are
    /// rarer than people).
    package mutating func nextDraft(kind: RecordKind? = nil) -> RecordDraft {
        let chosen = kind ?? pick([.countyLinesLink, .relocation, .relocation, .sharedPerpetrator, .sharedPerpetrator])
        let fields: RecordFields
        switch chosen {
        case .countyLinesLink: fields = .countyLinesLink(nextLink())
        case .relocation: fields = .relocation(nextRelocation())
        case .sharedPerpetrator: fields = .sharedPerpetrator(nextPerpetrator())
        case .missingEpisode: fields = .missingEpisode(nextEpisode())
        }
        let status: RecordStatus
        if chosen == .missingEpisode {
            status = fields.defaultStatus == .returned && roll(0.3) ? .closed : fields.defaultStatus
        } else {
            status = roll(0.85) ? .active : pick(chosen.allowedStatuses)
        }
        return RecordDraft(kind: chosen, reviewDate: today.adding(days: between(30, 720)), status: status, fields: fields)
    }

    /// A person with a name in one of its spellings, a full, partial or missing date of birth,
    /// and sometimes an alias.
    package mutating func nextPerson(ageRange: ClosedRange<Int>) -> Person {
        let forename = pick(pick(NameBank.forenameVariants))
        let middle = roll(0.2) ? " " + pick(pick(NameBank.forenameVariants)) : ""
        var surname = pick(pick(NameBank.surnameVariants))
        if roll(0.05) { surname += "-" + pick(pick(NameBank.surnameVariants)) }
        let birthYear = today.year - between(ageRange.lowerBound, ageRange.upperBound)
        let dateOfBirth: PartialDate?
        switch between(0, 19) {
        case 0: dateOfBirth = nil
        case 1: dateOfBirth = PartialDate(year: birthYear)
        case 2: dateOfBirth = PartialDate(year: birthYear, month: between(1, 12))
        default:
            let month = between(1, 12)
            dateOfBirth = PartialDate(year: birthYear, month: month, day: between(1, CalendarDate.daysInMonth(year: birthYear, month: month)))
        }
        let aliases = roll(0.3) ? [pick(NameBank.aliases)] : []
        return Person(forenames: forename + middle, surname: surname, dateOfBirth: dateOfBirth, aliases: aliases)
    }

    /// A contact at an authority, reachable by phone and email.
    package mutating func nextContact(at authority: AuthorityName, role: String) -> Contact {
        let forename = pick(pick(NameBank.forenameVariants))
        let surname = pick(pick(NameBank.surnameVariants))
        let local = "\(forename).\(surname)".lowercased().filter { $0.isLetter || $0 == "." }
        return Contact(
            name: "\(forename) \(surname)", organisation: organisation(of: authority), role: role,
            phone: PhoneNumber("020 7946 \(String(between(1000, 1999)).dropFirst())"), email: EmailAddress("\(local)@\(authority).example.gov.uk"))
    }

    private func organisation(of authority: AuthorityName) -> String {
        authority.rawValue.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ") + " Council"
    }

    private mutating func nextLink() -> CountyLinesLink {
        let importing = Array(Set((0..<between(1, 3)).map { _ in pick(DemoRegion.countyAreas) })).sorted()
        let firstSeen = today.adding(days: -between(20, 900))
        let lastSeen = roll(0.7) ? firstSeen.adding(days: between(0, today.daysSinceEpoch - firstSeen.daysSinceEpoch)) : nil
        var people: [LinkedPerson] = []
        for _ in 0..<between(1, 4) { people.append(LinkedPerson(role: .victim, person: nextPerson(ageRange: 13...17))) }
        for _ in 0..<between(0, 2) { people.append(LinkedPerson(role: .exploiter, person: nextPerson(ageRange: 18...35))) }
        if roll(0.2) { people.append(LinkedPerson(role: .associate, person: nextPerson(ageRange: 16...30))) }
        let addresses = (0..<between(0, 2)).map { _ in
            CuckooedAddress(
                address: "\(between(1, 180)) \(pick(NameBank.streets))",
                postcode: Postcode("\(pick(["NR", "CO", "CM", "ME", "IP", "SG"]))\(between(1, 4)) \(between(1, 9))\(letter())\(letter())"))
        }
        return CountyLinesLink(
            lineName: "\(pick(NameBank.lineNames)) line", dealLines: [PhoneNumber("07700 900\(String(between(1000, 1999)).dropFirst())")!],
            exportingArea: owner, importingAreas: importing.filter { $0 != owner }, linkedPeople: people, cuckooedAddresses: addresses,
            firstSeen: firstSeen, lastSeen: lastSeen, nrmReferral: roll(0.4),
            grading: IntelligenceGrading("\(between(1, 3))\(pick(["A", "B", "C", "D", "E"]))\(pick(["P", "P", "C"]))"),
            riskLevel: pick(RiskLevel.allCases))
    }

    private mutating func nextRelocation() -> Relocation {
        var receiving = pick(DemoRegion.boroughs + DemoRegion.countyAreas)
        if receiving == owner { receiving = DemoRegion.countyAreas[0] }
        // Two years of moves, more of them lately: a trend for reports to show.
        let daysAgo = between(0, 729)
        let moveDate = today.adding(days: -(daysAgo * daysAgo / 730))
        let acknowledged = roll(0.6)
        return Relocation(
            youngPerson: nextPerson(ageRange: 12...17), originatingAuthority: owner, receivingAuthority: receiving,
            moveDate: moveDate, accommodationType: pick(AccommodationType.allCases), reasonCategory: pick(RelocationReason.allCases),
            riskLevel: pick(RiskLevel.allCases), originatingSpoc: nextContact(at: owner, role: "Exploitation team SPOC"),
            receivingSpoc: acknowledged ? nextContact(at: receiving, role: "Receiving SPOC") : nil,
            acknowledgement: acknowledged
                ? Acknowledgement(by: "Duty manager", date: min(today, moveDate.adding(days: Self.acknowledgementDelays[between(0, 9)]))) : nil,
            allocatedWorker: acknowledged && roll(0.7) ? nextContact(at: receiving, role: "Allocated social worker") : nil)
    }

    private mutating func nextPerpetrator() -> SharedPerpetrator {
        var areas = [owner]
        if roll(0.5) { areas.append(pick(DemoRegion.boroughs.filter { $0 != owner })) }
        if roll(0.3) { areas.append(pick(DemoRegion.countyAreas)) }
        let disruptions = (0..<between(0, 3)).map { _ in
            Disruption(type: pick(DisruptionType.allCases), date: today.adding(days: -between(1, 700)))
        }
        return SharedPerpetrator(
            person: nextPerson(ageRange: 18...40), role: pick(PerpetratorRole.allCases),
            associatedLines: roll(0.6) ? ["\(pick(NameBank.lineNames)) line"] : [], areasOfActivity: areas,
            riskLevel: pick(RiskLevel.allCases), disruptions: disruptions,
            policeContact: nextContact(at: owner, role: "DC, Exploitation Unit"))
    }

    /// An episode reported up to two years ago. Most children have returned, and most of
    /// those were offered an interview; times fall at least a day before `today`.
    private mutating func nextEpisode() -> MissingEpisode {
        let hour: Int64 = 3_600_000
        let child: (person: Person, home: AuthorityName) =
            !episodeChildren.isEmpty && roll(0.3)
            ? pick(episodeChildren)
            : (nextPerson(ageRange: roll(0.05) ? 18...19 : 11...17), DemoRegion.boroughs.contains(owner) ? owner : pick(DemoRegion.boroughs))
        if episodeChildren.count < 200 { episodeChildren.append(child) }
        let home = child.home
        let host = roll(0.4) ? pick((DemoRegion.boroughs + DemoRegion.countyAreas).filter { $0 != home }) : nil
        let stillMissing = roll(0.1)
        // A return, offers and the interview fit in 19 days: none falls after `today`.
        let daysAgo = stillMissing ? between(1, 3) : between(20, 729)
        let reported = Timestamp(
            millisecondsSinceEpoch: Int64(today.adding(days: -daysAgo).daysSinceEpoch) * 24 * hour + Int64(between(0, 86_399)) * 1000)
        var episode = MissingEpisode(
            person: child.person, homeAuthority: home, hostArea: host, reportedMissingAt: reported,
            riskGrading: pick(MissingRiskGrading.allCases), policeReference: "CAD-\(between(100_000, 999_999))")
        guard !stillMissing else { return episode }
        let returned = Timestamp(millisecondsSinceEpoch: reported.millisecondsSinceEpoch + Int64(between(1, 96)) * hour)
        episode.returnedAt = returned
        episode.foundIn = roll(0.5) ? (host ?? home) : nil
        var offerAt = returned.millisecondsSinceEpoch
        // Most first offers come within the 72 hours; some later.
        for index in 0..<(roll(0.85) ? between(1, 4) : 0) {
            offerAt += Int64(index == 0 ? between(2, 110) : between(2, 60)) * hour
            episode.interviewOffers.append(InterviewOffer(offeredAt: Timestamp(millisecondsSinceEpoch: offerAt)))
        }
        guard let first = episode.interviewOffers.first, roll(0.8) else { return episode }
        episode.interviewResponse = roll(0.7) ? .accepted : .declined
        if episode.interviewResponse == .accepted, roll(0.8) {
            episode.interviewHeldAt = Timestamp(millisecondsSinceEpoch: first.offeredAt.millisecondsSinceEpoch + Int64(between(1, 48)) * hour)
            episode.interviewHeldBy = nextContact(at: home, role: "Return home interview worker")
            episode.interviewOutcome = pick(InterviewOutcome.allCases)
        }
        return episode
    }

    private mutating func pick<Element>(_ options: [Element]) -> Element {
        options[Int(random.next() % UInt64(options.count))]
    }

    private mutating func between(_ low: Int, _ high: Int) -> Int {
        low + Int(random.next() % UInt64(high - low + 1))
    }

    private mutating func roll(_ probability: Double) -> Bool {
        Double(random.next() >> 11) / Double(1 << 53) < probability
    }

    private mutating func letter() -> String {
        pick(["A", "B", "D", "E", "F", "G", "H", "J", "L", "N", "P", "Q", "R", "S", "T", "U", "W", "X", "Y", "Z"])
    }
}

extension RecordDraft {
    /// The draft as the JSON document that `vve record add` and `import` read.
    package var jsonValue: JSONValue {
        ["kind": kind.jsonValue, "reviewDate": reviewDate.jsonValue, "status": status.jsonValue, "fields": fields.jsonValue]
    }
}
