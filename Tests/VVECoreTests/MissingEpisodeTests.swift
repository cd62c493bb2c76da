import Testing
import VVECore

/// The `missing-episode` kind: every field's rule and every edge of the 72-hour clock, the
/// audience rules that read the episode's own areas, and the safety-first merges.
@Suite struct MissingEpisodeTests {
    static let today = CalendarDate("2026-11-23")!
    static let episode: JSONValue = [
        "kind": "missing-episode", "reviewDate": "2027-11-01",
        "fields": [
            "person": ["forenames": "Tia", "surname": "Okonjo", "dateOfBirth": "2011-05-02"],
            "homeAuthority": "camden", "hostArea": "haringey", "reportedMissingAt": "2026-11-20T22:15:00.000Z",
            "returnedAt": "2026-11-21T09:40:00.000Z", "foundIn": "enfield", "riskGrading": "high", "policeReference": "MPS-4471/26",
            "linkedRelocation": "01a214cd-e069-76a5-a31a-458bc69b14b5",
            "interviewOffers": [["offeredAt": "2026-11-21T15:00:00.000Z"]],
        ],
    ]

    static func issues(_ patch: JSONValue) -> [String] {
        do {
            _ = try RecordDraft.read(from: episode.merging(patch: patch), kind: nil, today: today)
            return []
        } catch {
            return error.issues.map(\.description)
        }
    }

    static func draft(_ patch: JSONValue = [:]) throws -> RecordDraft {
        try RecordDraft.read(from: episode.merging(patch: patch), kind: nil, today: today)
    }

    static func fields(_ patch: JSONValue = [:]) throws -> MissingEpisode {
        guard case .missingEpisode(let fields) = try draft(patch).fields else { throw ValidationError(issues: []) }
        return fields
    }

    @Test func aWholeEpisodeIsAcceptedAndTakesItsStatusFromTheReturn() throws {
        #expect(Self.issues([:]) == [])
        #expect(try Self.draft().status == .returned)
        #expect(try Self.draft(["fields": ["returnedAt": .null, "foundIn": .null, "interviewOffers": .null]]).status == .missing)
        #expect(try Self.fields().linkedRelocation == RecordID("01a214cd-e069-76a5-a31a-458bc69b14b5"))
        #expect(try Self.draft().fields.riskLevel == .high)
        #expect(try Self.draft(["fields": ["riskGrading": "no-apparent-risk"]]).fields.riskLevel == .low)
    }

    static func rule(_ patch: JSONValue, _ message: String) -> (JSONValue, String) { (patch, message) }

