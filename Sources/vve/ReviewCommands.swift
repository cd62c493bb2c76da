import ArgumentParser
import VVECore
import VVEStore

/// `vve review`: records and copies past their review date, and the retention sweep.
struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review", abstract: "List records past their review date, and apply the retention policy now.",
        discussion: """
            A record past its review date by more than node.yaml's review-grace-days is erased, and the erasure reaches \
            every node that holds a copy; a shared copy overdue the same way is deleted. Tombstones are collected after \
            tombstone-days, once every holder has deleted its copy. `vve serve` applies this every hour.
            """,
        subcommands: [ReviewDueCommand.self, ReviewSweepCommand.self])
}

struct ReviewDueCommand: AuditedCommand {
    static let configuration = CommandConfiguration(
        commandName: "due", abstract: "List records and shared copies past their review date, most overdue first.",
        discussion: """
            Examples:
              vve review due --dir ~/vve/camden
              vve review due --json --dir ~/vve/camden
            """)

    @Flag(help: "Print a JSON array instead of a table.")
    var json = false

    @OptionGroup var location: NodeLocation
    @OptionGroup var operatorOption: OperatorOption

    func execute(on node: OpenedNode, context: OperationContext) throws {
        let configuration = node.configuration
        let store = node.store
        let due = try store.reviewDue(today: context.time.calendarDate, context: context)
        if json {
            Output.json(
                .array(
                    due.map { item in
                        [
                            "id": .string(item.id.description), "kind": .string(item.kind.rawValue), "owner": .string(item.owner.rawValue),
                            "copy": .bool(item.onCopy), "reviewDate": .string(item.reviewDate.description),
                            "daysOverdue": .integer(Int64(item.daysOverdue)),
                            "erasedInDays": .integer(Int64(max(0, configuration.reviewGraceDays - item.daysOverdue + 1))),
                        ]
                    }))
            return
        }
        guard !due.isEmpty else {
            Output.line("Nothing is past its review date.")
            return
        }
        var table = TextTable("ID", "KIND", "OWNER", "REVIEW", "OVERDUE", "ERASED IN")
        for item in due {
            let left = max(0, configuration.reviewGraceDays - item.daysOverdue + 1)
            table.add(
                item.id.description, item.kind.rawValue + (item.onCopy ? " (copy)" : ""), item.owner.rawValue, item.reviewDate.description,
                "\(item.daysOverdue) d", left == 0 ? "next sweep" : "\(left) d")
        }
        Output.line(table.rendered)
        Output.line(
            "Review a record with `vve record update ID --json '{\"reviewDate\": \"YYYY-MM-DD\"}'`; grace period \(configuration.reviewGraceDays) days."
        )
    }
}

struct ReviewSweepCommand: AuditedCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep", abstract: "Apply the retention policy now: erase what is overdue beyond the grace period, collect old tombstones.",
        discussion: """
            Examples:
              vve review sweep --dir ~/vve/camden
              vve review sweep --confirm --dir ~/vve/camden

            Exit codes: 0 applied; 75 the clock reads before the newest audit entry, so nothing was erased; check the clock, or try later.
            """)

    @OptionGroup var location: NodeLocation
    @OptionGroup var operatorOption: OperatorOption
    @Flag(help: "Erase everything overdue in this pass, beyond the larger of 100 and 5% of the store that one pass erases otherwise.")
    var confirm = false

    func execute(on node: OpenedNode, context: OperationContext) throws {
        let configuration = node.configuration
        let store = node.store
        let policy = RetentionPolicy(reviewGraceDays: configuration.reviewGraceDays, tombstoneDays: configuration.tombstoneDays)
        let outcome: RetentionOutcome
        do {
            outcome = try store.sweepRetention(policy, today: context.time.calendarDate, at: context.time, confirmed: confirm)
        } catch let refusal as RetentionRefusal {
            throw CommandFailure("retention refused: \(refusal)", status: .rateLimited)
        }
        Output.line(
            "Retention applied: \(outcome.erased.count) record\(outcome.erased.count == 1 ? "" : "s") erased, "
                + "\(outcome.copiesDeleted.count) shared cop\(outcome.copiesDeleted.count == 1 ? "y" : "ies") deleted, "
                + "\(outcome.tombstonesCollected.count) tombstone\(outcome.tombstonesCollected.count == 1 ? "" : "s") collected")
        if outcome.held > 0 {
            Output.line(
                "\(outcome.held) more overdue records and copies were left for a later pass; run `vve review sweep --confirm` to erase them now")
        }
        if !outcome.failed.isEmpty {
            Output.line(
                "\(outcome.failed.count) could not be erased and were passed over; `vve audit list --action refuse` says why: "
                    + outcome.failed.map(\.description).joined(separator: ", "))
        }
    }
}
