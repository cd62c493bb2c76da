import ArgumentParser
import Foundation
import VVEConfig
import VVECore
import VVENet
import VVEStore
import VVESync

/// `vve report`: the federated view for VRU analysts. Every peer this node asks counts its
/// own records, protects the counts and sends only the protected tables; this node combines
/// them into the region's.
struct ReportCommand: AsyncAuditedCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Ask every borough for a measure of the federated view, protected where the data is, and combine it.",
        discussion: """
            MEASURE is one of \(Measure.names), or `pack`: every measure, the counted ones for the last eight \
            quarters, the VRU board's quarterly pack. The query goes to every peer whose file says \
            `ask-aggregates: yes` or lists the measure; each answers as its own file for this node allows. The pack \
            holds the measures some peer is asked. Counts from 1 to a node's \
            threshold never leave it, and the rest are rounded (docs/guide/reports.md). Both sides audit the query.

            Examples:
              vve report relocations \\
                --purpose "quarterly review of relocations for the VRU board" \\
                --quarter 2026Q3 --dir ~/vve/vru
              vve report pack --purpose "VRU board quarterly pack" --html pack.html \\
                --csv pack.csv --dir ~/vve/vru

            Exit codes: 0 every peer answered; 2 some peer refused or gave no answer, so its cells are missing; 64 bad \
            usage; 74 a file cannot be written; 75 over your daily limit of tables; 78 no peer to ask.
            """)

    @Argument(help: ArgumentHelp("The measure, or `pack`.", valueName: "MEASURE"))
    var what: String

    @Option(help: ArgumentHelp("The latest quarter (default: the latest that may be reported).", valueName: "YYYYQN"))
    var quarter: String?

    @Option(help: "How many quarters, ending with --quarter (1-\(AggregateQuery.maximumQuarters); default \(AggregateQuery.maximumQuarters)).")
    var quarters: Int?

    @Option(name: .customLong("table"), help: ArgumentHelp("Only this table of the measure (repeatable).", valueName: "NAME"))
    var tables: [String] = []

    @Option(help: "Why you ask: at least three words, sent with the query and kept in every audit log.")
    var purpose: String?

    @Option(help: "Seconds to wait for each peer (1-120).")
    var timeout = 30

    @Flag(help: "Count this node's own records as it would answer a peer, asking no one: what this node releases.")
    var local = false

    @Flag(help: "Print the report as JSON instead of tables.")
    var json = false

    @Option(help: ArgumentHelp("Also write the cells as CSV, one row per cell (`-` for standard output).", valueName: "FILE"))
    var csv: String?

    @Option(help: ArgumentHelp("Also write a standalone HTML page with charts.", valueName: "FILE"))
    var html: String?

    @OptionGroup var operatorOption: OperatorOption
    @OptionGroup var location: NodeLocation

    func checkOptions() throws {
        _ = try measures()
        _ = try justification(purpose, option: "purpose")
        if let quarter, Quarter(quarter) == nil { throw CommandFailure("--quarter \"\(quarter)\" \(Quarter.rule)", status: .usage) }
        if let quarters {
            guard (1...AggregateQuery.maximumQuarters).contains(quarters) else {
                throw CommandFailure("--quarters must be 1-\(AggregateQuery.maximumQuarters)", status: .usage)
            }
            if what == "pack" { throw CommandFailure("--quarters chooses a measure's span; the pack always holds the last eight", status: .usage) }
            if what == Measure.knownInSeveralAreas.rawValue {
                throw CommandFailure("--quarters: \(what) counts the records held today, not quarters", status: .usage)
            }
        }
        guard (1...120).contains(timeout) else { throw CommandFailure("--timeout must be 1-120 seconds", status: .usage) }
        if quarter != nil, what == Measure.knownInSeveralAreas.rawValue {
            throw CommandFailure("--quarter: \(what) counts the records held today, not quarters", status: .usage)
        }
        if local && (what == "pack" || what == Measure.knownInSeveralAreas.rawValue) {
            throw CommandFailure("--local counts one measure of this node's own records; \(what) is asked of other nodes", status: .usage)
        }
        if local, let measure = Measure(rawValue: what), let derived = measure.tables.first(where: { $0.isDerived && tables.contains($0.name) }) {
            throw CommandFailure(
                "--local counts this node's own tables; \(derived.name) joins what several authorities send, so it is asked of other nodes",
                status: .usage)
        }
        if json && csv == "-" { throw CommandFailure("--json and --csv - both write to standard output; choose one", status: .usage) }
    }

    /// The measures asked: one, or every one the pack holds.
    private func measures() throws -> [Measure] {
        if what == "pack" {
            guard tables.isEmpty else { throw CommandFailure("--table chooses tables of one measure; the pack holds every table", status: .usage) }
            return Measure.allCases
        }
        guard let measure = Measure(rawValue: what) else {
            throw CommandFailure("\"\(what)\" is not a measure; the measures are \(Measure.names), or pack", status: .usage)
        }
        if !tables.isEmpty, let rule = AggregateQuery.tablesRule(tables, of: measure) {
            throw CommandFailure("--table \(rule)", status: .usage)
        }
        return [measure]
    }

    func execute(on node: OpenedNode, context: OperationContext) async throws {
        let purpose = try justification(purpose, option: "purpose")
        let configuration = node.configuration
        let today = context.time.calendarDate
        let latest = Quarter.latestReportable(on: today, lagDays: configuration.reportLagDays)
        let last = quarter.flatMap(Quarter.init) ?? latest
        guard last <= latest else {
            throw CommandFailure(
                "--quarter \(last) cannot be reported yet: a quarter is reported once it has been closed \(configuration.reportLagDays) days; the latest now is \(latest)",
                status: .usage)
        }
        if local {
            return try emit(try localReports(node, last: last, context: context, purpose: purpose), at: context.time, node: configuration.name)
        }
        let directory = PeerDirectory.load(location.peersFolder, localNode: configuration.name)
        let peers = directory.peers.filter(\.policy.askAggregates.grantsAny)
        let asked = try measures().filter { measure in peers.contains { $0.policy.askAggregates.grants(measure) } }
        guard !asked.isEmpty else {
            let what = what == "pack" ? "aggregate queries" : "\(what) queries"
            throw CommandFailure(
                "no peer takes this node's \(what): add `ask-aggregates: yes`, or a list of the measures to ask, to the file in \(location.peersFolder) of each authority whose agreement covers them",
                status: .configError)
        }
        let queries = asked.map { measure in
            AggregateQuery(
                queryID: UUID().uuidString.lowercased(), measure: measure, quarter: last,
                quarterCount: measure.isCountedByQuarter ? quarters ?? AggregateQuery.maximumQuarters : 1, tables: tables.isEmpty ? nil : tables,
                analyst: context.actor, purpose: purpose)
        }
        let identity = try NodeIdentity.load(configuration, directory: location.directory)
        let reports = try await ReportAsking.ask(
            queries, peers: peers, identity: identity, store: node.store, limits: configuration.analystAggregateLimits,
            rules: configuration.disclosure, timeout: .seconds(timeout), at: context.time)
        try emit(reports, at: context.time, node: configuration.name)
    }

    /// The measure counted from this node's own records, protected by its own rules and
    /// audited here, as a report of one authority: every table the node counts, unless some
    /// are chosen, and none the asking node derives from several authorities' tokens.
    private func localReports(_ node: OpenedNode, last: Quarter, context: OperationContext, purpose: Justification) throws -> [AggregateReport] {
        let configuration = node.configuration
        return try measures().map { measure in
            let query = AggregateQuery(
                queryID: UUID().uuidString.lowercased(), measure: measure, quarter: last, quarterCount: quarters ?? AggregateQuery.maximumQuarters,
                tables: tables.isEmpty ? measure.tables.filter { !$0.isDerived }.map(\.name) : tables, analyst: context.actor, purpose: purpose)
            let kept = try node.store.keptCounts(for: query, at: context.time)
            let answer = AggregateResponder.protect(
                query, kept, authority: configuration.name, rules: configuration.disclosure, lagDays: configuration.reportLagDays,
                seriesBreaks: configuration.seriesBreaks[measure] ?? [])
            try node.store.audit([
                AuditEvent(
                    time: context.time, actor: context.actor.rawValue, action: .aggregate, justification: purpose.text,
                    detail: "aggregate \(query.queryID) counted here for analyst \(query.analyst): \(AggregateResponder.released(answer))")
            ])
            return AggregateReport(query: query, results: [(configuration.name, .answered(answer))], rules: configuration.disclosure)
        }
    }

    /// Prints and writes the reports as the options ask, and exits 0 when complete, else 2.
    private func emit(_ reports: [AggregateReport], at time: Timestamp, node: AuthorityName) throws {
        let pack = ReportPack(reports: reports, generatedAt: time, node: node)
        if let csv {
            let text = ReportCSV.render(reports)
            if csv == "-" { Output.text(text) } else { try write(text, to: csv) }
        }
        if let html { try write(ReportHTML.render(pack), to: html) }
        if json {
            Output.json(pack.jsonValue)
        } else if csv != "-" {
            Output.line(ReportTerminal.render(pack))
            for (path, kind) in [(csv, "CSV"), (html, "HTML")] { if let path, path != "-" { Output.line("\(kind) written to \(path)") } }
        }
        throw ExitCode(reports.allSatisfy { $0.outcome == .complete } ? 0 : 2)
    }

    private func write(_ text: String, to path: String) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CommandFailure("cannot write \(path): \(error.localizedDescription)", status: .storeError)
        }
    }
}
