/// What one kind of record a peer receives: which records (the audience) and which parts.
public struct KindGrant: Sendable, Hashable {
    /// A record goes to the peer when any rule admits it.
    public var audience: [AudienceRule]
    /// The field groups the peer receives.
    public var groups: Set<String>

    public init(audience: [AudienceRule], groups: Set<String>) {
        self.audience = audience
        self.groups = groups
    }
}

/// What this node shares with one peer and takes from it. Everything not named is denied.
public struct SharingPolicy: Sendable, Hashable {
    /// The kinds the peer receives.
    public var share: [RecordKind: KindGrant]
    /// Days a shared copy may be kept before review: a copy's review date is the record's,
    /// or today plus this, whichever is sooner. Required when anything is shared.
    public var reviewDays: Int?
    /// The field groups the peer may write, per kind; only groups it receives.
    public var accept: [RecordKind: Set<String>]
    /// Whether this node answers the peer's lookups.
    public var lookups: LookupGrant
    /// Whether this node sends its own lookups to the peer (`ask-lookups:`): the peer's file
    /// at the other end decides whether it answers.
    public var askLookups: Bool
    /// Whether this node answers the peer's aggregate queries.
    public var aggregates: Bool

    /// Nothing shared, nothing accepted, nothing answered.
    public static let denyAll = SharingPolicy(share: [:], reviewDays: nil, accept: [:], lookups: false, aggregates: false)

    public init(
        share: [RecordKind: KindGrant], reviewDays: Int?, accept: [RecordKind: Set<String>], lookups: LookupGrant, aggregates: Bool,
        askLookups: Bool = false
    ) {
        self.share = share
        self.reviewDays = reviewDays
        self.accept = accept
        self.lookups = lookups
        self.askLookups = askLookups
        self.aggregates = aggregates
    }
}

extension SharingPolicy {
    /// What a projection depends on (kinds, audiences, groups, review days, accepted groups),
    /// as one stable line: when it changes, every record the peer holds or may now receive is
    /// projected for it again.
    public var projectionDigest: String {
        var parts: [String] = ["review-days=\(reviewDays.map(String.init) ?? "-")"]
        for kind in RecordKind.allCases {
            if let grant = share[kind] {
                parts.append("share \(kind.rawValue) to \(grant.audience.map(\.rawValue).joined(separator: ",")): \(grant.groups.sorted().joined(separator: ","))")
            }
            if let accepted = accept[kind] {
                parts.append("accept \(kind.rawValue): \(accepted.sorted().joined(separator: ","))")
            }
        }
        return parts.joined(separator: "; ")
    }
}

/// Why a group is in or out of a projection, for `vve policy explain`.
public struct GroupDecision: Sendable, Hashable {
    public var group: String
    public var included: Bool
    public var reason: String
}

/// What a peer receives for one record: the projected document, or nothing, and why.
public struct Projection: Sendable {
    /// The JSON the peer receives; nil when it receives nothing.
    public var document: JSONValue?
    /// Why the record goes to the peer or not.
    public var reason: String
    /// Each group of the kind, in or out.
    public var groups: [GroupDecision]
}

/// The one function that decides what a peer receives for a record. Every path that sends a
/// record to a peer (sync, `vve policy explain`) goes through it.
public enum PolicyProjection {
    /// Projects `record` for the peer `peer` (of `role`) under `policy`. People become match
    /// keys under `encoder` unless `identity` is granted. With `replica`, the projection also
    /// carries the record's registers for the members sent, which is what sync sends.
    public static func project(
        _ record: CaseRecord, replica: ReplicatedRecord? = nil, to peer: AuthorityName, role: PeerRole, policy: SharingPolicy,
        encoder: MatchKeyEncoder, today: CalendarDate
    ) -> Projection {
        project(ProjectionSource(record), stored: replica.map { .registers($0) }, to: peer, role: role, policy: policy, encoder: encoder, today: today)
    }

