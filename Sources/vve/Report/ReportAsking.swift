import VVEConfig
import VVECore
import VVENet
import VVEStore
import VVESync

/// What `vve report` and the demo's VRU do with their queries: admit them against the
/// analyst's daily limit, send each at once to every peer whose file says to ask it that
/// measure (`ask-aggregates:`), and audit each report here, with the peers asked and what
/// each released.
enum ReportAsking {
    static func ask(
        _ queries: [AggregateQuery], peers: [PeerConfiguration], identity: NodeIdentity, store: CaseStore, limits: AggregateLimits,
        rules: DisclosureRules, timeout: Duration, at time: Timestamp
    ) async throws -> [AggregateReport] {
        guard let first = queries.first else { return [] }
        let tables = queries.map(\.tableDefinitions.count).reduce(0, +)
        if let refusal = try store.admitAskedAggregate(first, tables: tables, limits: limits, at: time) {
            throw CommandFailure("report refused: \(refusal)", status: .rateLimited)
        }
        let transport = NetworkAggregateTransport(registry: PeerRegistry(PeerDirectory(peers: peers, problems: [])), identity: identity)
        var reports: [AggregateReport] = []
        for query in queries {
            let asked = peers.filter { $0.policy.askAggregates.grants(query.measure) }.map(\.name)
            let report = await AggregateFanOut.ask(query, peers: asked, transport: transport, timeout: timeout, rules: rules)
            try store.audit([
                AuditEvent(
                    time: time, actor: query.analyst.rawValue, action: .aggregate, justification: query.purpose.text,
                    detail: ReportAudit.detail(report))
            ])
            reports.append(report)
        }
        return reports
    }
}
