import ArgumentParser
import VVECore
import VVEStore

/// `vve audit ...`: the hash-chained audit log.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Read and verify the audit log.", subcommands: [ListAudit.self, VerifyAudit.self])
}

struct ListAudit: NodeCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List audit entries, oldest first.")

    @Option(help: "Only this action.")
    var action: AuditAction?

    @Option(help: "Only the last N entries.")
    var limit: Int?

    @Flag(help: "Only peers' lookups that matched this node's records or copies: who looked up what, and why.")
    var lookups = false

    @Flag(help: "Print a JSON array of entries instead of a table.")
    var json = false

    @OptionGroup var location: NodeLocation

    func checkOptions() throws {
        if let limit, limit < 1 { throw CommandFailure("--limit must be 1 or more", status: .usage) }
        if lookups, action != nil { throw CommandFailure("--lookups lists lookup hits; it cannot be combined with --action", status: .usage) }
    }

    func execute(on node: OpenedNode) throws {
        let store = node.store
        let entries =
            lookups
            ? Array(try store.lookupHits(since: Timestamp(millisecondsSinceEpoch: 0), limit: limit ?? Int.max).reversed())
            : try store.auditEntries(action: action, limit: limit)
        if json {
            Output.json(.array(entries.map(\.jsonValue)))
            return
        }
        Output.line(AuditPresentation.table(entries))
    }
}

struct VerifyAudit: NodeCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Check every link of the audit chain. Exits 1 and names the first bad entry if broken.")

    @OptionGroup var location: NodeLocation

    func execute(on node: OpenedNode) throws {
        let store = node.store
        switch try store.verifyAudit() {
        case .intact(let count, let head):
            Output.line("Audit chain intact: \(count) entries, head sha256:\(head)")
        case .broken(let fault):
            throw CommandFailure(
                "audit chain broken: \(fault); entries from \(fault.sequence) on cannot be trusted. Restore the database from backup and investigate",
                status: .auditBroken)
        }
    }
}
