import ArgumentParser
import Foundation
import VVECore
import VVEStore

/// `vve record ...`: the node's own case records.
struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record", abstract: "Create, read, change, close and erase case records.",
        subcommands: [
            AddRecord.self, ImportRecords.self, ListRecords.self, ShowRecord.self, UpdateRecord.self, CloseRecord.self,
            EraseRecord.self, ExportRecords.self,
        ])
}

struct AddRecord: AuditedCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Create one record from JSON, from flags, or both (flags win).",
        discussion: """
            The JSON document has `reviewDate`, optional `status` and `fields`. Each --set PATH=VALUE sets \
            one member of `fields` (dotted paths reach inside objects); VALUE is JSON when it parses as JSON, \
            else text.

            Examples:
              vve record add county-lines-link --review-date 2027-05-01 \\
                --set lineName="Tony line" --set exportingArea=camden \\
                --set 'importingAreas=["norfolk"]' --set firstSeen=2026-09-01 --set riskLevel=high
              vve record add relocation --json case.json --dir ~/vve/camden

            Exit codes: 0 created; 65 the record is refused, each problem named; 66 the JSON file cannot be read.
            """)

    @Argument(help: "county-lines-link, relocation, shared-perpetrator or missing-episode.")
    var kind: RecordKind

    @Option(name: .customLong("json"), help: ArgumentHelp("The record as JSON: a file, - for stdin, or inline {...}.", valueName: "FILE|-"))
    var document: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Set a field: PATH=VALUE. Repeatable.", valueName: "PATH=VALUE"))
    var assignments: [String] = []

    @Option(help: ArgumentHelp("The review date, YYYY-MM-DD.", valueName: "DATE"))
    var reviewDate: String?

    @Option(help: "The status (default: active).")
    var status: String?

    @OptionGroup var ages: UnusualAgesOption

    @OptionGroup var location: NodeLocation
    @OptionGroup var operatorOption: OperatorOption

    func execute(on node: OpenedNode, context: OperationContext) throws {
        var input = try document.map(InputSource.document) ?? .object(JSONObject())
        if !assignments.isEmpty {
            input = input.merging(patch: ["fields": try SetFlags.apply(assignments, to: input["fields"] ?? .object(JSONObject()))])
        }
        if let reviewDate { input = input.merging(patch: ["reviewDate": .string(reviewDate)]) }
        if let status { input = input.merging(patch: ["status": .string(status)]) }
        let draft = try RecordDraft.read(from: input, kind: kind, today: context.time.calendarDate, allowUnusualAges: ages.allowUnusualAges)
        let store = node.store
        let record = try store.add(draft, context: context)
        Output.line("Created \(record.kind.rawValue) \(record.id) (review by \(record.reviewDate))")
    }
}

