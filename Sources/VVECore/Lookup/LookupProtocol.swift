/// A cross-border lookup as it crosses the wire: the asking node sends match keys, a reason
/// and references, never a name; the answering node sends, per matching record, who holds it
/// and whom to call, never the case.

extension MatchKeys {
    /// Reads `{"exact": HEX?, "fuzzy": HEX}` as `jsonValue` writes it.
    public static func read(from value: JSONValue, at path: FieldPath, issues: inout IssueCollector) -> MatchKeys? {
        guard var reader = ObjectReader(value, at: path, issues: &issues) else { return nil }
        var exact: [UInt8]?
        if let text = reader.raw("exact") {
            if let hex = text.stringValue, hex.utf8.count == 64, let bytes = Hex.decode(hex) {
                exact = bytes
            } else {
                issues.add(path.appending("exact"), text, "must be 64 lowercase hex digits (HMAC-SHA256)")
            }
        }
        var fuzzy: FuzzyEncoding?
        if let text = reader.raw("fuzzy") {
            fuzzy = text.stringValue.flatMap(FuzzyEncoding.init(hex:))
            if fuzzy == nil { issues.add(path.appending("fuzzy"), text, "must be \(FuzzyEncoding.encodedBits / 4) lowercase hex digits") }
        } else {
            issues.add(path.appending("fuzzy"), nil, "is required: the fuzzy encoding")
        }
        reader.finish(issues: &issues)
        guard let fuzzy else { return nil }
        return MatchKeys(exact: exact, fuzzy: fuzzy)
    }
}

/// The match keys of one name a person is known by.
public struct NameKeys: Sendable, Hashable {
    /// The name's exact key and fuzzy encoding.
    public var keys: MatchKeys
    /// Whether the name is an alias. Aliases (street names above all) are shared by many
    /// people, so one counts only when its encoding is identical: the same alias and the
    /// same date-of-birth parts. A hit through an alias is never labelled `match`.
    public var isAlias: Bool

    /// Keys of one name, and whether it is an alias.
    public init(keys: MatchKeys, isAlias: Bool) {
        self.keys = keys
        self.isAlias = isAlias
    }

    /// The keys as audit logs keep them at both ends: `[alias ]exact HEX|none fuzzy HEX`.
    public var auditText: String {
        (isAlias ? "alias " : "") + "exact " + (keys.exact.map { Hex.encode($0) } ?? "none") + " fuzzy " + keys.fuzzy.hex
    }

    /// `{"exact": HEX?, "fuzzy": HEX, "alias": true?}`.
    public var jsonValue: JSONValue {
        var object = keys.jsonValue.objectValue ?? JSONObject()
        if isAlias { object["alias"] = .bool(true) }
        return .object(object)
    }

    /// Reads what `jsonValue` writes, recording each problem.
    public static func read(from value: JSONValue, at path: FieldPath, issues: inout IssueCollector) -> NameKeys? {
        var isAlias = false
        var members = value.objectValue ?? JSONObject()
        if let flag = members["alias"] {
            guard case .bool(let alias) = flag else {
                issues.add(path.appending("alias"), flag, "must be true or false")
                return nil
            }
            isAlias = alias
            members["alias"] = nil
        }
        guard let keys = MatchKeys.read(from: value.objectValue == nil ? value : .object(members), at: path, issues: &issues) else { return nil }
        return NameKeys(keys: keys, isAlias: isAlias)
    }
}

extension Person {
    /// The keys of every name this person is matched by, the person's own name first.
    public func lookupKeys(_ encoder: MatchKeyEncoder) -> [NameKeys] {
        let hasName = surname != nil || forenames != nil
        return lookupVariants.enumerated().map { index, variant in
            NameKeys(keys: encoder.keys(for: variant), isAlias: !(hasName && index == 0))
        }
    }

