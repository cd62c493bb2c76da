import Foundation
import GRDB
import VVECore

/// What an import did, or would do: lines by outcome.
package struct ImportCounts: Sendable, Equatable {
    /// New records, by kind.
    package var created: [RecordKind: Int] = [:]
    /// Records the source already named, changed by their line.
    package var updated = 0
    /// Records the source already named, which their line leaves as they are.
    package var unchanged = 0
    /// Lines refused.
    package var refused = 0

    package init() {}
}

/// A line an import refused, and why.
package struct RefusedLine: Sendable, Equatable {
    /// The line's number in the input, from 1.
    package var line: Int
    /// Each problem, naming the field, the value and the fix.
    package var problems: [String]
}

/// The outcome of `CaseStore.importLines`.
package struct LineImport: Sendable {
    package var counts: ImportCounts
    /// Every line refused, in input order. When there is one, nothing was written.
    package var refusals: [RefusedLine]
    /// Whether the store changed: false for a dry run or a refused import.
    package var written: Bool
}

/// A line that cannot be read as an import line, and why.
package struct UnreadableLine: Error, Sendable {
    /// Each problem, naming the field, the value and the fix.
    package var problems: [String]

    package init(problems: [String]) {
        self.problems = problems
    }
}

/// A line as an import's producers leave it for the writer.
private enum PreparedLine: Sendable {
    /// Unreadable, or a new record that is not valid.
    case refused(line: Int, problems: [String])
    /// The record the source names, as the line last left it, untouched since.
    case unchanged(line: Int, source: SourceReference)
    /// A line for a record the source names, to apply as a merge patch.
    case existing(line: Int, id: RecordID, importLine: ImportLine)
    /// A new record, its id made and its row encoded with its source.
    case new(line: Int, row: EncodedRecord)
}

/// Rolls an import's transaction back once every line has been read.
private struct ImportRolledBack: Error {}

extension CaseStore {
    /// Imports lines read from NDJSON, in one transaction, all or nothing.
    ///
    /// A line whose source reference names a live record of this node updates that record as
    /// a merge patch, or leaves it alone when it changes nothing; any other line creates a
    /// record. `read` parses and validates lines on every core, in chunks of
    /// `importChunkSize`, while this thread writes. A line refused (invalid, of another kind
    /// than the record its source names, or naming a source another line named) refuses the
    /// import: every line is still read, so that every problem is reported, and then the
    /// transaction rolls back. A dry run reads, decides and counts everything, then rolls back.
    ///
    /// The known sources and their digests are read inside the write transaction, so the
    /// decisions made from them on other threads hold until it commits.
    package func importLines(
        count: Int, today: CalendarDate, dryRun: Bool, allowUnusualAges: Bool = false, context: OperationContext,
        read: @escaping @Sendable (Int) -> [(line: Int, read: Result<ImportLine, UnreadableLine>)]
    ) throws -> LineImport {
        let node = node
        let firstSequence = reserveSequences(at: context.time, count: count << Self.importChunkBits)
        var counts = ImportCounts()
        var refusals: [RefusedLine] = []
        do {
            try transaction { db in
                let known = try Self.knownSources(db)
                let chunkBits = Self.importChunkBits
                let pipeline = try ChunkPipeline(count: count) { index -> [PreparedLine] in
                    var random = BulkRandom()
                    return read(index).enumerated().map { position, entry in
                        Self.prepare(entry.line, entry.read, known: known, today: today, allowUnusualAges: allowUnusualAges) {
                            draft, source, digest in
                            // Ids in the order of the import, chunk by chunk, whichever core makes them.
                            let id = RecordID.make(
                                at: context.time, sequence: firstSequence + (index << chunkBits | position), owner: node, using: &random)
                            return EncodedRecord(
                                CaseRecord(draft: draft, id: id, node: node, at: context.time), source: source, sourceDigest: digest,
                                auditNote: draft.auditNote)
                        }
                    }
                }
                defer { pipeline.waitUntilFinished() }
                var audit = try AuditAppender(db)
                var seen: [SourceReference: Int] = [:]
                func refuse(_ line: Int, _ problems: [String]) {
                    refusals.append(RefusedLine(line: line, problems: problems))
                    counts.refused += 1
                }
                /// Whether `source` is new to this import; a second line naming it is refused.
                func firstMention(_ source: SourceReference?, line: Int) -> Bool {
                    guard let source else { return true }
                    if let first = seen[source] {
                        refuse(
                            line,
                            [
                                "source: \(source.system) \(source.id) is also on line \(first); an import holds each record once, so keep the line that is current"
                            ])
                        return false
                    }
                    seen[source] = line
                    return true
                }
                for index in 0..<count {
                    for prepared in pipeline.take(index) {
                        switch prepared {
                        case .refused(let line, let problems):
                            refuse(line, problems)
                        case .unchanged(let line, let source):
                            if firstMention(source, line: line) { counts.unchanged += 1 }
                        case .existing(let line, let id, let importLine):
                            guard firstMention(importLine.source, line: line) else { continue }
                            switch try applyImported(
                                importLine, to: id, today: today, allowUnusualAges: allowUnusualAges, context: context, audit: &audit, db)
                            {
                            case .updated: counts.updated += 1
                            case .unchanged: counts.unchanged += 1
                            case .refused(let problems): refuse(line, problems)
                            }
                        case .new(let line, let row):
                            guard firstMention(row.source, line: line) else { continue }
                            guard refusals.isEmpty else {
                                // Refused already: the rest is only checked, never written.
                                counts.created[row.kind, default: 0] += 1
                                continue
                            }
                            try write(row, insert: true, db)
                            try logChange(row, .create, db)
                            try audit.append(
                                AuditEvent(
                                    time: context.time, actor: context.actor.rawValue, action: .create, recordID: row.recordID,
                                    detail: row.auditNote), db)
                            counts.created[row.kind, default: 0] += 1
                        }
                    }
                }
                if dryRun || !refusals.isEmpty { throw ImportRolledBack() }
            }
        } catch is ImportRolledBack {
            return LineImport(counts: counts, refusals: refusals, written: false)
        }
        return LineImport(counts: counts, refusals: refusals, written: true)
    }