struct ImportRecords: AuditedCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import NDJSON records: all of them in one transaction, or none.",
        discussion: """
            Each non-blank line is one record as `vve record add` reads it, with a `kind` member, and optionally \
            `"source": {"system": "mosaic", "id": "C-104233"}`, the record's reference in the system it comes \
            from. A line whose source this node knows updates that record as a merge patch, or leaves it alone \
            when nothing changed; importing the same export again changes nothing. The source stays on this node. \
            Every line is checked; if any is refused, the lines at fault are listed and nothing is imported.

            Examples:
              vve generate --count 50 > cases.ndjson
              vve record import --dry-run cases.ndjson --dir ~/vve/camden

            Exit codes: 0 imported (or, with --dry-run, nothing refused); 65 lines refused, nothing imported.
            """)

    @Argument(help: ArgumentHelp("The NDJSON file, or - for stdin.", valueName: "FILE"))
    var file: String

    @Flag(help: "Say what would be created, updated, unchanged or refused, and write nothing.")
    var dryRun = false

    @OptionGroup var ages: UnusualAgesOption

    @OptionGroup var location: NodeLocation
    @OptionGroup var operatorOption: OperatorOption

    /// How many refused lines are listed before the rest are only counted.
    static let listedFailures = 20

    func execute(on node: OpenedNode, context: OperationContext) throws {
        let store = node.store
        let lines = InputSource.lines(of: try InputSource.readBytes(path: file))
        guard let first = lines.first else {
            throw CommandFailure(
                "\(file == "-" ? "stdin" : file) holds no records: an import reads one JSON record per line", status: .invalidInput)
        }
        if let parsed = try? JSONParser.parse(first.bytes), let header = try ExportHeader.read(parsed) {
            try restore(header, lines: lines.dropFirst(), store: store, context: context)
            return
        }
        let today = context.time.calendarDate
        let chunkSize = CaseStore.importChunkSize
        // Lines are read on every core while earlier chunks are already being written.
        let outcome = try store.importLines(
            count: (lines.count + chunkSize - 1) / chunkSize, today: today, dryRun: dryRun, allowUnusualAges: ages.allowUnusualAges,
            context: context
        ) { chunk in
            lines[chunk * chunkSize..<min(lines.count, (chunk + 1) * chunkSize)].map { line in
                do {
                    return (line.number, .success(try ImportLine.read(try JSONParser.parse(line.bytes))))
                } catch {
                    return (line.number, .failure(UnreadableLine(problems: classify(error).message.split(separator: "\n").map(String.init))))
                }
            }
        }
        try report(outcome, lines: lines.count, what: "\(lines.count) line\(lines.count == 1 ? "" : "s")")
    }

    /// Restores an export of this node's records (`vve record export`).
    func restore(
        _ header: ExportHeader, lines: ArraySlice<(number: Int, bytes: ArraySlice<UInt8>)>, store: CaseStore, context: OperationContext
    ) throws {
        guard lines.count == header.records else {
            throw CommandFailure(
                "\(file) says it holds \(header.records) records and holds \(lines.count): the export was cut short or edited; export again",
                status: .invalidInput)
        }
        let read = lines.map { line -> (line: Int, read: Result<ExportedRecord, UnreadableLine>) in
            do {
                return (line.number, .success(try ExportedRecord.read(try JSONParser.parse(line.bytes))))
            } catch {
                return (line.number, .failure(UnreadableLine(problems: classify(error).message.split(separator: "\n").map(String.init))))
            }
        }
        let outcome = try store.restoreExport(header, lines: read, dryRun: dryRun, context: context)
        let export = "the export of \(header.node) made at \(header.exportedAt)"
        try report(outcome, lines: lines.count, what: export)
    }

    /// Prints an import's counts, or throws its refusals.
    func report(_ outcome: LineImport, lines: Int, what: String) throws {
        let counts = Self.summary(outcome.counts)
        if dryRun { Output.line("Dry run, nothing written: \(what) would give \(counts)") }
        guard outcome.refusals.isEmpty else {
            let refusals = outcome.refusals
            let listed = refusals.prefix(Self.listedFailures).flatMap { refused in refused.problems.map { "line \(refused.line): \($0)" } }
            let more = refusals.count > Self.listedFailures ? "\n...and more; \(refusals.count) lines are refused in all" : ""
            let outcome = dryRun ? "an import would import nothing" : "nothing was imported"
            throw CommandFailure(
                listed.joined(separator: "\n") + more
                    + "\n\(outcome): \(refusals.count) of \(lines) lines are refused; fix them and import the file again",
                status: .invalidInput)
        }
        if !dryRun { Output.line("Imported \(what): \(counts)") }
    }

    /// `N created (by kind), N updated, N unchanged, N refused`.
    static func summary(_ counts: ImportCounts) -> String {
        let created = counts.created.values.reduce(0, +)
        let byKind = counts.created.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key.rawValue)" }.joined(separator: ", ")
        return "\(created) created" + (created == 0 ? "" : " (\(byKind))")
            + ", \(counts.updated) updated, \(counts.unchanged) unchanged, \(counts.refused) refused"
    }
}

