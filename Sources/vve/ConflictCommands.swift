import ArgumentParser
import VVECore
import VVEStore

/// `vve conflicts`: concurrent edits the merge rules could not all keep.
struct ConflictsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts", abstract: "List, show and resolve concurrent edits the merge rules could not all keep.",
        discussion: """
            Risk levels, statuses and sets merge by rule and never conflict. Any other field edited concurrently on two \
            nodes shows one value everywhere (chosen the same way on every node) and keeps the others here until a \
            person resolves it. A resolution is a new edit that supersedes every value in conflict, so it reaches every \
            holder like any edit.
            """,
        subcommands: [ListConflicts.self, ShowConflict.self, ResolveConflict.self])
}

enum ConflictPresentation {
    static func write(_ write: FieldWrite) -> JSONValue {
        ["value": write.value, "writer": .string(write.writer.rawValue), "version": write.version.jsonValue]
    }

    static func document(_ conflict: OpenConflict) -> JSONValue {
        [
            "id": .integer(conflict.id), "record": .string(conflict.recordID.description), "kind": .string(conflict.kind.rawValue),
            "owner": .string(conflict.owner.rawValue), "onCopy": .bool(conflict.onCopy), "field": .string(conflict.field),
            "shown": write(conflict.chosen), "others": .array(conflict.others.map(write)),
        ]
    }

    /// A value on one table line: canonical JSON, shortened.
    static func brief(_ write: FieldWrite) -> String {
        let text = JSONWriter.canonical(write.value)
        return (text.count > 40 ? String(text.prefix(39)) + "…" : text) + " (\(write.writer))"
    }
}

struct ListConflicts: AuditedCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the open conflicts. The listing is audited as a read.",
        discussion: """
            Example:
              vve conflicts list --dir ~/vve/camden
            """)

    @Flag(help: "Print a JSON array instead of a table.")
    var json = false

    @OptionGroup var location: NodeLocation
    @OptionGroup var operatorOption: OperatorOption

    func execute(on node: OpenedNode, context: OperationContext) throws {
        let store = node.store
        Output.listing(
            try store.conflicts(context: context), json: json, none: "No open conflicts.",
            headers: ["ID", "RECORD", "KIND", "OWNER", "FIELD", "SHOWN", "ALSO"],
            row: { conflict in
                [
                    "\(conflict.id)", conflict.recordID.description, conflict.kind.rawValue, conflict.owner.rawValue, conflict.field,
                    ConflictPresentation.brief(conflict.chosen), conflict.others.map(ConflictPresentation.brief).joined(separator: "; "),
                ]
            }, document: ConflictPresentation.document)
    }
}

struct ShowConflict: AuditedCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one conflict's values, writers and versions as JSON.",
        discussion: """
            Example:
              vve conflicts show 12 --dir ~/vve/camden

            Exit codes: 0 shown; 3 no open conflict with that id.
            """)

    @Argument(help: "The conflict's id, from `vve conflicts list`.")
    var id: Int64

    @OptionGroup var location: NodeLocation
    @OptionGroup var operatorOption: OperatorOption

    func execute(on node: OpenedNode, context: OperationContext) throws {
        let store = node.store
        Output.json(ConflictPresentation.document(try store.conflict(id: id, context: context)))
    }
}

struct ResolveConflict: AuditedCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve", abstract: "Resolve a conflict: keep this node's value, the other node's, or a new one.",
        discussion: """
            Examples:
              vve conflicts resolve 12 --keep remote --dir ~/vve/camden
              vve conflicts resolve 12 --keep "Tony line" --dir ~/vve/camden

            Exit codes: 0 resolved; 3 no open conflict with that id; 65 that choice or value is refused.
            """)

    @Argument(help: "The conflict's id, from `vve conflicts list`.")
    var id: Int64

    @Option(help: ArgumentHelp("local, remote, or the value to keep (JSON, or plain text for a string).", valueName: "local|remote|VALUE"))
    var keep: String

    @OptionGroup var location: NodeLocation
    @OptionGroup var operatorOption: OperatorOption

    func execute(on node: OpenedNode, context: OperationContext) throws {
        let choice: ConflictChoice =
            switch keep {
            case "local": .local
            case "remote": .remote
            default: .value((try? JSONParser.parse(Array(keep.utf8))) ?? .string(keep))
            }
        let store = node.store
        let (conflict, value) = try store.resolveConflict(id: id, keeping: choice, context: context)
        Output.line(
            "Resolved conflict \(id) on \(conflict.field) of \(conflict.kind.rawValue) \(conflict.recordID): kept \(JSONWriter.canonical(value)); every holder gets it with the next sync"
        )
    }
}