    /// Every source reference of a live record of this node, with its record and the digest
    /// of the line that last left it (nil once anything else changed it).
    private static func knownSources(_ db: Database) throws -> [SourceReference: (id: RecordID, digest: [UInt8]?)] {
        var known: [SourceReference: (id: RecordID, digest: [UInt8]?)] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT id, source_system, source_id, source_digest FROM record WHERE source_system IS NOT NULL")
        while let row = try rows.next() {
            guard let source = SourceReference(system: row["source_system"], id: row["source_id"]), let id = RecordID(row["id"] as String)
            else { continue }
            known[source] = (id, (row["source_digest"] as String?).flatMap(Hex.decode))
        }
        return known
    }

    /// Decides what a line is, on a producer thread: only lines that change a known record,
    /// and new records, are left for the writer to do anything with.
    private static func prepare(
        _ line: Int, _ read: Result<ImportLine, UnreadableLine>, known: [SourceReference: (id: RecordID, digest: [UInt8]?)],
        today: CalendarDate, allowUnusualAges: Bool, encode: (RecordDraft, SourceReference?, [UInt8]) -> EncodedRecord
    ) -> PreparedLine {
        let importLine: ImportLine
        switch read {
        case .failure(let unreadable): return .refused(line: line, problems: unreadable.problems)
        case .success(let read): importLine = read
        }
        if let source = importLine.source, let record = known[source] {
            if record.digest == importLine.digest { return .unchanged(line: line, source: source) }
            return .existing(line: line, id: record.id, importLine: importLine)
        }
        do {
            return .new(
                line: line,
                row: encode(try importLine.draft(today: today, allowUnusualAges: allowUnusualAges), importLine.source, importLine.digest))
        } catch {
            return .refused(line: line, problems: error.issues.map(\.description))
        }
    }

    private enum ImportedUpdate {
        case updated
        case unchanged
        case refused([String])
    }

    /// Applies a line to the live record its source names, as a merge patch, with the
    /// validation, version and audit of `update`.
    private func applyImported(
        _ line: ImportLine, to id: RecordID, today: CalendarDate, allowUnusualAges: Bool, context: OperationContext,
        audit: inout AuditAppender, _ db: Database
    ) throws -> ImportedUpdate {
        let current = try liveRecord(id, db)
        guard line.kind == current.kind else {
            let named = line.kind.map { "a \($0.rawValue) line" } ?? "a line without a valid kind"
            return .refused([
                "kind: \(named) has the source of \(current.kind.rawValue) record \(id); a source names one record, of one kind: check the source reference"
            ])
        }
        let draft: RecordDraft
        do {
            draft = try RecordDraft.read(
                from: current.editableJSON.merging(patch: line.patch), kind: current.kind, today: today, editing: current,
                allowUnusualAges: allowUnusualAges)
        } catch {
            return .refused(error.issues.map(\.description))
        }
        guard let source = line.source else { return .refused(["source: is required to update a record"]) }
        guard let updated = current.updated(with: draft, by: node, at: context.time) else {
            try setSource(source, digest: line.digest, of: id, db)
            return .unchanged
        }
        try writeEdit(from: current, to: updated, draft: draft, cause: "imported from \(source.system)", context: context, audit: &audit, db)
        try setSource(source, digest: line.digest, of: id, db)
        return .updated
    }

    /// Records a record's source reference and the digest of the line that last left it.
    private func setSource(_ source: SourceReference, digest: [UInt8], of id: RecordID, _ db: Database) throws {
        try db.cachedStatement(sql: "UPDATE record SET source_system = ?, source_id = ?, source_digest = ? WHERE id = ?")
            .execute(arguments: [source.system, source.id, Hex.encode(digest), id.description])
    }
}
