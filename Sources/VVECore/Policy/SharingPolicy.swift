/// What one kind of record a peer receives: which records (the audience) and which parts.
package struct KindGrant: Sendable, Hashable {
    /// A record goes to the peer when any rule admits it.
    package var audience: [AudienceRule]
    /// The field groups the peer receives.
    package var groups: Set<String>

    package init(audience: [AudienceRule], groups: Set<String>) {
        self.audience = audience
        self.groups = groups
    }
}

/// What this node shares with one peer and takes from it. Everything not named is denied.
package struct SharingPolicy: Sendable, Hashable {
    /// The kinds the peer receives.
    package var share: [RecordKind: KindGrant]
    /// Days a shared copy may be kept before review: a copy's review date is the record's,
    /// or today plus this, whichever is sooner. Required when anything is shared.
    package var reviewDays: Int?
    /// The field groups the peer may write, per kind; only groups it receives.
    package var accept: [RecordKind: Set<String>]
    /// Whether this node answers the peer's lookups.
    package var lookups: LookupGrant
    /// Whether this node sends its own lookups to the peer (`ask-lookups:`): the peer's file
    /// at the other end decides whether it answers.
    package var askLookups: Bool
    /// Which measures of the federated view this node answers for the peer.
    package var aggregates: AggregateGrant
    /// Which of its analysts' aggregate queries this node sends to the peer
    /// (`ask-aggregates:`): yes for every measure, no, or a list, such as the missing-episode
    /// measures alone for a police force. The peer's file at the other end decides what it
    /// answers.
    package var askAggregates: AggregateGrant

    /// Nothing shared, nothing accepted, nothing answered.
    package static let denyAll = SharingPolicy(share: [:], reviewDays: nil, accept: [:], lookups: false, aggregates: false)

    package init(
        share: [RecordKind: KindGrant], reviewDays: Int?, accept: [RecordKind: Set<String>], lookups: LookupGrant, aggregates: AggregateGrant,
        askLookups: Bool = false, askAggregates: AggregateGrant = .none
    ) {
        self.share = share
        self.reviewDays = reviewDays
        self.accept = accept
        self.lookups = lookups
        self.askLookups = askLookups
        self.aggregates = aggregates
        self.askAggregates = askAggregates
    }
}

extension SharingPolicy {
    /// What a projection depends on (kinds, audiences, groups, review days, accepted groups),
    /// as one stable line: when it changes, every record the peer holds or may now receive is
    /// projected for it again.
    package var projectionDigest: String {
        var parts: [String] = ["review-days=\(reviewDays.map(String.init) ?? "-")"]
        for kind in RecordKind.allCases {
            if let grant = share[kind] {
                parts.append(
                    "share \(kind.rawValue) to \(grant.audience.map(\.rawValue).joined(separator: ",")): \(grant.groups.sorted().joined(separator: ","))"
                )
            }
            if let accepted = accept[kind] {
                parts.append("accept \(kind.rawValue): \(accepted.sorted().joined(separator: ","))")
            }
        }
        return parts.joined(separator: "; ")
    }
}

/// Why a group is in or out of a projection, for `vve policy explain`.
package struct GroupDecision: Sendable, Hashable {
    package var group: String
    package var included: Bool
    package var reason: String
}

/// What a peer receives for one record: the projected document, or nothing, and why.
package struct Projection: Sendable {
    /// The JSON the peer receives; nil when it receives nothing.
    package var document: JSONValue?
    /// Why the record goes to the peer or not.
    package var reason: String
    /// Each group of the kind, in or out.
    package var groups: [GroupDecision]
}