    /// The names this person is matched by: the person, then each alias with the person's
    /// date of birth. An alias of two or more words reads as forename and surname (its first
    /// and last word); a single word as a surname, as street names usually are. Aliases count
    /// only with a full date of birth: many people share a street name, and an alias with
    /// less than a full date matched strangers in the quality test.
    public var lookupVariants: [Person] {
        var variants: [Person] = []
        if surname != nil || forenames != nil { variants.append(Person(forenames: forenames, surname: surname, dateOfBirth: dateOfBirth)) }
        guard dateOfBirth?.calendarDate != nil || variants.isEmpty else { return variants }
        for alias in aliases {
            let words = alias.split(whereSeparator: { $0.isWhitespace }).map(String.init)
            guard let last = words.last else { continue }
            variants.append(Person(forenames: words.count > 1 ? words[0] : nil, surname: last, dateOfBirth: dateOfBirth))
        }
        return variants
    }
}

/// A lookup as the answering peer receives it.
public struct LookupQuery: Sendable, Hashable {
    /// The most name variants one query carries: the person and their aliases.
    public static let maximumVariants = 1 + Person.maximumAliases

    /// The id the asking node gives the lookup: both audit logs carry it, so the two sides
    /// can find the same lookup when the SPOCs talk.
    public var lookupID: String
    /// Match keys of each name the person is known by.
    public var variants: [NameKeys]
    /// Why the officer asks, as the asking node's audit log has it.
    public var reason: Justification
    /// The asking force's case reference, if given.
    public var caseReference: String?

    /// A query for the person whose names `variants` are.
    public init(lookupID: String, variants: [NameKeys], reason: Justification, caseReference: String?) {
        self.lookupID = lookupID
        self.variants = variants
        self.reason = reason
        self.caseReference = caseReference
    }

    /// Checks a lookup id: 8 to 64 lowercase letters, digits and hyphens.
    public static func isValidLookupID(_ text: String) -> Bool {
        (8...64).contains(text.utf8.count) && text.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
    }

    /// Reads a `lookupId` member, recording a problem when it is absent or malformed.
    static func readLookupID(_ reader: inout ObjectReader, at path: FieldPath, issues: inout IssueCollector) -> String? {
        let raw = reader.raw("lookupId")
        guard let text = raw?.stringValue, isValidLookupID(text) else {
            issues.add(path.appending("lookupId"), raw, "must be 8-64 lowercase letters, digits and hyphens")
            return nil
        }
        return text
    }

    /// Checks a case reference: 1 to 64 printable characters on one line.
    public static func caseReferenceRule(_ text: String) -> String? {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty, trimmed.count <= 64,
            !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return "must be 1-64 printable characters on one line, such as CAD-4471/26" }
        return nil
    }

    /// The query as `POST /v1/lookup` carries it.
    public var jsonValue: JSONValue {
        .compactObject([
            ("lookupId", .string(lookupID)),
            ("variants", .array(variants.map(\.jsonValue))),
            ("reason", .string(reason.text)),
            ("caseReference", caseReference.map(JSONValue.string)),
        ])
    }

    /// Reads a query, naming every problem.
    public static func read(_ value: JSONValue) throws(ValidationError) -> LookupQuery {
        var issues = IssueCollector()
        guard var reader = ObjectReader(value, at: .root, issues: &issues) else { throw ValidationError(issues: issues.issues) }
        let lookupID = readLookupID(&reader, at: .root, issues: &issues)
        var variants: [NameKeys] = []
        if let list = reader.raw("variants")?.arrayValue {
            if list.isEmpty || list.count > maximumVariants {
                issues.add(FieldPath(text: "variants"), nil, "must hold 1-\(maximumVariants) sets of match keys, one per name")
            } else {
                for (index, element) in list.enumerated() {
                    if let keys = NameKeys.read(from: element, at: FieldPath(text: "variants").appending(index: index), issues: &issues) {
                        variants.append(keys)
                    }
                }
            }
        } else {
            issues.add(FieldPath(text: "variants"), nil, "is required: an array of match keys, one per name")
        }
        var reason: Justification?
        if let text = reader.raw("reason")?.stringValue {
            do { reason = try Justification(text) } catch { for issue in error.issues { issues.add(issue) } }
        } else {
            issues.add(FieldPath(text: "reason"), nil, "is required: why the lookup is made")
        }
        var caseReference: String?
        if let raw = reader.raw("caseReference") {
            if let text = raw.stringValue, caseReferenceRule(text) == nil {
                caseReference = text.trimmingWhitespace()
            } else {
                issues.add(FieldPath(text: "caseReference"), raw, caseReferenceRule(raw.stringValue ?? "") ?? "must be text")
            }
        }
        reader.finish(issues: &issues)
        try issues.throwIfAny()
        return LookupQuery(lookupID: lookupID!, variants: variants, reason: reason!, caseReference: caseReference)
    }
}

