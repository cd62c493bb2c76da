import ArgumentParser
import Foundation
import VVECore
import VVEStore

/// `vve demo node`: a guided run of one node on a throwaway folder, so a newcomer sees the
/// whole record lifecycle and its audit trail with one command.
struct NodeDemoCommand: ReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Run a guided demo on a throwaway node: import, list, show, edit, close, erase, audit.",
        discussion: """
            Everything it creates is synthetic. The node is removed afterwards unless --keep or --dir is given.

            Examples:
              vve demo node
              vve demo node --count 50 --dir ~/vve/demo-camden
            """)

    @Option(help: ArgumentHelp("Create the demo node here and keep it (default: a temporary folder).", valueName: "DIR"))
    var dir: String?

    @Flag(help: "Keep the temporary demo node afterwards.")
    var keep = false

    @Option(help: "How many synthetic records to import.")
    var count = 200

    func checkOptions() throws {
        guard count >= 10 else { throw CommandFailure("--count must be at least 10 for the demo to have something to show", status: .usage) }
    }

    func execute() throws {
        let temporaryFolder = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("vve-demo-\(UUID().uuidString.prefix(8))").standardizedFileURL.path
        let directory = dir.map { URL(fileURLWithPath: $0).standardizedFileURL.path } ?? temporaryFolder + "/camden"
        let keepNode = keep || dir != nil
        defer {
            if !keepNode { try? FileManager.default.removeItem(atPath: temporaryFolder) }
        }
        try walkThrough(in: directory)
        Output.line()
        if keepNode {
            Output.line("The demo node is in \(directory). Explore it with, for example:")
            Output.line("  vve record list --dir \(directory) --operator your.name")
        } else {
            Output.line("The demo node was temporary and has been removed. Run `vve demo node --keep` to explore it afterwards.")
        }
    }

    private func walkThrough(in directory: String) throws {
        let node = AuthorityName("camden")!
        let actor = try OperatorName("demo.analyst")
        func context() -> OperationContext { OperationContext(actor: actor, time: Clock.now()) }

        step(1, "Create node camden (vve init --name camden)")
        let (_, store) = try InitCommand.createNode(node, in: directory)
        Output.line("Created \(directory)/node.yaml and vve.sqlite")

        step(2, "Import \(count) synthetic records in one transaction (vve record import)")
        var generator = SyntheticRecords(seed: 2026, owner: node, today: Clock.today())
        let records = try store.importDrafts((0..<count).map { _ in generator.nextDraft() }, context: context())
        let byKind = Dictionary(grouping: records, by: \.kind).sorted { $0.key < $1.key }.map { "\($0.value.count) \($0.key.rawValue)" }
        Output.line("Imported \(records.count) records (\(byKind.joined(separator: ", ")))")

        step(3, "Very-high-risk relocations (vve record list --kind relocation --risk very-high)")
        let urgent = try store.records(matching: RecordFilter(kind: .relocation, riskLevel: .veryHigh), context: context())
        Output.line(RecordPresentation.table(Array(urgent.prefix(8))))
        if urgent.count > 8 { Output.line("(showing 8 of \(urgent.count))") }

        // Ids are random, so pick by content: an active relocation, the most urgent available.
        guard
            let chosen = urgent.first(where: { $0.status == .active })
                ?? records.first(where: { $0.kind == .relocation && $0.status == .active })
        else { return }
        step(4, "One record in full (vve record show ID)")
        Output.line(RecordPresentation.describe(try store.record(id: chosen.id, context: context())))

        step(5, "The receiving borough acknowledges; then the case is closed (vve record update, vve record close)")
        let today = Clock.today()
        let acknowledgement: JSONValue = ["acknowledgement": ["by": "Duty manager", "date": today.jsonValue]]
        switch try store.update(id: chosen.id, patch: ["fields": acknowledgement], today: today, context: context()) {
        case .updated(let updated): Output.line("Acknowledged: version \(updated.version)")
        case .unchanged: Output.line("Already acknowledged today: nothing to change")
        }
        switch try store.close(id: chosen.id, today: today, context: context()) {
        case .updated(let closed): Output.line("Closed: status \(closed.status.rawValue), version \(closed.version)")
        case .unchanged: Output.line("Already closed: nothing to change")
        }

        step(6, "Erase a record entered in error (vve record erase ID --reason ...)")
        let mistaken = records.last!
        let tombstone = try store.erase(id: mistaken.id, justification: try Justification("entered in error by duty desk"), context: context())
        Output.line("Erased \(tombstone.id): the body is gone, the tombstone keeps id and version \(tombstone.version)")

        step(7, "The audit trail (vve audit list --limit 6, vve audit verify)")
        Output.line(AuditPresentation.table(try store.auditEntries(limit: 6)))
        switch try store.verifyAudit() {
        case .intact(let entries, let head):
            Output.line("Audit chain intact: \(entries) entries, head sha256:\(head)")
        case .broken(let fault):
            throw CommandFailure("audit chain broken: \(fault)", status: .auditBroken)
        }
    }

    private func step(_ number: Int, _ title: String) {
        Output.line()
        Output.line("== \(number). \(title)")
    }
}
