/// A peer's answer to one lookup.
package struct LookupAnswer: Sendable, Hashable {
    /// The node that answered.
    package var authority: AuthorityName
    /// The lookup answered, as the query named it.
    package var lookupID: String
    /// Every matching record, exact matches first, then by score.
    package var hits: [LookupHit]

    /// The most hits one answer carries: more would list a register, not find a person.
    package static let maximumHits = 20

    /// The answer of `authority` to one lookup.
    package init(authority: AuthorityName, lookupID: String, hits: [LookupHit]) {
        self.authority = authority
        self.lookupID = lookupID
        self.hits = hits
    }

    /// The answer as `POST /v1/lookup` returns it.
    package var jsonValue: JSONValue {
        ["authority": authority.jsonValue, "lookupId": .string(lookupID), "hits": .array(hits.map(\.jsonValue))]
    }

    /// Reads an answer; the asking node refuses one that answers another lookup.
    package static func read(_ value: JSONValue, expecting lookupID: String) throws(ValidationError) -> LookupAnswer {
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
