import Logging
import Metrics
import ServiceLifecycle
import VVECore
import VVEStore

/// Answers peers' lookups: the store's match entries (refreshed first, so a record written a
/// moment ago is found), blocked through an in-memory `MatchIndex`, confirmed and audited in
/// the store in one transaction.
package actor LookupResponder {
    let store: CaseStore
    let encoder: MatchKeyEncoder
    let configuration: LookupConfiguration
    let logger: Logger
    private var index: MatchIndex
    private var loadedThrough: Int64 = 0
    /// Entries the index holds that the store has removed since it was built.
    private var deadEntries = 0

    /// Where a lookup refused before any matching is audited: aggregated per peer and reason
    /// when given, so a peer repeating a refused lookup cannot flood the audit log; else each
    /// in full.
    let refusals: (any RefusalAuditor)?

    /// A responder over `store`; its index is built at the first catch-up.
    package init(
        store: CaseStore, encoder: MatchKeyEncoder, configuration: LookupConfiguration, refusals: (any RefusalAuditor)? = nil, logger: Logger
    ) {
        self.store = store
        self.encoder = encoder
        self.configuration = configuration
        self.refusals = refusals
        self.logger = logger
        index = MatchIndex(for: encoder)
    }

    /// Audits a lookup refused before any matching: through `refusals`, or at once in full.
    private func audit(refusal event: AuditEvent, of asker: String, reason: String) throws {
        if let refusals {
            refusals.refuse(event, source: asker, reason: reason)
        } else {
            try store.audit([event])
        }
    }

    /// Brings the store's match entries and then the in-memory index up to date. Returns how
    /// many records and copies were indexed again.
    @discardableResult
    package func catchUp() throws -> Int {
        var indexed = 0
        var restarted = false
        while true {
            let refresh = try store.refreshMatchEntries(encoder: encoder)
            indexed += refresh.indexed
            deadEntries += refresh.removed
            restarted = restarted || refresh.restarted
            if !refresh.more { break }
        }
        // Entries of changed records are replaced, so the index keeps dead ones; hits are
        // confirmed against the store, and past a quarter dead the index starts over. (A
        // count of the store's entries would cost a scan of the table on every lookup.)
        if restarted || deadEntries > max(1000, index.count / 4) {
            index = MatchIndex(for: encoder, blocking: index.blocking)
            loadedThrough = 0
            deadEntries = 0
        }
        while true {
            let entries = try store.matchEntries(after: loadedThrough, limit: 10_000)
            for entry in entries {
                index.insert(id: entry.id, fuzzy: entry.fuzzy, traits: entry.traits, isAlias: entry.isAlias)
            }
            guard let last = entries.last else { break }
            loadedThrough = last.id
        }
        return indexed
    }

    /// Answers one lookup from `peer`, as its file's policy allows, and counts its outcome in
    /// the node's metrics.
    package func answer(
        _ query: LookupQuery, from peer: AuthorityName, role: PeerRole, policy: SharingPolicy, at time: Timestamp
    ) throws -> LookupReply {
        let reply = try reply(to: query, from: peer, role: role, policy: policy, at: time)
        let outcome =
            switch reply {
            case .answered(let answer): answer.hits.isEmpty ? "no-hit" : "hit"
            case .refused(.tooManyRequests, _): "over-limit"
            case .refused: "refused"
            }
        Counter(label: MetricName.lookupsAnswered, dimensions: [("peer", "\(peer)"), ("outcome", outcome)]).increment()
        return reply
    }

    private func reply(
        to query: LookupQuery, from peer: AuthorityName, role: PeerRole, policy: SharingPolicy, at time: Timestamp
    ) throws -> LookupReply {
        let asker = "peer:\(peer)"
        let detail = Self.describe(query, from: peer)
        guard policy.lookups.answers(role: role) else {
            let reason =
                policy.lookups == .police
                ? "this node answers lookups from \(peer) only while its role is police, and Peers/\(peer).yaml says \(role.rawValue)"
                : "this node does not answer lookups from \(peer): Peers/\(peer).yaml says `lookups: no`"
            try audit(
                refusal: AuditEvent(
                    time: time, actor: asker, action: .refuse, justification: query.reason.text, detail: "\(detail); refused: \(reason)"),
                of: asker, reason: "lookup not granted")
            return .refused(.forbidden, reason)
        }
        // Over its limit, a lookup is refused before any matching, so a flood of them costs
        // no index work.
        if let refusal = try store.lookupRefusal(names: query.variants.count, from: asker, limits: configuration.limits, at: time) {
            try audit(
                refusal: AuditEvent(
                    time: time, actor: asker, action: .refuse, justification: query.reason.text, detail: "\(detail); refused: \(refusal)"),
                of: asker, reason: "lookup over its limit")
            if refusals == nil {
                logger.warning("lookup refused: over its limit", metadata: ["peer.name": "\(peer)", "lookup.id": "\(query.lookupID)"])
            }
            return .refused(.tooManyRequests, refusal)
        }
        try catchUp()
        // Each entry's best finding over the query's names: the better band, then score.
        var findings: [Int64: MatchRules.Finding] = [:]
        for variant in query.variants {
            let found = index.matches(of: variant.keys.fuzzy, isAlias: variant.isAlias, rules: configuration.rules)
            for match in found.matches {
                if let current = findings[match.id],
                    (current.reason.band, -current.score) <= (match.finding.reason.band, -match.finding.score)
                {
                    continue
                }
                findings[match.id] = match.finding
            }
        }
        let admission = try store.answerLookup(
            exactKeys: query.variants.compactMap { variant in variant.keys.exact.map { ($0, variant.isAlias) } }, fuzzyFindings: findings,
            names: query.variants.count, from: peer,
            lookupID: query.lookupID, limits: configuration.limits,
            justification: query.reason.text, detail: detail, maximumHits: LookupAnswer.maximumHits, at: time)
        switch admission {
        case .refused(let reason):
            logger.warning("lookup refused: over its limit", metadata: ["peer.name": "\(peer)", "lookup.id": "\(query.lookupID)"])
            return .refused(.tooManyRequests, reason)
        case .answered(let subjects):
            let hits = subjects.map { subject -> LookupHit in
                let shown =
                    subject.source == .own && subject.fields != nil
                    ? LookupPeople.disclosure(of: subject.kind, fields: subject.fields!, to: peer, role: role, under: policy)
                    : (riskLevel: false, status: false)
                return LookupHit(
                    kind: subject.kind, owner: subject.owner, label: subject.label, score: subject.score, reason: subject.reason,
                    riskLevel: shown.riskLevel ? subject.riskLevel : nil, status: shown.status ? subject.status : nil,
                    contact: subject.contact.map(Self.line) ?? configuration.contact, reference: subject.recordID)
            }
            logger.info("lookup answered", metadata: ["peer.name": "\(peer)", "lookup.id": "\(query.lookupID)", "lookup.hits": "\(hits.count)"])
            return .answered(LookupAnswer(authority: store.node, lookupID: query.lookupID, hits: hits))
        }
    }

    /// The query as the audit log keeps it: ids and keys, never a name.
    static func describe(_ query: LookupQuery, from peer: AuthorityName) -> String {
        var text = "lookup \(query.lookupID) from \(peer)"
        if let reference = query.caseReference { text += ", case \(reference)" }
        return text + "; keys: " + query.variants.map(\.auditText).joined(separator: " | ")
    }

    /// A contact on one line: "Name (Role, Organisation), phone, email".
    static func line(_ contact: Contact) -> String {
        var text = contact.name
        let about = [contact.role, contact.organisation].compactMap { $0 }
        if !about.isEmpty { text += " (" + about.joined(separator: ", ") + ")" }
        for way in [contact.phone?.description, contact.email?.description].compactMap({ $0 }) { text += ", " + way }
        return text
    }
}
