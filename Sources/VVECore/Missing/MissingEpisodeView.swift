/// What this node knows of one missing episode, its own or a copy: each part nil where the
/// record does not say it or the owner does not share it.
///
/// A copy without `identity` holds the child as match keys: the view has no name and no
/// date of birth, and then counts the duty as statutory, as an unknown date of birth does.
package struct MissingEpisodeView: Sendable, Hashable {
    /// Whether the episode is this node's own record or a copy of a peer's.
    package enum Holding: String, Sendable {
        case own
        case copy
    }

    package var id: RecordID
    package var owner: AuthorityName
    package var holding: Holding
    /// The groups this node holds: every group of its own records.
    package var groups: Set<String>
    package var status: RecordStatus?
    /// The child's name, where this node may see it.
    package var name: String?
    package var statutory: Bool
    package var policeReference: String?
    package var homeAuthority: AuthorityName?
    package var hostArea: AuthorityName?
    package var reportedMissingAt: Timestamp?
    package var returnedAt: Timestamp?
    package var foundIn: AuthorityName?
    package var riskGrading: MissingRiskGrading?
    package var linkedRelocation: RecordID?
    package var offers: [Timestamp]
    package var response: InterviewResponse?
    package var heldAt: Timestamp?
    package var outcome: InterviewOutcome?
    /// When this node last saw the record change: its own update, or the copy's receipt.
    package var changedAt: Timestamp

    /// The view of an episode's register values (`status` and `fields.MEMBER`), as a record
    /// or a copy resolves them. A value that does not read as its field is left out.
    package init(
        id: RecordID, owner: AuthorityName, holding: Holding, groups: Set<String>, values: [String: JSONValue], changedAt: Timestamp
    ) {
        func read<Value: JSONFieldValue>(_ member: String, as type: Value.Type = Value.self) -> Value? {
            guard let value = values["fields." + member], value != .null else { return nil }
            var issues = IssueCollector()
            return Value.read(from: value, at: .root, issues: &issues)
        }
        self.id = id
        self.owner = owner
        self.holding = holding
        self.groups = groups
        self.changedAt = changedAt
        status = values["status"]?.stringValue.flatMap(RecordStatus.init(rawValue:))
        let person: Person? = values["fields.person"]?["matchKeys"] == nil ? read("person") : nil
        name = person?.displayName
        policeReference = values["fields.policeReference"]?.stringValue
        homeAuthority = read("homeAuthority")
        hostArea = read("hostArea")
        reportedMissingAt = read("reportedMissingAt")
        returnedAt = read("returnedAt")
        foundIn = read("foundIn")
        riskGrading = read("riskGrading")
        linkedRelocation = read("linkedRelocation")
        offers = (values["fields.interviewOffers"]?.arrayValue ?? []).compactMap { offer in
            var issues = IssueCollector()
            return InterviewOffer.read(from: offer, at: .root, issues: &issues)?.offeredAt
        }.sorted()
        response = read("interviewResponse")
        heldAt = read("interviewHeldAt")
        outcome = read("interviewOutcome")
        statutory = reportedMissingAt.map { MissingEpisode.carriesStatutoryDuty(born: person?.dateOfBirth, reportedMissingAt: $0) } ?? true
    }

    /// The clock of a child returned and not yet interviewed; nil otherwise, or when this
    /// node is not told the return.
    package var clock: ReturnInterviewClock? {
        guard let returnedAt else { return nil }
        return ReturnInterviewClock(returnedAt: returnedAt, statutory: statutory, offers: offers, heldAt: heldAt)
    }

    /// Whether the child is back and the interview not yet held: a return time, no interview
    /// held, and the status `returned` (not missing again, not closed) where this node is
    /// told the status. Only a node told both the episode and the interview can say.
    package var awaitsInterview: Bool {
        groups.isSuperset(of: ["episode", "interview"]) && returnedAt != nil && heldAt == nil && (status.map { $0 == .returned } ?? true)
    }

    /// How the view names the child: by name where this node may see it, else by the police
    /// reference, else by the record id.
    package var label: String {
        name ?? policeReference.map { "ref \($0)" } ?? id.description
    }
}
