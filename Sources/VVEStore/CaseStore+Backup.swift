import GRDB
import VVECore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `CaseStore.backup` wrote.
package struct BackupSummary: Sendable, Equatable {
    /// The backup's incarnation: the one the store takes on once it is restored from it.
    package var incarnation: String
    /// The last change-log sequence and audit entry the backup holds.
    package var changeLogHead: Int64
    package var auditHead: Int64
}

extension CaseStore {
    /// Writes a consistent copy of the whole store to a new file at `path` (mode 0600), with
    /// SQLite's online backup, while the store stays open for reading and writing.
    ///
    /// The copy gets an incarnation of its own. Restored, it then tells every peer that its
    /// change log restarted: the changes it logs after the restore reuse sequence numbers
    /// that peers passed before, and without a new incarnation they would skip them. The
    /// backup is audited here as an export of everything, by `context.actor`.
    package func backup(to path: String, context: OperationContext) throws -> BackupSummary {
        try createPrivateFile(at: path)
        do {
            let copy = try Self.translatingErrors(path: path) { try DatabaseQueue(path: path) }
            defer { try? copy.close() }
            try Self.translatingErrors(path: path) { try writer.backup(to: copy) }
            var generator = SystemRandomNumberGenerator()
            let incarnation = Hex.encode((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
            let summary = try copy.write { db in
                try db.execute(sql: "UPDATE node_meta SET value = ? WHERE key = 'incarnation'", arguments: [incarnation])
                return BackupSummary(
                    incarnation: incarnation, changeLogHead: try Int64.fetchOne(db, sql: "SELECT max(seq) FROM change_log") ?? 0,
                    auditHead: try Int64.fetchOne(db, sql: "SELECT max(seq) FROM audit_log") ?? 0)
            }
            try audit([
                AuditEvent(
                    time: context.time, actor: context.actor.rawValue, action: .export,
                    detail:
                        "backup of the whole store written to \(path): change log to \(summary.changeLogHead), audit log to \(summary.auditHead), incarnation \(incarnation)"
                )
            ])
            return summary
        } catch {
            // A backup that did not finish is no backup: nothing half-written is left behind.
            unlink(path)
            throw error
        }
    }
}
