// A cross-border lookup as it crosses the wire: the asking node sends match keys, a reason
// and references, never a name; the answering node sends, per matching record, who holds it
// and whom to call, never the case. docs/protocol.md describes the exchange.

/// A lookup as the answering peer receives it.
package struct LookupQuery: Sendable, Hashable {
    /// The most name variants one query carries: the person and their aliases.
    package static let maximumVariants = 1 + maximumAliases
    /// The most aliases one lookup names. Each is matched as a name of its own, so many
    /// aliases would test many people at once under one lookup.
    package static let maximumAliases = 5

    /// The id the asking node gives the lookup: both audit logs carry it, so the two sides
    /// can find the same lookup when the SPOCs talk.
    package var lookupID: String
    /// Match keys of each name the person is known by.
    package var variants: [NameKeys]
    /// Why the officer asks, as the asking node's audit log has it.
    package var reason: Justification
    /// The asking force's case reference, if given.
    package var caseReference: String?
    /// The match-key scheme the variants were made under (`MatchKeyEncoder.schemeVersion`).
    /// A node compares keys only under its own scheme: under another, equal people would
    /// give different keys, and a miss would look like an answer.
    package var keyScheme: Int

    /// A query for the person whose names `variants` are.
    package init(
        lookupID: String, variants: [NameKeys], reason: Justification, caseReference: String?, keyScheme: Int = MatchKeyEncoder.schemeVersion
    ) {
        self.lookupID = lookupID
        self.variants = variants
        self.reason = reason
        self.caseReference = caseReference
        self.keyScheme = keyScheme
    }

    /// Checks a lookup id: 8 to 64 lowercase letters, digits and hyphens.
    package static func isValidLookupID(_ text: String) -> Bool {
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
    package static func caseReferenceRule(_ text: String) -> String? {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty, trimmed.count <= 64,
            !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return "must be 1-64 printable characters on one line, such as CAD-4471/26" }
        return nil
    }

    /// The query as `POST /v1/lookup` carries it.
    package var jsonValue: JSONValue {
        .compactObject([
            ("lookupId", .string(lookupID)),
            ("variants", .array(variants.map(\.jsonValue))),
            ("reason", .string(reason.text)),
            ("caseReference", caseReference.map(JSONValue.string)),
            ("keyScheme", .integer(Int64(keyScheme))),
        ])
    }

    /// Reads a query, naming every problem.
    package static func read(_ value: JSONValue) throws(ValidationError) -> LookupQuery {
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
        // A node from before the scheme was named sends none: it computed scheme 1, which the
        // known-answer vectors pin to what it did.
        var keyScheme = 1
        if let raw = reader.raw("keyScheme") {
            if case .integer(let value) = raw, value == Int64(MatchKeyEncoder.schemeVersion) {
                keyScheme = Int(value)
            } else {
                issues.add(
                    FieldPath(text: "keyScheme"), raw,
                    "is not this node's match-key scheme, \(MatchKeyEncoder.schemeVersion): under another scheme the same person gives other keys, so a miss would mean nothing; the two nodes must run vve versions with the same scheme"
                )
            }
        } else if MatchKeyEncoder.schemeVersion != 1 {
            issues.add(
                FieldPath(text: "keyScheme"), nil,
                "is missing, so the keys are of scheme 1, and this node computes scheme \(MatchKeyEncoder.schemeVersion); the asking node must be upgraded"
            )
        }
        reader.finish(issues: &issues)
        try issues.throwIfAny()
        return LookupQuery(lookupID: lookupID!, variants: variants, reason: reason!, caseReference: caseReference, keyScheme: keyScheme)
    }
}
