/// An episode of a child missing from home or care: reported to the police, usually recorded
/// by them, and referred to the child's home authority, which holds the statutory duty to offer
/// an independent return home interview within 72 hours of the return.
///
/// The 72-hour deadline is never stored: it is computed from `returnedAt`
/// (`ReturnInterviewClock`), so that correcting the return time corrects the deadline.
/// The interview is recorded by categories and times only; what a child discloses in it stays
/// in the home authority's own case file.
package struct MissingEpisode: Sendable, Hashable {
    /// The most interview offers an episode records: the three statutory offers, then the
    /// continued attempts.
    package static let maximumInterviewOffers = 20
    /// The offers the statutory guidance asks for before the attempts that follow them.
    package static let statutoryOffers = 3

    package var person: Person
    /// The authority that holds the duty to offer the return home interview.
    package var homeAuthority: AuthorityName
    /// Where the child was living when missing, when that is not the home authority.
    package var hostArea: AuthorityName?
    package var reportedMissingAt: Timestamp
    /// When the child returned or was found; nil while missing.
    package var returnedAt: Timestamp?
    /// The area the child was found in.
    package var foundIn: AuthorityName?
    /// The police risk grading at the report.
    package var riskGrading: MissingRiskGrading
    /// The police force's own reference for the report.
    package var policeReference: String
    /// A relocation the episode concerns, by the record id a lookup returned to the police.
    package var linkedRelocation: RecordID?
    /// Each offer of a return home interview, in the order written (a merge of concurrent
    /// offers lists them in time order).
    package var interviewOffers: [InterviewOffer]
    /// Whether the child accepted or declined the interview.
    package var interviewResponse: InterviewResponse?
    package var interviewHeldAt: Timestamp?
    package var interviewHeldBy: Contact?
    package var interviewOutcome: InterviewOutcome?

    package init(
        person: Person, homeAuthority: AuthorityName, hostArea: AuthorityName? = nil, reportedMissingAt: Timestamp,
        returnedAt: Timestamp? = nil, foundIn: AuthorityName? = nil, riskGrading: MissingRiskGrading, policeReference: String,
        linkedRelocation: RecordID? = nil, interviewOffers: [InterviewOffer] = [], interviewResponse: InterviewResponse? = nil,
        interviewHeldAt: Timestamp? = nil, interviewHeldBy: Contact? = nil, interviewOutcome: InterviewOutcome? = nil
    ) {
        self.person = person
        self.homeAuthority = homeAuthority
        self.hostArea = hostArea
        self.reportedMissingAt = reportedMissingAt
        self.returnedAt = returnedAt
        self.foundIn = foundIn
        self.riskGrading = riskGrading
        self.policeReference = policeReference
        self.linkedRelocation = linkedRelocation
        self.interviewOffers = interviewOffers
        self.interviewResponse = interviewResponse
        self.interviewHeldAt = interviewHeldAt
        self.interviewHeldBy = interviewHeldBy
        self.interviewOutcome = interviewOutcome
    }

    static func read(_ reader: inout ObjectReader, issues: inout IssueCollector) -> MissingEpisode? {
        let person = reader.required("person", as: Person.self, hint: "the child who went missing", issues: &issues)
        let home = reader.required(
            "homeAuthority", as: AuthorityName.self, hint: "the authority that holds the duty to offer the return home interview",
            issues: &issues)
        let host = reader.optional("hostArea", as: AuthorityName.self, issues: &issues)
        let reported = reader.required(
            "reportedMissingAt", as: Timestamp.self, hint: "when the child was reported missing, in UTC as YYYY-MM-DDTHH:MM:SS.mmmZ",
            issues: &issues)
        let returned = reader.optional("returnedAt", as: Timestamp.self, issues: &issues)
        let foundIn = reader.optional("foundIn", as: AuthorityName.self, issues: &issues)
        let grading = reader.required(
            "riskGrading", as: MissingRiskGrading.self, hint: "one of \(MissingRiskGrading.allowedValues)", issues: &issues)
        let reference = reader.requiredText(
            "policeReference", limit: TextLimit.reference, hint: "the police force's reference for the report", issues: &issues)
        let linked = reader.optional("linkedRelocation", as: RecordID.self, issues: &issues)
        let offers = reader.list("interviewOffers", as: InterviewOffer.self, maximum: maximumInterviewOffers, issues: &issues)
        let response = reader.optional("interviewResponse", as: InterviewResponse.self, issues: &issues)
        let heldAt = reader.optional("interviewHeldAt", as: Timestamp.self, issues: &issues)
        let heldBy = reader.optional("interviewHeldBy", as: Contact.self, issues: &issues)
        let outcome = reader.optional("interviewOutcome", as: InterviewOutcome.self, issues: &issues)
        let path = reader.path
        if let home, host == home {
            issues.add(path.appending("hostArea"), host?.jsonValue, "is the home authority; leave hostArea out when the child lives at home")
        }
        if let reported, let returned, returned < reported {
            issues.add(
                path.appending("returnedAt"), returned.jsonValue,
                "is before reportedMissingAt (\(reported)); a child returns after being reported missing")
        }
        if let returned {
            for (index, offer) in offers.enumerated() where offer.offeredAt < returned {
                issues.add(
                    path.appending("interviewOffers").appending(index: index).appending("offeredAt"), offer.offeredAt.jsonValue,
                    "is before returnedAt (\(returned)); an interview is offered after the return")
            }
            if let heldAt, heldAt < returned {
                issues.add(
                    path.appending("interviewHeldAt"), heldAt.jsonValue,
                    "is before returnedAt (\(returned)); the interview is held after the return")
            }
        }
        if heldAt != nil, response == .declined {
            issues.add(
                path.appending("interviewResponse"), response?.jsonValue,
                "is declined, but interviewHeldAt is set; an interview that was held was accepted")
        }
        guard let person, let home, let reported, let grading, let reference else { return nil }
        return MissingEpisode(
            person: person, homeAuthority: home, hostArea: host, reportedMissingAt: reported, returnedAt: returned, foundIn: foundIn,
            riskGrading: grading, policeReference: reference, linkedRelocation: linked, interviewOffers: offers,
            interviewResponse: response, interviewHeldAt: heldAt, interviewHeldBy: heldBy, interviewOutcome: outcome)
    }

    /// What a whole episode written here lacks for what it records: a find, an interview or
    /// its details without the return or the holding they follow.
    ///
    /// These rules read the absence of a field, so they hold only where every field is
    /// present: for a record written at this node. A copy or a write from a peer may hold
    /// some groups and not others, and is read without them (`SharedCopy.valueIssues`).
    func completenessIssues(at path: FieldPath, issues: inout IssueCollector) {
        if returnedAt == nil {
            if let foundIn { issues.add(path.appending("foundIn"), foundIn.jsonValue, "needs returnedAt: record when the child was found") }
            let interview: [(String, JSONValue?)] = [
                ("interviewOffers", interviewOffers.isEmpty ? Optional.none : .array(interviewOffers.map(\.jsonValue))),
                ("interviewResponse", interviewResponse?.jsonValue), ("interviewHeldAt", interviewHeldAt?.jsonValue),
            ]
            for case (let member, let value?) in interview {
                issues.add(path.appending(member), value, "needs returnedAt: the return home interview follows the return")
            }
        }
        if interviewHeldAt == nil {
            if interviewHeldBy != nil {
                issues.add(path.appending("interviewHeldBy"), nil, "needs interviewHeldAt: when the interview was held")
            }
            if let interviewOutcome {
                issues.add(path.appending("interviewOutcome"), interviewOutcome.jsonValue, "needs interviewHeldAt: when the interview was held")
            }
        }
    }

    var jsonValue: JSONValue {
        .compactObject([
            ("person", person.jsonValue),
            ("homeAuthority", homeAuthority.jsonValue),
            ("hostArea", hostArea?.jsonValue),
            ("reportedMissingAt", reportedMissingAt.jsonValue),
            ("returnedAt", returnedAt?.jsonValue),
            ("foundIn", foundIn?.jsonValue),
            ("riskGrading", riskGrading.jsonValue),
            ("policeReference", .string(policeReference)),
            ("linkedRelocation", linkedRelocation?.jsonValue),
            ("interviewOffers", .array(interviewOffers.map(\.jsonValue))),
            ("interviewResponse", interviewResponse?.jsonValue),
            ("interviewHeldAt", interviewHeldAt?.jsonValue),
            ("interviewHeldBy", interviewHeldBy?.jsonValue),
            ("interviewOutcome", interviewOutcome?.jsonValue),
        ])
    }

    /// Whether the home authority holds the statutory duty: the child was under 18 when
    /// reported missing. An unknown date of birth, or a partial one that may make the child
    /// under 18, counts as under 18, so the duty is never lost to missing data.
    package var carriesStatutoryDuty: Bool {
        Self.carriesStatutoryDuty(born: person.dateOfBirth, reportedMissingAt: reportedMissingAt)
    }

    /// `carriesStatutoryDuty` of a child born `birth` (nil when unknown), reported missing then.
    package static func carriesStatutoryDuty(born birth: PartialDate?, reportedMissingAt: Timestamp) -> Bool {
        guard let birth else { return true }
        return PlausibleAges.years(from: birth.latest, to: reportedMissingAt.calendarDate) < 18
    }
}

/// One offer of a return home interview.
package struct InterviewOffer: Sendable, Hashable, Comparable, JSONFieldValue {
    package var offeredAt: Timestamp

    package init(offeredAt: Timestamp) {
        self.offeredAt = offeredAt
    }

    package static func read(from value: JSONValue, at path: FieldPath, issues: inout IssueCollector) -> InterviewOffer? {
        guard var reader = ObjectReader(value, at: path, issues: &issues) else { return nil }
        let offeredAt = reader.required(
            "offeredAt", as: Timestamp.self, hint: "when the interview was offered, in UTC as YYYY-MM-DDTHH:MM:SS.mmmZ", issues: &issues)
        reader.finish(issues: &issues)
        return offeredAt.map(InterviewOffer.init)
    }

    package var jsonValue: JSONValue { ["offeredAt": offeredAt.jsonValue] }

    package static func < (lhs: InterviewOffer, rhs: InterviewOffer) -> Bool { lhs.offeredAt < rhs.offeredAt }
}
