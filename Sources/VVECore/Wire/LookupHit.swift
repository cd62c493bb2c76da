/// How sure a hit is.
package enum MatchLabel: String, Sendable, CaseIterable, JSONEnumeration {
    /// The exact key agreed: same normalised names and full date of birth.
    case match
    /// The fuzzy encodings scored at least the `possible` threshold: confirm through the SPOC.
    case possible
}

/// One record that matched, as the answering peer reports it: never the case itself.
package struct LookupHit: Sendable, Hashable {
    /// The record's kind.
    package var kind: RecordKind
    /// The authority that owns the record (the answering node, or the owner of a copy it holds).
    package var owner: AuthorityName
    /// `match` or `possible`.
    package var label: MatchLabel
    /// The Dice score of the best-matching names, 0 to 1, three decimals; 1 for an exact key.
    package var score: Double
    /// Why it matched. A peer from before reasons were sent gives none.
    package var reason: MatchReason?
    /// Shown only when the answering node's policy shares the risk level of this kind with
    /// the asking peer, and only for its own records.
    package var riskLevel: RiskLevel?
    /// Shown under the same rule as the risk level, for the `status` group.
    package var status: RecordStatus?
    /// Whom to call, on one line.
    package var contact: String?
    /// What to quote when calling: the record's id, which the owner and holders all know.
    package var reference: RecordID

    /// A hit; the score is kept to three decimals, as it travels.
    package init(
        kind: RecordKind, owner: AuthorityName, label: MatchLabel, score: Double, reason: MatchReason?, riskLevel: RiskLevel?,
        status: RecordStatus?, contact: String?, reference: RecordID
    ) {
        self.kind = kind
        self.owner = owner
        self.label = label
        self.score = (score * 1000).rounded() / 1000
        self.reason = reason
        self.riskLevel = riskLevel
        self.status = status
        self.contact = contact
        self.reference = reference
    }

    /// The hit as an answer carries it; the score as text with three decimals.
    package var jsonValue: JSONValue {
        .compactObject([
            ("kind", kind.jsonValue),
            ("owner", owner.jsonValue),
            ("label", .string(label.rawValue)),
            ("score", .string(Self.format(score))),
            ("reason", reason?.jsonValue),
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
    package static func format(_ score: Double) -> String {
        let thousandths = Int((score * 1000).rounded())
        let fraction = String(thousandths % 1000)
        return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// Reads what `jsonValue` writes, recording each problem.
    package static func read(from value: JSONValue, at path: FieldPath, issues: inout IssueCollector) -> LookupHit? {
        guard var reader = ObjectReader(value, at: path, issues: &issues) else { return nil }
        let before = issues.issues.count
        let kind = reader.required("kind", as: RecordKind.self, hint: "the record kind", issues: &issues)
        let owner = reader.required("owner", as: AuthorityName.self, hint: "the owning authority", issues: &issues)
        let label = reader.required("label", as: MatchLabel.self, hint: "match or possible", issues: &issues)
        let score = readScore(&reader, at: path, issues: &issues)
        let reason = reader.optional("reason", as: MatchReason.self, issues: &issues)
        let risk = reader.optional("riskLevel", as: RiskLevel.self, issues: &issues)
        let status = reader.optional("status", as: RecordStatus.self, issues: &issues)
        let contact = reader.optionalText("contact", limit: TextLimit.label, issues: &issues)
        let reference = reader.required("reference", as: RecordID.self, hint: "the record's id", issues: &issues)
        reader.finish(issues: &issues)
        // A hit names a record by its owner's id: one its owner did not make is a peer
        // attributing a record to an authority that never wrote it.
        // The reason must fit the label: only the same names and date of birth make a `match`.
        if let label, let reason, (label == .match) != (reason == .sameNameAndDate) {
            issues.add(
                path.appending("reason"), value["reason"],
                "does not fit the label \(label.rawValue): only \(MatchReason.sameNameAndDate.rawValue) makes a match")
        }
        if let owner, let reference, !reference.isMade(by: owner) {
            issues.add(path.appending("reference"), value["reference"], "is not an id \(owner) made; a hit names a record by its owner's id")
        }
        guard issues.issues.count == before, let kind, let owner, let label, let score, let reference else { return nil }
        return LookupHit(
            kind: kind, owner: owner, label: label, score: score, reason: reason, riskLevel: risk, status: status, contact: contact,
            reference: reference)
    }
}

extension LookupHit: JSONFieldValue {}