/// The one decision of what a peer receives for a record. Every path that sends a record to
/// a peer goes through it: `project` (`vve policy explain`, the demo) as a document, and
/// `encodedCopyItem` (sync) as the bytes of that document.
package enum PolicyProjection {
    /// Projects `record` for the peer `peer` (of `role`) under `policy`. People become match
    /// keys under `encoder` unless `identity` is granted. With `replica`, the projection also
    /// carries the record's registers for the members sent, which is what sync sends.
    package static func project(
        _ record: CaseRecord, replica: ReplicatedRecord? = nil, to peer: AuthorityName, role: PeerRole, policy: SharingPolicy,
        encoder: MatchKeyEncoder, today: CalendarDate
    ) -> Projection {
        project(
            ProjectionSource(record), stored: replica.map { .registers($0) }, to: peer, role: role, policy: policy, encoder: encoder, today: today)
    }

    /// `project` of a record as the store reads it for sync (`ProjectionSource.stored`), with
    /// its replica state as the store keeps it: an implicit one (no registers kept) needs no
    /// registers built to be sent as fields and a version.
    package static func project(
        _ record: ProjectionSource, stored: StoredReplica?, to peer: AuthorityName, role: PeerRole, policy: SharingPolicy,
        encoder: MatchKeyEncoder, today: CalendarDate
    ) -> Projection {
        let plan = ProjectionPlan(peer: peer, role: role, policy: policy, today: today)
        switch decide(record, stored: stored, plan: plan) {
        case .withheld(let reason):
            let undecided = record.kind.fieldGroups.map { GroupDecision(group: $0.name, included: false, reason: "the record is not sent") }
            return Projection(document: nil, reason: reason, groups: undecided)
        case .sent(let send):
            let decisions = record.kind.fieldGroups.map { group in
                let granted = send.plan.grant.groups.contains(group.name)
                return GroupDecision(group: group.name, included: granted, reason: granted ? group.grantedReason : group.withheldReason)
            }
            return Projection(
                document: send.document(of: record, encoder: encoder),
                reason: "sent: \(peer) is admitted by the audience rule `\(send.rule.rawValue)`",
                groups: decisions)
        }
    }

    /// The batch item `{"copy": DOCUMENT}` for `project`'s document, as canonical JSON, or nil
    /// when the record is not sent. A record sent as fields (most of a first sync) is written
    /// directly, byte for byte what `JSONWriter.canonicalBytes` gives for the document, without
    /// building it; a record sent with registers goes through `project`'s document.
    package static func encodedCopyItem(
        _ record: ProjectionSource, stored: StoredReplica?, plan: ProjectionPlan, encoder: MatchKeyEncoder
    ) -> [UInt8]? {
        guard case .sent(let send) = decide(record, stored: stored, plan: plan) else { return nil }
        guard send.replica == nil, let fields = record.fields else {
            return JSONWriter.canonicalBytes(["copy": send.document(of: record, encoder: encoder)])
        }
        let kind = record.kind
        let sent = send.plan
        var writer = CanonicalJSONWriter(capacity: 1536)
        writer.object { writer in
            writer.key("copy")
            // The members in name order, as `document(of:encoder:)` makes them.
            writer.object { writer in
                writer.member("createdAt", record.createdAt)
                writer.key("fields")
                writer.object { writer in
                    for (member, value) in fields where sent.members.contains(member) {
                        writer.key(text: member)
                        if member == kind.personMember, !sent.identity, value != .null {
                            if let key = sharedKey(ofPerson: value, encoder) {
                                key.writeCanonical(to: &writer)
                            } else {
                                writer.value(.null)
                            }
                        } else {
                            writer.value(outgoing(member, value, kind: kind, identity: sent.identity, encoder: encoder))
                        }
                    }
                }
                writer.member("groups", strings: sent.groups)
                writer.member("id", record.id)
                if send.implicit { writer.member("implicit", true) }
                writer.member("kind", kind)
                writer.member("owner", record.owner)
                writer.member("reviewDate", send.reviewDate)
                if sent.status { writer.member("status", record.status) }
                writer.member("updatedAt", record.updatedAt)
                writer.member("version", record.version)
                writer.member("writable", strings: sent.writable)
            }
        }
        return writer.bytes
    }

    /// Why a record is not sent to a peer, or what is sent: the one decision `project` and
    /// `encodedCopyItem` share.
    private enum Decision {
        case withheld(reason: String)
        case sent(Send)
    }

    /// A record a peer receives, before its document is made.
    private struct Send {
        /// The audience rule that admits the peer.
        let rule: AudienceRule
        /// What the peer receives of the record's kind.
        let plan: ProjectionPlan.KindPlan
        /// The copy's review date: the record's, or today plus the policy's days if sooner.
        let reviewDate: CalendarDate
        /// Whether the record is sent as fields and one version, every field the owner's.
        let implicit: Bool
        /// The registers to send, when the record is not sent as fields.
        let replica: ReplicatedRecord?

        /// The projected document.
        func document(of record: ProjectionSource, encoder: MatchKeyEncoder) -> JSONValue {
            let kind = record.kind
            let identity = plan.identity
            var projected = JSONObject()
            if replica == nil, let fields = record.fields {
                for (member, value) in fields where plan.members.contains(member) {
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
                    guard (name == "status" && plan.status) || member.map(plan.members.contains) == true else { continue }
                    members.append(
                        (
                            name,
                            .array(
                                register.writes.map { write in
                                    var projectedWrite = write
                                    if let member {
                                        projectedWrite.value = outgoing(member, write.value, kind: kind, identity: identity, encoder: encoder)
                                    }
                                    return projectedWrite.jsonValue
                                })
                        ))
                }
                registers = .object(JSONObject(members))
            }
            return JSONValue.compactObject([
                ("id", record.id.jsonValue),
                ("kind", kind.jsonValue),
                ("owner", record.owner.jsonValue),
                ("createdAt", record.createdAt.jsonValue),
                ("updatedAt", record.updatedAt.jsonValue),
                ("version", record.version.jsonValue),
                ("reviewDate", reviewDate.jsonValue),
                // `Optional.none`, not `nil`: JSONValue takes a bare nil literal as JSON null.
                ("status", plan.status ? record.status.jsonValue : Optional<JSONValue>.none),
                ("groups", .array(plan.groups.map { .string($0) })),
                // What the owner accepts back: the holder refuses its own edits outside these,
                // instead of sending writes that would stop every later batch of its at the owner.
                ("writable", plan.writable.isEmpty ? Optional<JSONValue>.none : .array(plan.writable.map { .string($0) })),
                // With registers, the holder derives the fields from them; sending both would
                // double every batch and compute each person's match keys twice.
                ("fields", registers == nil ? .object(projected) : Optional<JSONValue>.none),
                ("implicit", implicit ? .bool(true) : Optional<JSONValue>.none),
                ("registers", registers),
            ])
        }
    }

    private static func decide(_ record: ProjectionSource, stored: StoredReplica?, plan: ProjectionPlan) -> Decision {
        let kind = record.kind
        let peer = plan.peer
        guard let sent = plan.kinds[kind] else {
            return .withheld(reason: "\(kind.rawValue) records are not shared with \(peer): its peer file does not grant the kind (deny by default)")
        }
        guard let fields = record.fields else {
            return .withheld(reason: "the record is erased; its tombstone reaches former holders through sync")
        }
        let facts = AudienceFacts(kind: kind, fields: fields)
        guard let rule = sent.grant.audience.first(where: { $0.admits(peer, role: plan.role, facts: facts) }) else {
            return .withheld(
                reason: "\(peer) is not in this record's audience: "
                    + sent.grant.audience.map { audienceMiss($0, peer: peer, role: plan.role, kind: kind, facts: facts) }.joined(separator: "; "))
        }
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
                && replica.registers.values.allSatisfy {
                    $0.writes.count == 1 && $0.writes[0].writer == record.owner && $0.writes[0].version == record.version
                }
        }
        var replica: ReplicatedRecord?
        if case .registers(let registers)? = stored, !implicit { replica = registers }
        return .sent(Send(rule: rule, plan: sent, reviewDate: min(record.reviewDate, sent.latestReviewDate), implicit: implicit, replica: replica))
    }

    /// The `fields` members a peer granted `groups` receives: the groups' members, and the
    /// record's person always (as its exact key unless `identity` is granted).
    static func sentMembers(of kind: RecordKind, groups: Set<String>) -> Set<String> {
        var members = Set(kind.fieldGroups.filter { groups.contains($0.name) }.flatMap(\.members))
        if let person = kind.personMember { members.insert(person) }
        return members
    }

    /// Whether a member's projected value depends on the `identity` grant (people sent as
    /// match keys or by name): the owner alone writes such a member, and a holder takes the
    /// owner's register for it whole, so a narrowed grant leaves no name behind.
    package static func dependsOnIdentity(_ member: String, of kind: RecordKind) -> Bool {
        member == kind.personMember || (kind == .countyLinesLink && member == "linkedPeople")
    }

    /// A member's value as the peer receives it: people become their exact keys
    /// (`SharedPersonKey`) unless identity is granted. A person that cannot be read becomes
    /// null: never a guess, never the plaintext.
    static func outgoing(_ member: String, _ value: JSONValue, kind: RecordKind, identity: Bool, encoder: MatchKeyEncoder) -> JSONValue {
        guard !identity, value != .null else { return value }
        if member == kind.personMember { return keys(ofPerson: value, encoder) }
        if kind == .countyLinesLink, member == "linkedPeople" {
            return .array(
                (value.arrayValue ?? []).map { linked in
                    ["role": linked["role"] ?? .null, "person": keys(ofPerson: linked["person"] ?? .null, encoder)]
                })
        }
        return value
    }

    static func keys(ofPerson value: JSONValue, _ encoder: MatchKeyEncoder) -> JSONValue {
        sharedKey(ofPerson: value, encoder)?.jsonValue ?? .null
    }

    /// A person as a copy without `identity` holds it; nil when the person cannot be read.
    static func sharedKey(ofPerson value: JSONValue, _ encoder: MatchKeyEncoder) -> SharedPersonKey? {
        var issues = IssueCollector()
        return Person.read(from: value, at: .root, issues: &issues).map { SharedPersonKey(exact: encoder.exactKey(for: $0)) }
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
        case .homeAuthority: "`home-authority` is \(facts.homeAuthority ?? "not given")"
        case .hostArea: "`host-area` is \(facts.hostArea ?? "not given")"
        case .foundIn: "`found-in` is \(facts.foundIn ?? "not given")"
        case .all: "`all` admits every peer granted the kind"
        }
    }

    /// Checks a write a peer sends for a record of `kind`: the `fields` members and whether
    /// it changes the status. Returns why it is refused, or nil when every part is in a group
    /// this node accepts from the peer. A refused write is refused whole.
    package static func refusal(
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

/// What a policy sends one peer of each kind, worked out once: sync asks it for every record
/// of a batch (`PolicyProjection.encodedCopyItem`), so nothing that depends only on the
/// policy is worked out again for each record.
package struct ProjectionPlan: Sendable {
    /// The peer the records go to.
    package let peer: AuthorityName
    /// The peer's role, which audience rules may name.
    package let role: PeerRole
    /// What the peer receives of each kind; nil for a kind the policy does not share.
    let kinds: KindTable<KindPlan?>

    /// What the peer receives of one kind.
    struct KindPlan: Sendable {
        let grant: KindGrant
        /// The `fields` members sent (`PolicyProjection.sentMembers`).
        let members: Set<String>
        /// The granted groups, in the kind's order.
        let groups: [String]
        /// The granted groups the owner accepts edits of, identity never, in the kind's order.
        let writable: [String]
        /// Whether people go by name (`identity` granted) rather than as match keys.
        let identity: Bool
        /// Whether the status is sent.
        let status: Bool
        /// The latest review date a copy may have: today plus the policy's review days.
        let latestReviewDate: CalendarDate
    }

    /// The plan for `peer` (of `role`) under `policy`, on `today`.
    package init(peer: AuthorityName, role: PeerRole, policy: SharingPolicy, today: CalendarDate) {
        self.peer = peer
        self.role = role
        kinds = KindTable { kind in
            guard let grant = policy.share[kind], let reviewDays = policy.reviewDays else { return nil }
            let accepted = policy.accept[kind] ?? []
            let groups = kind.fieldGroups.map(\.name).filter(grant.groups.contains)
            return KindPlan(
                grant: grant, members: PolicyProjection.sentMembers(of: kind, groups: grant.groups), groups: groups,
                writable: groups.filter { accepted.contains($0) && $0 != "identity" }, identity: grant.groups.contains("identity"),
                status: grant.groups.contains("status"), latestReviewDate: today.adding(days: reviewDays))
        }
    }
}