/// The filter options shared by `list` and `export`.
struct FilterOptions: ParsableArguments {
    @Option(help: "Only this kind.")
    var kind: RecordKind?

    @Option(help: "Only this status.")
    var status: RecordStatus?

    @Option(help: "Only this risk level.")
    var risk: RiskLevel?

    var filter: RecordFilter { RecordFilter(kind: kind, status: status, riskLevel: risk) }
}

struct ListRecords: AuditedCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List records (not erased ones). The listing is audited as a read.",
        discussion: """
            Examples:
              vve record list --dir ~/vve/camden
              vve record list --kind relocation --status active --risk very-high --json \\
                --dir ~/vve/camden
            """)

    @OptionGroup var filters: FilterOptions

    @Flag(help: "Print a JSON array of whole records instead of a table.")
    var json = false

    @OptionGroup var location: NodeLocation
    @OptionGroup var operatorOption: OperatorOption

    func execute(on node: OpenedNode, context: OperationContext) throws {
        let store = node.store
        let records = try store.records(matching: filters.filter, context: context)
        if json {
            Output.json(.array(records.map(\.jsonValue)))
            return
        }
        Output.line(RecordPresentation.table(records))
    }
}

struct ShowRecord: AuditedCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one record. The read is audited.",
        discussion: """
            Example:
              vve record show 01a2158a-937e-71ee-9cc2-89ed4da76ab1 --dir ~/vve/camden

            Exit codes: 0 shown (an erased record shows as its tombstone); 3 the record does not exist.
            """)

    @Argument(help: "The record's id.")
    var id: RecordID

    @Flag(help: "Print the whole record as JSON.")
    var json = false

    @OptionGroup var location: NodeLocation
    @OptionGroup var operatorOption: OperatorOption

    func execute(on node: OpenedNode, context: OperationContext) throws {
        let store = node.store
        let record = try store.record(id: id, context: context)
        if json {
            Output.json(record.jsonValue)
        } else {
            Output.line(RecordPresentation.describe(record))
        }
    }
}

struct UpdateRecord: AuditedCommand {
    static let configuration = CommandConfiguration(
        commandName: "update", abstract: "Change a record with a JSON merge patch (RFC 7396).",
        discussion: """
            The patch is applied to {"reviewDate", "status", "fields"}: members replace, objects merge, null \
            removes. Arrays are replaced whole. The result is validated as a whole record.

            Examples:
              vve record update 01a2158a-937e-71ee-9cc2-89ed4da76ab1 \\
                --json '{"fields": {"riskLevel": "very-high"}}' --dir ~/vve/camden
              vve record update 01a2158a-937e-71ee-9cc2-89ed4da76ab1 \\
                --json '{"reviewDate": "2027-05-01"}' --dir ~/vve/camden

            Exit codes: 0 updated, or nothing to change; 3 the record does not exist or is erased; 65 the patch or the result is invalid.
            """)

    @Argument(help: "The record's id.")
    var id: RecordID

    @Option(name: .customLong("json"), help: ArgumentHelp("The patch: a file, - for stdin, or inline {...}.", valueName: "PATCH"))
    var patch: String

    @OptionGroup var ages: UnusualAgesOption

    @OptionGroup var location: NodeLocation
    @OptionGroup var operatorOption: OperatorOption

    func execute(on node: OpenedNode, context: OperationContext) throws {
        let patchDocument = try InputSource.document(patch)
        guard patchDocument.objectValue != nil else {
            throw CommandFailure(
                "the patch is \(patchDocument.typeName); a merge patch is an object such as {\"status\": \"closed\"}", status: .invalidInput)
        }
        let store = node.store
        report(
            try store.update(
                id: id, patch: patchDocument, today: context.time.calendarDate, allowUnusualAges: ages.allowUnusualAges, context: context))
    }
}

struct CloseRecord: AuditedCommand {
    static let configuration = CommandConfiguration(
        commandName: "close", abstract: "Set a record's status to closed.",
        discussion: """
            Example:
              vve record close 01a2158a-937e-71ee-9cc2-89ed4da76ab1 --dir ~/vve/camden

            Exit codes: 0 closed, or already closed; 3 the record does not exist or is erased.
            """)