    static let rules: [(JSONValue, String)] = [
        rule(
            ["fields": ["returnedAt": "2026-11-20T22:14:59.999Z", "interviewOffers": .null]],
            #"fields.returnedAt: "2026-11-20T22:14:59.999Z" is before reportedMissingAt (2026-11-20T22:15:00.000Z); a child returns after being reported missing"#
        ),
        rule(
            ["fields": ["interviewOffers": [["offeredAt": "2026-11-21T09:39:59.999Z"]]]],
            #"fields.interviewOffers[0].offeredAt: "2026-11-21T09:39:59.999Z" is before returnedAt (2026-11-21T09:40:00.000Z); an interview is offered after the return"#
        ),
        rule(
            ["fields": ["interviewHeldAt": "2026-11-21T08:00:00.000Z", "interviewResponse": "accepted"]],
            #"fields.interviewHeldAt: "2026-11-21T08:00:00.000Z" is before returnedAt (2026-11-21T09:40:00.000Z); the interview is held after the return"#
        ),
        rule(
            ["fields": ["interviewHeldAt": "2026-11-22T10:00:00.000Z", "interviewResponse": "declined"]],
            #"fields.interviewResponse: "declined" is declined, but interviewHeldAt is set; an interview that was held was accepted"#),
        rule(
            ["fields": ["hostArea": "camden"]],
            #"fields.hostArea: "camden" is the home authority; leave hostArea out when the child lives at home"#),
        rule(
            ["fields": ["returnedAt": .null, "interviewOffers": .null]],
            #"fields.foundIn: "enfield" needs returnedAt: record when the child was found"#),
        rule(
            ["fields": ["returnedAt": .null, "foundIn": .null]],
            #"fields.interviewOffers: [{"offeredAt":"2026-11-21T15:00:00.000Z"}] needs returnedAt: the return home interview follows the return"#),
        rule(
            ["fields": ["interviewOutcome": "early-help"]],
            #"fields.interviewOutcome: "early-help" needs interviewHeldAt: when the interview was held"#),
        rule(
            ["status": "returned", "fields": ["returnedAt": .null, "foundIn": .null, "interviewOffers": .null]],
            #"status: "returned" needs fields.returnedAt: record when the child returned or was found"#),
        rule(["status": "active"], #"status: "active" is not a status of missing-episode; use one of: missing, returned, closed"#),
        rule(
            ["fields": ["riskGrading": "very-high"]],
            #"fields.riskGrading: "very-high" is not one of: no-apparent-risk, low, medium, high"#),
        rule(
            ["fields": ["returnedAt": "2026-11-24T01:00:00.000Z", "interviewOffers": .null]],
            #"fields.returnedAt: "2026-11-24" is in the future; it records something that has happened, so use 2026-11-23 or earlier"#),
        rule(
            ["fields": ["reportedMissingAt": "2026-11-20 22:15"]],
            #"fields.reportedMissingAt: "2026-11-20 22:15" is not a timestamp; write it in UTC as YYYY-MM-DDTHH:MM:SS.mmmZ"#),
        rule(
            ["fields": ["policeReference": .null]],
            "fields.policeReference: is required: the police force's reference for the report"),
        rule(
            ["fields": ["interviewOffers": .array(twentyOneOffers)]],
            "fields.interviewOffers: has 21 entries; the limit is 20"),
    ]

    @Test(arguments: rules)
    func eachRuleNamesTheFieldTheValueAndTheFix(patch: JSONValue, message: String) {
        #expect(Self.issues(patch) == [message])
    }

    @Test func anEditThatLeavesAPeersWriteBackAsItWasIsNotRefusedForIt() throws {
        // The home authority's offer arrived before the police recorded the return.
        let stillMissing: JSONValue = ["fields": ["returnedAt": .null, "foundIn": .null, "interviewOffers": .null]]
        var stored = CaseRecord(
            draft: try Self.draft(stillMissing), id: RecordID("01a214cd-e069-76a5-a31a-458bc69b14b5")!, node: AuthorityName("met-police")!,
            at: Timestamp("2026-11-21T00:00:00.000Z")!)
        guard case .missingEpisode(var fields) = stored.fields else { return }
        fields.interviewOffers = [InterviewOffer(offeredAt: Timestamp("2026-11-21T15:00:00.000Z")!)]
        stored.content = .fields(.missingEpisode(fields))
        let edit = Self.episode.merging(patch: ["reviewDate": "2027-12-01", "fields": ["returnedAt": .null, "foundIn": .null]])
        #expect(throws: Never.self) { try RecordDraft.read(from: edit, kind: nil, today: Self.today, editing: stored) }
        // A new record written so is refused.
        #expect(throws: ValidationError.self) { try RecordDraft.read(from: edit, kind: nil, today: Self.today) }
    }

    @Test func aChildOf18OrOverCarriesNoStatutoryDutyAndAnUnknownDateOfBirthDoes() throws {
        // Reported on 2026-11-20: 18 that very day is no longer a child.
        #expect(try Self.fields(["fields": ["person": ["dateOfBirth": "2008-11-20"]]]).carriesStatutoryDuty == false)
        #expect(try Self.fields(["fields": ["person": ["dateOfBirth": "2008-11-21"]]]).carriesStatutoryDuty == true)
        #expect(try Self.fields(["fields": ["person": ["dateOfBirth": .null]]]).carriesStatutoryDuty == true)
        // 2008 may be 17 or 18 on 2026-11-20: the duty is kept.
        #expect(try Self.fields(["fields": ["person": ["dateOfBirth": "2008"]]]).carriesStatutoryDuty == true)
        #expect(try Self.fields(["fields": ["person": ["dateOfBirth": "2007"]]]).carriesStatutoryDuty == false)
        // An adult is recorded all the same.
        #expect(Self.issues(["fields": ["person": ["dateOfBirth": "2006-01-01"]]]) == [])
    }

    @Test func theClockRunsFromTheReturnAndIsDueNotOverdueAtExactly72Hours() throws {
        let returned = Timestamp("2026-11-21T09:40:00.000Z")!
        let clock = ReturnInterviewClock(returnedAt: returned, statutory: true, offers: [], heldAt: nil)
        func at(_ hours: Int64, _ milliseconds: Int64 = 0) -> Timestamp {
            Timestamp(millisecondsSinceEpoch: returned.millisecondsSinceEpoch + hours * 3_600_000 + milliseconds)
        }
        #expect(clock.deadline == Timestamp("2026-11-24T09:40:00.000Z")!)
        #expect(clock.hoursText(at: returned) == "72h left")
        #expect(clock.hoursText(at: at(71, 1)) == "0h left")
        #expect(clock.isOverdue(at: at(72)) == false)
        #expect(clock.hoursText(at: at(72)) == "0h left")
        #expect(clock.isOverdue(at: at(72, 1)) == true)
        #expect(clock.hoursText(at: at(72, 1)) == "1h overdue")
        #expect(clock.hoursText(at: at(75)) == "3h overdue")
        // Offered and held at exactly 72 hours counts as within them; a millisecond later does not.
        let onTime = ReturnInterviewClock(returnedAt: returned, statutory: true, offers: [at(72)], heldAt: at(72))
        #expect(onTime.offeredWithinWindow && onTime.heldWithinWindow && !onTime.isOverdue(at: at(100)))
        let late = ReturnInterviewClock(returnedAt: returned, statutory: true, offers: [at(72, 1)], heldAt: at(72, 1))
        #expect(!late.offeredWithinWindow && !late.heldWithinWindow)
        #expect(!ReturnInterviewClock(returnedAt: returned, statutory: true, offers: [], heldAt: nil).offeredWithinWindow)
    }

    @Test func aViewOfACopyWithoutIdentityShowsTheReferenceAndKeepsTheDuty() throws {
        let id = RecordID("01a214cd-e069-76a5-a31a-458bc69b14b5")!
        let adult: [String: JSONValue] = [
            "status": "returned", "fields.person": ["surname": "Okonjo", "dateOfBirth": "2006-01-01"],
            "fields.policeReference": "MPS-1/26", "fields.reportedMissingAt": "2026-11-20T22:15:00.000Z",
            "fields.returnedAt": "2026-11-21T09:40:00.000Z",
        ]
        let changed = Timestamp("2026-11-21T10:00:00.000Z")!
        let named = MissingEpisodeView(
            id: id, owner: AuthorityName("met-police")!, holding: .copy, groups: ["identity", "episode", "interview", "status"], values: adult,
            changedAt: changed)
        #expect(named.label == "Okonjo" && !named.statutory && named.awaitsInterview)
        var keyed = adult
        keyed["fields.person"] = ["matchKeys": ["exact": "00"]]
        let unnamed = MissingEpisodeView(
            id: id, owner: AuthorityName("met-police")!, holding: .copy, groups: ["episode", "interview", "status"], values: keyed,
            changedAt: changed)
        #expect(unnamed.label == "ref MPS-1/26" && unnamed.statutory)
        // Without the interview group a node cannot tell whether the interview was held.
        let episodeOnly = MissingEpisodeView(
            id: id, owner: AuthorityName("met-police")!, holding: .copy, groups: ["episode", "status"], values: keyed, changedAt: changed)
        #expect(!episodeOnly.awaitsInterview)
        var again = keyed
        again["status"] = "missing"
        #expect(
            !MissingEpisodeView(
                id: id, owner: AuthorityName("met-police")!, holding: .copy, groups: ["episode", "interview", "status"], values: again,
                changedAt: changed
            ).awaitsInterview)
    }

    @Test func theAudienceRulesReadTheEpisodesOwnAreas() throws {
        let fields = try Self.draft().fields
        let rules: [(AudienceRule, [String])] = [
            (.homeAuthority, ["camden"]), (.hostArea, ["haringey"]), (.foundIn, ["enfield"]), (.police, ["met-police"]),
        ]
        let peers: [(AuthorityName, PeerRole)] = [
            (AuthorityName("camden")!, .borough), (AuthorityName("haringey")!, .borough), (AuthorityName("enfield")!, .borough),
            (AuthorityName("islington")!, .borough), (AuthorityName("met-police")!, .police),
        ]
        for (rule, admitted) in rules {
            #expect(peers.filter { rule.admits($0.0, role: $0.1, record: fields) }.map(\.0.rawValue) == admitted, "\(rule)")
        }
        #expect(
            RecordKind.missingEpisode.audienceRules.map(\.rawValue).sorted() == ["all", "found-in", "home-authority", "host-area", "police", "vru"])
        #expect(!AudienceRule.homeAuthority.kinds.contains(.relocation))
        let groups = RecordKind.missingEpisode.fieldGroups.map(\.name)
        #expect(groups == ["identity", "episode", "interview", "link", "status"])
    }
}

/// 21 offers a minute apart, one over the limit.
private let twentyOneOffers: [JSONValue] = (10..<31).map { minute -> JSONValue in
    let offer: JSONObject = ["offeredAt": .string("2026-11-22T10:\(minute):00.000Z")]
    return .object(offer)
}

/// The missing episode's merges: a concurrent `missing` beats `returned`, unless the
/// `returned` was written after seeing it; offers are unioned; the highest grading wins.
@Suite struct MissingEpisodeMergeTests {
    let police = AuthorityName("met-police")!
    let camden = AuthorityName("camden")!
    let enfield = AuthorityName("enfield-police")!

    func blank() -> ReplicatedRecord {
        ReplicatedRecord(
            id: RecordID("01a214cd-e069-76a5-a31a-458bc69b14b5")!, kind: .missingEpisode, owner: police,
            createdAt: Timestamp(millisecondsSinceEpoch: 1_764_000_000_000))
    }

    @Test func aConcurrentMissingBeatsReturnedAndClosedEvenTheOwners() {
        var base = blank()
        base.write("status", "returned", by: police)
        var owner = base
        var holder = base
        owner.write("status", "closed", by: police)
        holder.write("status", "missing", by: enfield)
        #expect(owner.merged(with: holder).resolved().values["status"] == "missing")
        #expect(holder.merged(with: owner).resolved().values["status"] == "missing")
        var returnedAgain = base
        returnedAgain.write("status", "missing", by: police)
        var stale = base
        stale.write("status", "returned", by: camden)
        #expect(returnedAgain.merged(with: stale).resolved().values["status"] == "missing")
    }

    @Test func theOwnersReturnedWrittenAfterSeeingMissingStands() {
        var base = blank()
        base.write("status", "returned", by: police)
        var holder = base
        holder.write("status", "missing", by: enfield)
        var owner = base.merged(with: holder)
        owner.write("status", "returned", by: police)
        #expect(owner.resolved().values["status"] == "returned")
        #expect(owner.merged(with: holder).resolved().values["status"] == "returned")
    }

    @Test func offersAreUnionedInTimeOrderAndTheHighestGradingWins() {
        var base = blank()
        base.write("fields.riskGrading", "medium", by: police)
        var owner = base
        var home = base
        owner.write("fields.interviewOffers", [["offeredAt": "2026-11-22T10:00:00.000Z"]], by: police)
        owner.write("fields.riskGrading", "low", by: police)
        home.write("fields.interviewOffers", [["offeredAt": "2026-11-21T15:00:00.000Z"], ["offeredAt": "2026-11-22T10:00:00.000Z"]], by: camden)
        home.write("fields.riskGrading", "high", by: camden)
        let merged = owner.merged(with: home).resolved()
        #expect(
            merged.values["fields.interviewOffers"]
                == [["offeredAt": "2026-11-21T15:00:00.000Z"], ["offeredAt": "2026-11-22T10:00:00.000Z"]])
        #expect(merged.values["fields.riskGrading"] == "high")
        #expect(merged.conflicts.isEmpty)
    }
}