/// How sure a hit is.
public enum MatchLabel: String, Sendable, CaseIterable, JSONEnumeration {
    /// The exact key agreed: same normalised names and full date of birth.
    case match
    /// The fuzzy encodings scored at least the `possible` threshold: confirm through the SPOC.
    case possible
}

/// One record that matched, as the answering peer reports it: never the case itself.
public struct LookupHit: Sendable, Hashable {
    /// The record's kind.
    public var kind: RecordKind
    /// The authority that owns the record (the answering node, or the owner of a copy it holds).
    public var owner: AuthorityName
    /// `match` or `possible`.
    public var label: MatchLabel
    /// The Dice score of the best-matching names, 0 to 1, three decimals; 1 for an exact key.
    public var score: Double
    /// Shown only when the answering node's policy shares the risk level of this kind with
    /// the asking peer, and only for its own records.
    public var riskLevel: RiskLevel?
    /// Shown under the same rule as the risk level, for the `status` group.
    public var status: RecordStatus?
    /// Whom to call, on one line.
    public var contact: String?
    /// What to quote when calling: the record's id, which the owner and holders all know.
    public var reference: RecordID

    /// A hit; the score is kept to three decimals, as it travels.
    public init(
        kind: RecordKind, owner: AuthorityName, label: MatchLabel, score: Double, riskLevel: RiskLevel?, status: RecordStatus?, contact: String?,
        reference: RecordID
    ) {
        self.kind = kind
        self.owner = owner
        self.label = label
        self.score = (score * 1000).rounded() / 1000
        self.riskLevel = riskLevel
        self.status = status
        self.contact = contact
        self.reference = reference
    }

    /// The hit as an answer carries it; the score as text with three decimals.
    public var jsonValue: JSONValue {
        .compactObject([
            ("kind", kind.jsonValue),
            ("owner", owner.jsonValue),
            ("label", .string(label.rawValue)),
            ("score", .string(Self.format(score))),
            ("riskLevel", riskLevel?.jsonValue),
            ("status", status?.jsonValue),
            ("contact", contact.map(JSONValue.string)),
            ("reference", reference.jsonValue),
        ])
    }

    /// Reads a `score` member as `format` writes it, recording a problem otherwise.
    static func readScore(_ reader: inout ObjectReader, at path: FieldPath, issues: inout IssueCollector) -> Double? {
        let raw = reader.raw("score")
        guard let score = raw?.stringValue.flatMap(Double.init), (0...1).contains(score) else {
            issues.add(path.appending("score"), raw, "must be a decimal from 0 to 1, as text")
            return nil
        }
        return score
    }

