import VVEConfig
import VVECore
import VVENet
import VVEStore
import VVESync

/// What `vve report` and the demo's VRU do with their queries: admit them against the
/// analyst's daily limit, send each to every peer at once, and audit each report here, with
/// the peers asked and what each released.
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
            let report = await AggregateFanOut.ask(query, peers: peers.map(\.name), transport: transport, timeout: timeout, rules: rules)
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
