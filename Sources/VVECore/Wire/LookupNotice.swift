/// A holder telling a record's owner that its copy of the record matched a peer's lookup,
/// so the owner learns of every lookup that found its record, wherever it was held.
package struct LookupNotice: Sendable, Hashable {
    /// The holder's sequence number: the owner skips numbers it has seen, so a notice sent
    /// again after a lost answer is audited once.
    package var sequence: Int64
    /// The owner's record the copy is of.
    package var recordID: RecordID
    /// When the lookup was answered.
    package var time: Timestamp
    /// The peer that asked.
    package var asker: AuthorityName
    /// The lookup, as its asker named it.
    package var lookupID: String
    /// How the copy matched.
    package var label: MatchLabel
    /// The hit's score.
    package var score: Double
    /// Why the copy matched: the hit's reason. A holder from before reasons were sent gives none.
    package var matchReason: MatchReason?
    /// The asker's reason, as its query gave it.
    package var reason: String

    /// A notice of one hit on a copy.
    package init(
        sequence: Int64, recordID: RecordID, time: Timestamp, asker: AuthorityName, lookupID: String, label: MatchLabel, score: Double,
        matchReason: MatchReason?, reason: String
    ) {
        self.sequence = sequence
        self.recordID = recordID
        self.time = time
        self.asker = asker
        self.lookupID = lookupID
        self.label = label
        self.score = score
        self.matchReason = matchReason
        self.reason = reason
    }

    /// The notice as `POST /v1/lookup-notices` carries it.
    package var jsonValue: JSONValue {
        .compactObject([
            ("sequence", .integer(sequence)), ("recordId", recordID.jsonValue), ("at", .string(time.description)), ("asker", asker.jsonValue),
            ("lookupId", .string(lookupID)), ("label", .string(label.rawValue)), ("score", .string(LookupHit.format(score))),
            ("matchReason", matchReason?.jsonValue), ("reason", .string(reason)),
        ])
    }

    /// The most notices one request carries.
    package static let maximumPerRequest = 500

    /// Reads `{"notices": [...]}`, refusing it whole if any notice is malformed.
    package static func readAll(_ value: JSONValue) throws(ValidationError) -> [LookupNotice] {
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
    package static func read(from value: JSONValue, at path: FieldPath, issues: inout IssueCollector) -> LookupNotice? {
        guard var reader = ObjectReader(value, at: path, issues: &issues) else { return nil }
        let before = issues.issues.count
        var sequence: Int64?
        if case .integer(let number)? = reader.raw("sequence"), number > 0 {
            sequence = number
        } else {
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
        let matchReason = reader.optional("matchReason", as: MatchReason.self, issues: &issues)
        let reason = reader.requiredText("reason", limit: 500, hint: "the asker's reason", issues: &issues)
        reader.finish(issues: &issues)
        guard issues.issues.count == before, let sequence, let recordID, let time, let asker, let lookupID, let label, let score, let reason else {
            return nil
        }
        return LookupNotice(
            sequence: sequence, recordID: recordID, time: time, asker: asker, lookupID: lookupID, label: label, score: score,
            matchReason: matchReason,
            reason: reason)
    }
}