    /// A score as three decimals: JSON numbers here are integers, so scores travel as text.
    public static func format(_ score: Double) -> String {
        let thousandths = Int((score * 1000).rounded())
        let fraction = String(thousandths % 1000)
        return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// Reads what `jsonValue` writes, recording each problem.
    public static func read(from value: JSONValue, at path: FieldPath, issues: inout IssueCollector) -> LookupHit? {
        guard var reader = ObjectReader(value, at: path, issues: &issues) else { return nil }
        let before = issues.issues.count
        let kind = reader.required("kind", as: RecordKind.self, hint: "the record kind", issues: &issues)
        let owner = reader.required("owner", as: AuthorityName.self, hint: "the owning authority", issues: &issues)
        let label = reader.required("label", as: MatchLabel.self, hint: "match or possible", issues: &issues)
        let score = readScore(&reader, at: path, issues: &issues)
        let risk = reader.optional("riskLevel", as: RiskLevel.self, issues: &issues)
        let status = reader.optional("status", as: RecordStatus.self, issues: &issues)
        let contact = reader.optionalText("contact", limit: TextLimit.label, issues: &issues)
        let reference = reader.required("reference", as: RecordID.self, hint: "the record's id", issues: &issues)
        reader.finish(issues: &issues)
        guard issues.issues.count == before, let kind, let owner, let label, let score, let reference else { return nil }
        return LookupHit(kind: kind, owner: owner, label: label, score: score, riskLevel: risk, status: status, contact: contact, reference: reference)
    }
}

/// A peer's answer to one lookup.
public struct LookupAnswer: Sendable, Hashable {
    /// The node that answered.
    public var authority: AuthorityName
    /// The lookup answered, as the query named it.
    public var lookupID: String
    /// Every matching record, exact matches first, then by score.
    public var hits: [LookupHit]

    /// The most hits one answer carries: more would list a register, not find a person.
    public static let maximumHits = 20

    /// The answer of `authority` to one lookup.
    public init(authority: AuthorityName, lookupID: String, hits: [LookupHit]) {
        self.authority = authority
        self.lookupID = lookupID
        self.hits = hits
    }

    /// The answer as `POST /v1/lookup` returns it.
    public var jsonValue: JSONValue {
        ["authority": authority.jsonValue, "lookupId": .string(lookupID), "hits": .array(hits.map(\.jsonValue))]
    }

    /// Reads an answer; the asking node refuses one that answers another lookup.
    public static func read(_ value: JSONValue, expecting lookupID: String) throws(ValidationError) -> LookupAnswer {
        var issues = IssueCollector()
        guard var reader = ObjectReader(value, at: .root, issues: &issues) else { throw ValidationError(issues: issues.issues) }
        let authority = reader.required("authority", as: AuthorityName.self, hint: "the answering node", issues: &issues)
        let answered = reader.raw("lookupId")
        if answered?.stringValue != lookupID {
            issues.add(FieldPath(text: "lookupId"), answered, "must be \(lookupID), the lookup asked")
        }
        let hits = reader.list("hits", as: LookupHit.self, maximum: maximumHits, issues: &issues)
        reader.finish(issues: &issues)
        try issues.throwIfAny()
        return LookupAnswer(authority: authority!, lookupID: lookupID, hits: hits)
    }
}

extension LookupHit: JSONFieldValue {}

/// Whether, and to whom, this node answers a peer's lookups (`lookups:` in the peer file).
public enum LookupGrant: String, Sendable, Hashable, CaseIterable, ExpressibleByBooleanLiteral {
    case no
    case yes
    /// Only while the peer's role is `police`: a borough's file saying `police` never answers
    /// that borough, even if its role is changed by mistake later.
    case police

    /// `true` is `yes`, `false` is `no`.
    public init(booleanLiteral value: Bool) {
        self = value ? .yes : .no
    }

    /// Whether a peer of `role` is answered.
    public func answers(role: PeerRole) -> Bool {
        switch self {
        case .no: false
        case .yes: true
        case .police: role == .police
        }
    }
}

/// How many lookups one asker may make: per minute against bursts, per day against slowly
/// walking a register.
public struct LookupLimits: Sendable, Hashable {
    /// Lookups in any 60 seconds.
    public var perMinute: Int
    /// Lookups in any 24 hours.
    public var perDay: Int

    /// Limits per minute and per day.
    public init(perMinute: Int, perDay: Int) {
        self.perMinute = perMinute
        self.perDay = perDay
    }