    /// `project` of a record as the store reads it for sync (`ProjectionSource.stored`), with
    /// its replica state as the store keeps it: an implicit one (no registers kept) needs no
    /// registers built to be sent as fields and a version.
    public static func project(
        _ record: ProjectionSource, stored: StoredReplica?, to peer: AuthorityName, role: PeerRole, policy: SharingPolicy,
        encoder: MatchKeyEncoder, today: CalendarDate
    ) -> Projection {
        let kind = record.kind
        var undecided: [GroupDecision] { kind.fieldGroups.map { GroupDecision(group: $0.name, included: false, reason: "the record is not sent") } }
        guard let grant = policy.share[kind], let reviewDays = policy.reviewDays else {
            return Projection(
                document: nil, reason: "\(kind.rawValue) records are not shared with \(peer): its peer file does not grant the kind (deny by default)",
                groups: undecided)
        }
        guard let fields = record.fields else {
            return Projection(document: nil, reason: "the record is erased; its tombstone reaches former holders through sync", groups: undecided)
        }
        let facts = AudienceFacts(kind: kind, fields: fields)
        guard let rule = grant.audience.first(where: { $0.admits(peer, role: role, facts: facts) }) else {
            return Projection(
                document: nil,
                reason: "\(peer) is not in this record's audience: "
                    + grant.audience.map { audienceMiss($0, peer: peer, role: role, kind: kind, facts: facts) }.joined(separator: "; "),
                groups: undecided)
        }
        let decisions = kind.fieldGroups.map { group in
            let granted = grant.groups.contains(group.name)
            return GroupDecision(group: group.name, included: granted, reason: granted ? group.grantedReason : group.withheldReason)
        }
        let identity = grant.groups.contains("identity")
        let sends = { (member: String) in kind.sends(member, groups: grant.groups) }
        // A replica no edit has touched since the owner wrote the record (most of a first
        // sync) is every field written by the owner at the record's version: the fields and
        // the version say it all, and the holder rebuilds the registers from them.
        let implicit: Bool
        switch stored {
        case nil: implicit = false
        case .implicit?: implicit = true
        case .registers(let replica)?:
            implicit =
                replica.erasure == nil
                && replica.registers.values.allSatisfy { $0.writes.count == 1 && $0.writes[0].writer == record.owner && $0.writes[0].version == record.version }
        }
        var replica: ReplicatedRecord?
        if case .registers(let registers)? = stored, !implicit { replica = registers }
        var projected = JSONObject()
        if replica == nil {
            for (member, value) in fields where sends(member) {
                projected[member] = outgoing(member, value, kind: kind, identity: identity, encoder: encoder)
            }
        }
        // The registers, when given: the same members, each write's value projected the
        // same way, so a holder merges exactly what it may see. The review date is the
        // copy's own and travels in the envelope.
        var registers: JSONValue?
        if let replica {
            var members: [(String, JSONValue)] = []
            for (name, register) in replica.registers.sorted(by: { $0.key < $1.key }) {
                let member = name.hasPrefix("fields.") ? String(name.dropFirst("fields.".count)) : nil
                guard (name == "status" && grant.groups.contains("status")) || member.map(sends) == true else { continue }
                members.append((name, .array(register.writes.map { write in
                    var projectedWrite = write
                    if let member { projectedWrite.value = outgoing(member, write.value, kind: kind, identity: identity, encoder: encoder) }
                    return projectedWrite.jsonValue
                })))
            }
            registers = .object(JSONObject(members))
        }
        let accepted = policy.accept[kind] ?? []
        let writable = decisions.filter { $0.included && accepted.contains($0.group) && $0.group != "identity" }.map(\.group)
        let copyReview = min(record.reviewDate, today.adding(days: reviewDays))
        let document = JSONValue.compactObject([
            ("id", record.id.jsonValue),
            ("kind", kind.jsonValue),
            ("owner", record.owner.jsonValue),
            ("createdAt", record.createdAt.jsonValue),
            ("updatedAt", record.updatedAt.jsonValue),
            ("version", record.version.jsonValue),
            ("reviewDate", copyReview.jsonValue),
            // `Optional.none`, not `nil`: JSONValue takes a bare nil literal as JSON null.
            ("status", grant.groups.contains("status") ? record.status.jsonValue : Optional<JSONValue>.none),
            ("groups", .array(decisions.filter(\.included).map { .string($0.group) })),
            // What the owner accepts back: the holder refuses its own edits outside these,
            // instead of sending writes that would stop every later batch of its at the owner.
            ("writable", writable.isEmpty ? Optional<JSONValue>.none : .array(writable.map { .string($0) })),
            // With registers, the holder derives the fields from them; sending both would
            // double every batch and compute each person's match keys twice.
            ("fields", registers == nil ? .object(projected) : Optional<JSONValue>.none),
            ("implicit", implicit ? .bool(true) : Optional<JSONValue>.none),
            ("registers", registers),
        ])
        return Projection(document: document, reason: "sent: \(peer) is admitted by the audience rule `\(rule.rawValue)`", groups: decisions)
    }

