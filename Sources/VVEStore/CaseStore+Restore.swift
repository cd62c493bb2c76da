import GRDB
import VVECore

extension CaseStore {
    /// Restores the records of an export of this node (`vve record export`), as they were:
    /// ids, versions, times, tombstones and source references. One transaction, all or
    /// nothing, as `importLines`.
    ///
    /// Each record is logged as a change, so peers read it as they read any new record; a
    /// node rebuilt with `vve init` has a new incarnation, so they read its log from the
    /// start. A record already held at the same version is left alone. A record held at
    /// another version, a record of another owner and an id this node did not make are
    /// refused: an export restores a node, it does not merge into one. The record's replica
    /// is restored as written by this node at its version: the writes peers made to it are
    /// in its fields, not in separate registers.
    package func restoreExport(
        _ header: ExportHeader, lines: [(line: Int, read: Result<ExportedRecord, UnreadableLine>)], dryRun: Bool, context: OperationContext
    ) throws -> LineImport {
        guard header.node == node else {
            throw StoreError.exportOfAnotherNode(exported: header.node, here: node)
        }
        var counts = ImportCounts()
        var refusals: [RefusedLine] = []
        func refuse(_ line: Int, _ problems: [String]) {
            refusals.append(RefusedLine(line: line, problems: problems))
            counts.refused += 1
        }
        let detail = "restored from the export of \(header.node) made at \(header.exportedAt)"
        do {
            try transaction { db in
                var audit = try AuditAppender(db)
                var seen: [RecordID: Int] = [:]
                for (line, read) in lines {
                    let exported: ExportedRecord
                    switch read {
                    case .failure(let unreadable):
                        refuse(line, unreadable.problems)
                        continue
                    case .success(let record): exported = record
                    }
                    let record = exported.record
                    guard record.owner == node, record.id.isMade(by: node) else {
                        refuse(
                            line,
                            [
                                "id: \(record.id) is a record of \(record.owner), not one this node made; an export holds its node's own records only"
                            ])
                        continue
                    }
                    if let first = seen[record.id] {
                        refuse(line, ["id: \(record.id) is also on line \(first); an export holds each record once"])
                        continue
                    }
                    seen[record.id] = line
                    if let held = try fetchRecord(record.id, db) {
                        if held.version == record.version {
                            counts.unchanged += 1
                        } else {
                            refuse(
                                line,
                                [
                                    "version: \(record.id) is held here at version \(held.version), and the export has \(record.version); restore an export into a new node (`vve init`), never over changed records"
                                ])
                        }
                        continue
                    }
                    let row = EncodedRecord(record, source: record.isErased ? nil : exported.source)
                    try write(row, insert: true, db)
                    try logChange(row, record.isErased ? .erase : .create, db)
                    try audit.append(
                        AuditEvent(time: context.time, actor: context.actor.rawValue, action: .create, recordID: record.id, detail: detail), db)
                    counts.created[record.kind, default: 0] += 1
                }
                if dryRun || !refusals.isEmpty { throw RestoreRolledBack() }
            }
        } catch is RestoreRolledBack {
            return LineImport(counts: counts, refusals: refusals, written: false)
        }
        return LineImport(counts: counts, refusals: refusals, written: true)
    }
}

/// Rolls a restore's transaction back once every line has been read.
private struct RestoreRolledBack: Error {}