    /// What a node answers one asking peer by default: 30 a minute, 1,000 a day.
    public static let peerDefault = LookupLimits(perMinute: 30, perDay: 1000)
    /// What one officer may ask by default: 10 a minute, 200 a day.
    public static let operatorDefault = LookupLimits(perMinute: 10, perDay: 200)

    /// Why one more lookup is refused, given how many were made in the last minute and day;
    /// nil when it may go ahead.
    public func refusal(lastMinute: Int, lastDay: Int, asker: String) -> String? {
        if lastMinute >= perMinute { return "\(asker) has made \(lastMinute) lookups in the last minute; the limit is \(perMinute) a minute. Wait a minute" }
        if lastDay >= perDay { return "\(asker) has made \(lastDay) lookups in the last 24 hours; the limit is \(perDay) a day. Ask the node's admin if this is needed" }
        return nil
    }
}

/// What one asked peer gave back.
public enum PeerLookupResult: Sendable, Hashable {
    case answered(LookupAnswer)
    /// The peer answered but would not search: its policy, or a rate limit. Not a miss.
    case refused(String)
    /// Nothing usable in time: unreachable, a certificate problem, a timeout, a malformed
    /// answer. Never counted as a miss.
    case noAnswer(String)
}

/// A lookup's results across the peers asked, and what they add up to.
public struct LookupReport: Sendable, Hashable {
    /// How a lookup ended, as its exit status says.
    public enum Outcome: String, Sendable {
        /// Every peer asked answered, and at least one has a hit. Exit 0.
        case hits
        /// Every peer asked answered, none with a hit. Exit 1.
        case noHits = "no-hits"
        /// At least one peer gave no answer or refused: a miss cannot be concluded. Exit 2.
        case incomplete
    }

    /// The lookup reported.
    public var lookupID: String
    /// Each peer asked, by name.
    public var results: [(peer: AuthorityName, result: PeerLookupResult)]

    /// A report of `results`, sorted by peer name.
    public init(lookupID: String, results: [(peer: AuthorityName, result: PeerLookupResult)]) {
        self.lookupID = lookupID
        self.results = results.sorted { $0.peer < $1.peer }
    }

    /// Whether a miss can be concluded, and whether anything was found.
    public var outcome: Outcome {
        var hits = false
        for (_, result) in results {
            switch result {
            case .answered(let answer): hits = hits || !answer.hits.isEmpty
            case .refused, .noAnswer: return .incomplete
            }
        }
        return hits ? .hits : .noHits
    }

    /// The process exit status for `outcome`.
    public var exitCode: Int32 {
        switch outcome {
        case .hits: 0
        case .noHits: 1
        case .incomplete: 2
        }
    }

    /// The stable `--json` form.
    public var jsonValue: JSONValue {
        .object(JSONObject([
            ("lookupId", .string(lookupID)),
            ("outcome", .string(outcome.rawValue)),
            ("peers", .array(results.map { peer, result in
                switch result {
                case .answered(let answer):
                    // Empty lists are omitted, as in every `--json` output.
                    .compactObject([
                        ("peer", peer.jsonValue), ("state", "answered"),
                        ("hits", answer.hits.isEmpty ? Optional<JSONValue>.none : .array(answer.hits.map(\.jsonValue))),
                    ])
                case .refused(let reason):
                    ["peer": peer.jsonValue, "state": "refused", "reason": .string(reason)]
                case .noAnswer(let reason):
                    ["peer": peer.jsonValue, "state": "no-answer", "reason": .string(reason)]
                }
            })),
        ]))
    }

    /// Equal when the lookup and every peer's result are.
    public static func == (lhs: LookupReport, rhs: LookupReport) -> Bool {
        lhs.lookupID == rhs.lookupID && lhs.results.elementsEqual(rhs.results) { $0.peer == $1.peer && $0.result == $1.result }
    }

    /// Hashes what `==` compares.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(lookupID)
        for (peer, result) in results {
            hasher.combine(peer)
            hasher.combine(result)
        }
    }
}