    @Argument(help: "The record's id.")
    var id: RecordID

    @OptionGroup var location: NodeLocation
    @OptionGroup var operatorOption: OperatorOption

    func execute(on node: OpenedNode, context: OperationContext) throws {
        let store = node.store
        report(try store.close(id: id, today: context.time.calendarDate, context: context))
    }
}

/// Prints the outcome of an edit.
private func report(_ outcome: UpdateOutcome) {
    switch outcome {
    case .updated(let record):
        Output.line("Updated \(record.kind.rawValue) \(record.id) (status \(record.status.rawValue), version \(record.version))")
    case .unchanged(let record):
        Output.line("No change to \(record.kind.rawValue) \(record.id): it already holds those values")
    }
}

struct EraseRecord: AuditedCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase", abstract: "Erase a record: the body is deleted, a tombstone keeps the id.",
        discussion: """
            Example:
              vve record erase 01a2158a-937e-71ee-9cc2-89ed4da76ab1 \\
                --reason "entered in error by duty desk" --dir ~/vve/camden

            Exit codes: 0 erased; 3 the record does not exist or is already erased.
            """)

    @Argument(help: "The record's id.")
    var id: RecordID

    @Option(help: ArgumentHelp("Why the record is erased (kept in the audit log).", valueName: "TEXT"))
    var reason: String?

    @OptionGroup var location: NodeLocation
    @OptionGroup var operatorOption: OperatorOption

    func execute(on node: OpenedNode, context: OperationContext) throws {
        let why = try justification(reason, option: "reason")
        let store = node.store
        let tombstone = try store.erase(id: id, justification: why, context: context)
        Output.line("Erased \(tombstone.kind.rawValue) \(tombstone.id); its tombstone remains so the erasure can propagate")
    }
}

struct ExportRecords: AuditedCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write records as NDJSON to stdout. Each record exported is audited with the reason.",
        discussion: """
            The first line names the node and the time; each line after it is a whole record, as `vve record show \
            --json` prints it, with its source reference. Without a filter the export holds every record and \
            tombstone of the node, and `vve record import` restores it, ids, versions and times, into a node of the \
            same name: to move a node or rebuild it (`vve init --name NAME`, then import). It holds no copies, \
            holders or audit log: `vve backup` holds everything.

            Example:
              vve record export --reason "move to new server" --dir ~/vve/camden \\
                > camden.ndjson
            """)

    @OptionGroup var filters: FilterOptions

    @Option(help: ArgumentHelp("Why the records leave vve (kept in the audit log).", valueName: "TEXT"))
    var reason: String?

    @OptionGroup var location: NodeLocation
    @OptionGroup var operatorOption: OperatorOption

    func execute(on node: OpenedNode, context: OperationContext) throws {
        let why = try justification(reason, option: "reason")
        let store = node.store
        // Without a filter, every record and tombstone: what rebuilding the node needs.
        var filter = filters.filter
        let whole = filter == RecordFilter()
        filter.includeErased = whole
        let records = try store.export(matching: filter, justification: why, context: context)
        let header = ExportHeader(node: store.node, exportedAt: context.time, records: records.count, whole: whole)
        var text = JSONWriter.canonical(header.jsonValue) + "\n"
        for exported in records { text += JSONWriter.canonical(exported.jsonValue) + "\n" }
        FileHandle.standardOutput.write(Data(text.utf8))
        Output.note("exported \(records.count) record\(records.count == 1 ? "" : "s")")
    }
}

/// `--allow-unusual-ages`, for the commands that write records.
struct UnusualAgesOption: ParsableArguments {
    @Flag(
        help: """
            Accept a date of birth that makes a person younger or older than their kind's usual range (a relocated \
            young person 8-25 at the move, anyone else 8-100); the audit entry says so. A date in the future is \
            never accepted.
            """)
    var allowUnusualAges = false
}
