import ArgumentParser
import Foundation
import Synchronization
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
            else text. Example: vve record add county-lines-link --review-date 2027-05-01 --set lineName="Tony line" \
            --set exportingArea=camden --set 'importingAreas=["norfolk"]' --set firstSeen=2026-09-01 --set riskLevel=high
            """)

    @Argument(help: "county-lines-link, relocation or shared-perpetrator.")
    var kind: RecordKind

    @Option(name: .customLong("json"), help: ArgumentHelp("The record as JSON: a file, - for stdin, or inline {...}.", valueName: "FILE|-"))
    var document: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Set a field: PATH=VALUE. Repeatable.", valueName: "PATH=VALUE"))
    var assignments: [String] = []

    @Option(help: ArgumentHelp("The review date, YYYY-MM-DD.", valueName: "DATE"))
    var reviewDate: String?

    @Option(help: "The status (default: active).")
    var status: String?

    @OptionGroup var location: NodeLocation
    @OptionGroup var operatorOption: OperatorOption

    func execute(on node: OpenedNode, context: OperationContext) throws {
        var input = try document.map(InputSource.document) ?? .object(JSONObject())
        if !assignments.isEmpty {
            input = input.merging(patch: ["fields": try SetFlags.apply(assignments, to: input["fields"] ?? .object(JSONObject()))])
        }
        if let reviewDate { input = input.merging(patch: ["reviewDate": .string(reviewDate)]) }
        if let status { input = input.merging(patch: ["status": .string(status)]) }
        let draft = try RecordDraft.read(from: input, kind: kind, today: context.time.calendarDate)
        let store = node.store
        let record = try store.add(draft, context: context)
        Output.line("Created \(record.kind.rawValue) \(record.id) (review by \(record.reviewDate))")
    }
}

struct ImportRecords: AuditedCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import NDJSON records: all of them in one transaction, or none.",
        discussion: """
            Each non-blank line is one record as `vve record add` reads it, with a `kind` member. Every line is \
            validated; if any line is invalid, the lines at fault are listed, the transaction is rolled back and \
            nothing is imported.
            """)

    @Argument(help: ArgumentHelp("The NDJSON file, or - for stdin.", valueName: "FILE"))
    var file: String

    @OptionGroup var location: NodeLocation
    @OptionGroup var operatorOption: OperatorOption

    /// How many invalid lines are listed before the rest are only counted.
    static let listedFailures = 20

    func execute(on node: OpenedNode, context: OperationContext) throws {
        let store = node.store
        let lines = InputSource.lines(of: try InputSource.readBytes(path: file))
        let today = context.time.calendarDate
        let chunkSize = CaseStore.importChunkSize
        let invalidLines = Mutex<[(line: Int, messages: [String])]>([])
        // Lines are validated on every core while earlier chunks are already being written;
        // one invalid line anywhere rolls the whole import back.
        let outcome = try store.importChunks(count: (lines.count + chunkSize - 1) / chunkSize, context: context) { chunk in
            var drafts: [RecordDraft] = []
            var invalid: [(line: Int, messages: [String])] = []
            for line in lines[chunk * chunkSize..<min(lines.count, (chunk + 1) * chunkSize)] {
                do {
                    drafts.append(try RecordDraft.read(from: try JSONParser.parse(line.bytes), kind: nil, today: today))
                } catch {
                    invalid.append((line.number, classify(error).message.split(separator: "\n").map(String.init)))
                }
            }
            guard invalid.isEmpty else {
                invalidLines.withLock { $0 += invalid }
                return nil
            }
            return drafts
        }
        guard case .imported(let records) = outcome else {
            let invalid = invalidLines.withLock { $0 }.sorted { $0.line < $1.line }
            let listed = invalid.prefix(Self.listedFailures).flatMap { entry in entry.messages.map { "line \(entry.line): \($0)" } }
            let more = invalid.count > Self.listedFailures ? "\n...and more; \(invalid.count) lines are invalid in all" : ""
            throw CommandFailure(
                listed.joined(separator: "\n") + more
                    + "\nnothing was imported: \(invalid.count) of \(lines.count) lines are invalid; fix them and import the file again",
                status: .invalidInput)
        }
        let byKind = Dictionary(grouping: records, by: \.kind).sorted { $0.key < $1.key }
            .map { "\($0.value.count) \($0.key.rawValue)" }.joined(separator: ", ")
        Output.line("Imported \(records.count) records" + (records.isEmpty ? "" : " (\(byKind))"))
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
        commandName: "list", abstract: "List records (not erased ones). The listing is audited as a read.")

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
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one record. The read is audited.")

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
            """)

    @Argument(help: "The record's id.")
    var id: RecordID

    @Option(name: .customLong("json"), help: ArgumentHelp("The patch: a file, - for stdin, or inline {...}.", valueName: "PATCH"))
    var patch: String

    @OptionGroup var location: NodeLocation
    @OptionGroup var operatorOption: OperatorOption

    func execute(on node: OpenedNode, context: OperationContext) throws {
        let patchDocument = try InputSource.document(patch)
        guard patchDocument.objectValue != nil else {
            throw CommandFailure(
                "the patch is \(patchDocument.typeName); a merge patch is an object such as {\"status\": \"closed\"}", status: .invalidInput)
        }
        let store = node.store
        report(try store.update(id: id, patch: patchDocument, today: context.time.calendarDate, context: context))
    }
}

struct CloseRecord: AuditedCommand {
    static let configuration = CommandConfiguration(commandName: "close", abstract: "Set a record's status to closed.")

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
        commandName: "erase", abstract: "Erase a record: the body is deleted, a tombstone keeps the id.")

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
        commandName: "export", abstract: "Write records as NDJSON to stdout. Each record exported is audited with the reason.")

    @OptionGroup var filters: FilterOptions

    @Option(help: ArgumentHelp("Why the records leave vve (kept in the audit log).", valueName: "TEXT"))
    var reason: String?

    @OptionGroup var location: NodeLocation
    @OptionGroup var operatorOption: OperatorOption

    func execute(on node: OpenedNode, context: OperationContext) throws {
        let why = try justification(reason, option: "reason")
        let store = node.store
        let records = try store.export(matching: filters.filter, justification: why, context: context)
        FileHandle.standardOutput.write(Data(records.map { JSONWriter.canonical($0.jsonValue) + "\n" }.joined().utf8))
        Output.note("exported \(records.count) record\(records.count == 1 ? "" : "s")")
    }
}