/// A holder telling a record's owner that its copy of the record matched a peer's lookup,
/// so the owner learns of every lookup that found its record, wherever it was held.
public struct LookupNotice: Sendable, Hashable {
    /// The holder's sequence number: the owner skips numbers it has seen, so a notice sent
    /// again after a lost answer is audited once.
    public var sequence: Int64
    /// The owner's record the copy is of.
    public var recordID: RecordID
    /// When the lookup was answered.
    public var time: Timestamp
    /// The peer that asked.
    public var asker: AuthorityName
    /// The lookup, as its asker named it.
    public var lookupID: String
    /// How the copy matched.
    public var label: MatchLabel
    /// The hit's score.
    public var score: Double
    /// The asker's reason, as its query gave it.
    public var reason: String

    /// A notice of one hit on a copy.
    public init(sequence: Int64, recordID: RecordID, time: Timestamp, asker: AuthorityName, lookupID: String, label: MatchLabel, score: Double, reason: String) {
        self.sequence = sequence
        self.recordID = recordID
        self.time = time
        self.asker = asker
        self.lookupID = lookupID
        self.label = label
        self.score = score
        self.reason = reason
    }

    /// The notice as `POST /v1/lookup-notices` carries it.
    public var jsonValue: JSONValue {
        [
            "sequence": .integer(sequence), "recordId": recordID.jsonValue, "at": .string(time.description), "asker": asker.jsonValue,
            "lookupId": .string(lookupID), "label": .string(label.rawValue), "score": .string(LookupHit.format(score)), "reason": .string(reason),
        ]
    }

    /// The most notices one request carries.
    public static let maximumPerRequest = 500

    /// Reads `{"notices": [...]}`, refusing it whole if any notice is malformed.
    public static func readAll(_ value: JSONValue) throws(ValidationError) -> [LookupNotice] {
        var issues = IssueCollector()
        guard var reader = ObjectReader(value, at: .root, issues: &issues) else { throw ValidationError(issues: issues.issues) }
        let notices = reader.list("notices", as: LookupNotice.self, minimum: 1, maximum: maximumPerRequest, hint: "the notices", issues: &issues)
        reader.finish(issues: &issues)
        try issues.throwIfAny()
        return notices
    }
}

extension LookupNotice: JSONFieldValue {
    /// Reads what `jsonValue` writes, recording each problem.
    public static func read(from value: JSONValue, at path: FieldPath, issues: inout IssueCollector) -> LookupNotice? {
        guard var reader = ObjectReader(value, at: path, issues: &issues) else { return nil }
        let before = issues.issues.count
        var sequence: Int64?
        if case .integer(let number)? = reader.raw("sequence"), number > 0 { sequence = number } else {
            issues.add(path.appending("sequence"), nil, "must be a whole number from 1")
        }
        let recordID = reader.required("recordId", as: RecordID.self, hint: "the owner's record", issues: &issues)
        let at = reader.raw("at")
        let time = at?.stringValue.flatMap(Timestamp.init)
        if time == nil { issues.add(path.appending("at"), at, "must be a time such as 2026-11-26T10:00:00.000Z") }
        let asker = reader.required("asker", as: AuthorityName.self, hint: "the peer that asked", issues: &issues)
        let lookupID = LookupQuery.readLookupID(&reader, at: path, issues: &issues)
        let label = reader.required("label", as: MatchLabel.self, hint: "match or possible", issues: &issues)
        let score = LookupHit.readScore(&reader, at: path, issues: &issues)
        let reason = reader.requiredText("reason", limit: 500, hint: "the asker's reason", issues: &issues)
        reader.finish(issues: &issues)
        guard issues.issues.count == before, let sequence, let recordID, let time, let asker, let lookupID, let label, let score, let reason else {
            return nil
        }
        return LookupNotice(
            sequence: sequence, recordID: recordID, time: time, asker: asker, lookupID: lookupID, label: label, score: score, reason: reason)
    }
}
