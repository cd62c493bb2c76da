import ArgumentParser
import VVECore
import VVEStore

/// `vve copy`: the copies of peers' records this node holds.
struct CopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy", abstract: "List, show and edit the copies of peers' records this node holds.",
        discussion: """
            A copy holds only the field groups its owner shares with this node; people are match keys unless the owner \
            grants identity. Edits go back to the owner with the next sync, where its policy's `accept:` decides.
            """,
        subcommands: [ListCopies.self, ShowCopy.self, UpdateCopy.self])
}

enum CopyPresentation {
    /// The copy's values as `{"id", "kind", "owner", "reviewDate", "groups", "status"?,
    /// "fields", "version", "conflicts"?}`: a status the owner does not share, and conflicts
    /// when there are none, are left out, as the CLI's JSON leaves out what is absent.
    static func document(_ copy: SharedCopy) -> JSONValue {
        var fields = JSONObject()
        var status: JSONValue?
        for (name, value) in copy.values.sorted(by: { $0.key < $1.key }) {
            if name == "status" { status = value } else if name.hasPrefix("fields.") { fields[String(name.dropFirst(7))] = value }
        }
        let conflicts = copy.replica.resolved().conflicts.map { JSONValue.string($0.field) }
        return .compactObject([
            ("id", .string(copy.id.description)), ("kind", .string(copy.replica.kind.rawValue)), ("owner", .string(copy.owner.rawValue)),
            ("reviewDate", .string(copy.reviewDate.description)),
            ("groups", .array(copy.replica.kind.orderedGroupNames(copy.groups).map { .string($0) })),
            ("status", status), ("fields", .object(fields)), ("version", copy.replica.version.jsonValue), ("conflicts", .array(conflicts)),
        ])
    }
}

struct ListCopies: AuditedCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the shared copies held. The listing is audited as a read.",
        discussion: """
            Example:
              vve copy list --dir ~/vve/camden
            """)

    @Flag(help: "Print a JSON array instead of a table.")
    var json = false

    @OptionGroup var location: NodeLocation
    @OptionGroup var operatorOption: OperatorOption

    func execute(on node: OpenedNode, context: OperationContext) throws {
        let store = node.store
        Output.listing(
            try store.sharedCopies(context: context), json: json, none: "No shared copies.",
            headers: ["ID", "KIND", "OWNER", "STATUS", "REVIEW", "GROUPS"],
            row: { copy in
                [
                    copy.id.description, copy.replica.kind.rawValue, copy.owner.rawValue, copy.values["status"]?.stringValue ?? "-",
                    copy.reviewDate.description, copy.replica.kind.orderedGroupNames(copy.groups).joined(separator: ","),
                ]
            }, document: CopyPresentation.document)
    }
}

struct ShowCopy: AuditedCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one shared copy as JSON. The read is audited.",
        discussion: """
            Example:
              vve copy show 01a20b7e-5c1d-7f02-8e4a-6d0c9b1e2f33 --dir ~/vve/camden

            Exit codes: 0 shown; 3 this node holds no copy with that id.
            """)

    @Argument(help: "The record's id.")
    var id: RecordID

    @OptionGroup var location: NodeLocation
    @OptionGroup var operatorOption: OperatorOption

    func execute(on node: OpenedNode, context: OperationContext) throws {
        let store = node.store
        Output.json(CopyPresentation.document(try store.sharedCopy(id: id, context: context)))
    }
}

struct UpdateCopy: AuditedCommand {
    static let configuration = CommandConfiguration(
        commandName: "update", abstract: "Edit a shared copy with a JSON merge patch on {\"status\", \"fields\"}, such as an acknowledgement.",
        discussion: """
            Only the groups the copy holds can change, and each value must be valid for its field. The edit is sent to the \
            owner with the next sync; it stands there only if the owner's policy accepts that group from this node.

            Example:
              vve copy update 01a20b7e-5c1d-7f02-8e4a-6d0c9b1e2f33 \\
                --json '{"fields":{"acknowledgement":{"by":"T. Ali","date":"2026-11-25"}}}'

            Exit codes: 0 updated, or nothing to change; 3 this node holds no copy with that id; 65 the patch is refused.
            """)

    @Argument(help: "The record's id.")
    var id: RecordID

    @Option(name: .customLong("json"), help: ArgumentHelp("The patch: a file, - for stdin, or inline {...}.", valueName: "PATCH"))
    var patch: String

    @OptionGroup var location: NodeLocation
    @OptionGroup var operatorOption: OperatorOption

    func execute(on node: OpenedNode, context: OperationContext) throws {
        let patchDocument = try InputSource.document(patch)
        let store = node.store
        let copy = try store.sharedCopy(id: id, context: context)
        let changes: [(field: String, value: JSONValue)]
        do throws(VVECore.ValidationError) {
            changes = try copy.changes(patch: patchDocument)
        } catch {
            throw CommandFailure("copy \(id) was not changed:\n" + error.issues.map { "  \($0)" }.joined(separator: "\n"), status: .invalidInput)
        }
        guard !changes.isEmpty else {
            Output.line("Copy \(id) already holds these values; nothing changed")
            return
        }
        let edited = try store.editSharedCopy(id: id, changes: changes, context: context)
        Output.line(
            "Updated copy \(id) of \(edited.owner)'s record: \(changes.map(\.field).joined(separator: ", ")); it goes to \(edited.owner) with the next sync"
        )
    }
}
