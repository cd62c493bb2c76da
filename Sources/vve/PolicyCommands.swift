import ArgumentParser
import Foundation
import VVEConfig
import VVECore
import VVENet
import VVEStore

/// `vve policy ...`: what this node shares with each peer, checked and explained.
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Check the sharing policies in Peers/*.yaml, show them as a matrix, and explain a record's projection.",
        discussion: "Nothing is shared without a policy: a kind, group or peer a peer file does not name gets nothing.",
        subcommands: [PolicyCheck.self, PolicyMatrix.self, PolicyExplain.self])
}

struct PolicyCheck: ReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Validate every peer file's policy; exit 78 naming each problem with file:line.",
        discussion: """
            Example:
              vve policy check --dir ~/vve/camden

            Exit codes: 0 every peer file is valid; 78 a peer file is refused (each problem named with file:line), or node.yaml is unusable.
            """)

    @OptionGroup var location: NodeLocation

    func execute() throws {
        let node = try location.configuration()
        let directory = PeerDirectory.load(location.peersFolder, localNode: node.name)
        for peer in directory.peers {
            Output.line("\(peer.name): " + PolicyPresentation.summary(peer.policy))
            if peer.policy.aggregates == .every {
                Output.note(
                    "warning: \(peer.name): `aggregates: yes` answers every measure, those later versions add included; to grant today's alone, list them: aggregates: [\(Measure.names)]"
                )
            }
        }
        guard directory.problems.isEmpty else {
            throw CommandFailure(
                directory.problems.map(\.description).joined(separator: "\n")
                    + "\n\(directory.problems.count) peer file\(directory.problems.count == 1 ? " is" : "s are") refused; nothing is shared with \(directory.problems.count == 1 ? "that peer" : "those peers") until fixed",
                status: .configError)
        }
        if let problem = LookupContactRequirement.problem(node, peers: directory.peers, directory: location.directory) {
            throw CommandFailure(problem, status: .configError)
        }
        Output.line("\(directory.peers.count) peer file\(directory.peers.count == 1 ? "" : "s") valid.")
    }
}

struct PolicyMatrix: ReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "matrix", abstract: "Print the field groups each peer receives, kind by kind, and what it may write and ask.",
        discussion: """
            Example:
              vve policy matrix --dir ~/vve/camden
            """)

    @OptionGroup var location: NodeLocation

    func execute() throws {
        let node = try location.configuration()
        let directory = PeerDirectory.load(location.peersFolder, localNode: node.name)
        guard !directory.peers.isEmpty else {
            Output.line("No peers, so nothing is shared.")
            return
        }
        Output.line(PolicyPresentation.matrix(directory.peers))
        for problem in directory.problems { Output.note("refused peer file (shares nothing): \(problem)") }
    }
}

struct PolicyExplain: AuditedCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract:
            "Print what a peer is granted: without --record, its sharing, lookups and aggregate measures; with it, the exact JSON it would receive for that record and the rule behind each group. A record's read is audited.",
        discussion: """
            Examples:
              vve policy explain --peer haringey --dir ~/vve/camden
              vve policy explain --peer met-police \\
                --record 01a2158a-937e-71ee-9cc2-89ed4da76ab1 --dir ~/vve/camden

            Exit codes: 0 printed; 3 no peer of that name, or no record with that id.
            """
    )

    @Option(help: ArgumentHelp("The peer.", valueName: "NAME"))
    var peer: String

    @Option(help: ArgumentHelp("The record's id.", valueName: "ID"))
    var record: RecordID?

    @OptionGroup var location: NodeLocation
    @OptionGroup var operatorOption: OperatorOption

    func execute(on node: OpenedNode, context: OperationContext) throws {
        let files = try PeerFiles(location)
        let peerConfiguration = try files.load(try files.name(peer))
        guard let record else {
            Output.line(PolicyPresentation.grants(peerConfiguration))
            return
        }
        let key = try location.linkageKey(files.node)
        let store = node.store
        let stored = try store.record(id: record, context: context)
        let projection = PolicyProjection.project(
            stored, to: peerConfiguration.name, role: peerConfiguration.role, policy: peerConfiguration.policy,
            encoder: MatchKeyEncoder(key: key), today: Clock.today())
        Output.line(
            "Record \(stored.id) (\(stored.kind.rawValue)) for peer \(peerConfiguration.name) (\(peerConfiguration.role.rawValue)), under \(peerConfiguration.agreement.reference):"
        )
        Output.line("  " + (projection.document == nil ? "NOT SENT: " : "") + projection.reason)
        if projection.document != nil {
            var table = TextTable("GROUP", "SENT", "WHY")
            for decision in projection.groups {
                table.add(decision.group, decision.included ? "yes" : "no", decision.reason)
            }
            Output.line(table.rendered.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        }
        if let document = projection.document {
            Output.line("The JSON \(peerConfiguration.name) would receive:")
            Output.json(document)
        }
    }
}

/// How policies are shown.
enum PolicyPresentation {
    /// One line: what is shared, accepted and answered.
    static func summary(_ policy: SharingPolicy) -> String {
        guard
            !policy.share.isEmpty || policy.lookups != .no || policy.aggregates.grantsAny || policy.askLookups
                || policy.askAggregates.grantsAny
        else {
            return "shares nothing, accepts nothing, answers nothing"
        }
        var parts: [String] = []
        for kind in RecordKind.allCases {
            guard let grant = policy.share[kind] else { continue }
            let groups = kind.orderedGroupNames(grant.groups)
            parts.append("\(kind.rawValue) to \(grant.audience.map(\.rawValue).joined(separator: "|")): \(groups.joined(separator: ","))")
        }
        var line = parts.isEmpty ? "shares nothing" : "shares " + parts.joined(separator: "; ")
        if let days = policy.reviewDays { line += "; copies reviewed within \(days) days" }
        let accepted = RecordKind.allCases.compactMap { kind -> String? in
            guard let groups = policy.accept[kind], !groups.isEmpty else { return nil }
            return "\(kind.rawValue): \(kind.orderedGroupNames(groups).joined(separator: ","))"
        }
        line += accepted.isEmpty ? "; accepts no writes" : "; accepts " + accepted.joined(separator: "; ")
        line += "; lookups \(policy.lookups.rawValue); aggregates \(policy.aggregates.text)"
        if policy.askLookups { line += "; this node's lookups go to it" }
        switch policy.askAggregates {
        case .none: break
        case .every: line += "; this node's aggregate queries go to it"
        case .measures: line += "; this node's aggregate queries of \(policy.askAggregates.text) go to it"
        }
        return line
    }

    /// Everything a peer is granted, one line each: sharing, lookups and the aggregate
    /// measures with their tables.
    static func grants(_ peer: PeerConfiguration) -> String {
        let policy = peer.policy
        var lines = ["Peer \(peer.name) (\(peer.role.rawValue)), under \(peer.agreement.reference):", "  " + summary(policy)]
        let answered = Measure.allCases.filter(policy.aggregates.grants)
        switch policy.aggregates {
        case .none: lines.append("  aggregate measures answered: none (`aggregates: no`)")
        case .every: lines.append("  aggregate measures answered: every one, those later versions add included (`aggregates: yes`):")
        case .measures: lines.append("  aggregate measures answered (`aggregates: \(policy.aggregates.text)`):")
        }
        for measure in answered {
            lines.append("    \(measure.rawValue): " + measure.tables.map(\.name).joined(separator: ", "))
        }
        let refused = Measure.allCases.filter { !policy.aggregates.grants($0) }
        if !answered.isEmpty, !refused.isEmpty {
            lines.append("  not answered: " + refused.map(\.rawValue).joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }

    /// Kinds (and the other permissions) down, peers across.
    static func matrix(_ peers: [PeerConfiguration]) -> String {
        var table = TextTable()
        table.headers = ["KIND"] + peers.map { "\($0.name) (\($0.role.rawValue))" }
        for kind in RecordKind.allCases {
            table.rows.append(
                [kind.rawValue]
                    + peers.map { peer in
                        guard let grant = peer.policy.share[kind] else { return "-" }
                        return kind.orderedGroupNames(grant.groups).joined(separator: ",")
                    })
        }
        for kind in RecordKind.allCases where peers.contains(where: { $0.policy.accept[kind] != nil }) {
            table.rows.append(
                ["writes: \(kind.rawValue)"]
                    + peers.map { peer in
                        guard let groups = peer.policy.accept[kind], !groups.isEmpty else { return "-" }
                        return kind.orderedGroupNames(groups).joined(separator: ",")
                    })
        }
        table.rows.append(["lookups"] + peers.map { $0.policy.lookups.rawValue })
        if peers.contains(where: \.policy.askLookups) {
            table.rows.append(["asks lookups"] + peers.map { $0.policy.askLookups ? "yes" : "no" })
        }
        table.rows.append(["aggregates"] + peers.map { $0.policy.aggregates.text })
        if peers.contains(where: \.policy.askAggregates.grantsAny) {
            table.rows.append(["asks aggregates"] + peers.map { $0.policy.askAggregates.text })
        }
        return table.rendered
    }
}