    /// The `fields` members a peer granted `groups` receives: the groups' members, and the
    /// record's person always (as match keys unless `identity` is granted).
    static func sentMembers(of kind: RecordKind, groups: Set<String>) -> Set<String> {
        var members = Set(kind.fieldGroups.filter { groups.contains($0.name) }.flatMap(\.members))
        if let person = kind.personMember { members.insert(person) }
        return members
    }

    /// Whether a member's projected value depends on the `identity` grant (people sent as
    /// match keys or by name): the owner alone writes such a member, and a holder takes the
    /// owner's register for it whole, so a narrowed grant leaves no name behind.
    public static func dependsOnIdentity(_ member: String, of kind: RecordKind) -> Bool {
        member == kind.personMember || (kind == .countyLinesLink && member == "linkedPeople")
    }

    /// A member's value as the peer receives it: people become their match keys unless
    /// identity is granted. A person that cannot be read becomes null: never a guess, never
    /// the plaintext.
    static func outgoing(_ member: String, _ value: JSONValue, kind: RecordKind, identity: Bool, encoder: MatchKeyEncoder) -> JSONValue {
        guard !identity, value != .null else { return value }
        if member == kind.personMember { return keys(ofPerson: value, encoder) }
        if kind == .countyLinesLink, member == "linkedPeople" {
            return .array((value.arrayValue ?? []).map { linked in
                ["role": linked["role"] ?? .null, "person": keys(ofPerson: linked["person"] ?? .null, encoder)]
            })
        }
        return value
    }

    static func keys(ofPerson value: JSONValue, _ encoder: MatchKeyEncoder) -> JSONValue {
        var issues = IssueCollector()
        guard let person = Person.read(from: value, at: .root, issues: &issues) else { return .null }
        return ["matchKeys": encoder.keys(for: person).jsonValue]
    }

    static func audienceMiss(_ rule: AudienceRule, peer: AuthorityName, role: PeerRole, kind: RecordKind, facts: AudienceFacts) -> String {
        guard rule.kinds.contains(kind) else { return "`\(rule.rawValue)` does not apply" }
        return switch rule {
        case .police, .vru: "`\(rule.rawValue)` admits \(rule.rawValue) peers, and \(peer) is a \(role.rawValue) peer"
        case .originatingAuthority: "`originating-authority` is \(facts.originatingAuthority ?? "not given")"
        case .receivingAuthority: "`receiving-authority` is \(facts.receivingAuthority ?? "not given")"
        case .exportingArea: "`exporting-area` is \(facts.exportingArea ?? "not given")"
        case .importingAreas: "`importing-areas` are \(facts.importingAreas.joined(separator: ", "))"
        case .areasOfActivity: "`areas-of-activity` are \(facts.areasOfActivity.joined(separator: ", "))"
        case .all: "`all` admits every peer granted the kind"
        }
    }

    /// Checks a write a peer sends for a record of `kind`: the `fields` members and whether
    /// it changes the status. Returns why it is refused, or nil when every part is in a group
    /// this node accepts from the peer. A refused write is refused whole.
    public static func refusal(
        ofWriteTo kind: RecordKind, members: [String], changesStatus: Bool, from peer: AuthorityName, policy: SharingPolicy
    ) -> String? {
        let accepted = policy.accept[kind] ?? []
        var problems: [String] = []
        for member in members.sorted() {
            let group: String?
            if member == kind.personMember {
                group = "identity"
            } else {
                group = kind.fieldGroups.first { $0.members.contains(member) }?.name
            }
            guard let group else {
                problems.append("`fields.\(member)` (not a \(kind.rawValue) field)")
                continue
            }
            if !accepted.contains(group) { problems.append("`fields.\(member)` (group \(group))") }
        }
        if changesStatus, !accepted.contains("status") { problems.append("the status (group status)") }
        guard !problems.isEmpty else { return nil }
        let acceptedText = accepted.isEmpty ? "nothing" : accepted.sorted().joined(separator: ", ")
        return "\(peer) may not write " + problems.joined(separator: ", ") + " of a \(kind.rawValue); this node accepts \(acceptedText) from it"
    }
}
