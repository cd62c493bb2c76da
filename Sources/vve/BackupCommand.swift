import ArgumentParser
import Foundation
import VVECore
import VVEStore

/// `vve backup FILE`: a consistent copy of the store, taken while the node serves.
struct BackupCommand: AuditedCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Write a consistent copy of the node's store to a new file, while the node runs.",
        discussion: """
            SQLite's online backup copies the whole store, records, copies, change log and audit log, as it stood at one \
            moment; `vve serve` goes on reading and writing meanwhile. The file is readable by its owner only, and the backup \
            is audited as an export.

            The copy has a store incarnation of its own. Restored (stop the node, put the file in place of vve.sqlite, start \
            it), it tells every peer that its change log restarted, and they read it again from the start, so that no change \
            made after the restore is skipped. Copy the store file by other means only with the node stopped, and restore \
            such a copy only with `vve backup` of it: a plain copy restored keeps the incarnation peers knew.

            Example:
              vve backup /srv/backups/camden-2026-11-25.sqlite --dir ~/vve/camden

            Exit codes: 0 written; 73 the file already exists.
            """)

    @Argument(help: "The file to write; it must not exist.")
    var file: String

    @OptionGroup var location: NodeLocation
    @OptionGroup var operatorOption: OperatorOption

    func execute(on node: OpenedNode, context: OperationContext) throws {
        let path = URL(fileURLWithPath: file).standardizedFileURL.path
        guard !FileManager.default.fileExists(atPath: path) else {
            throw CommandFailure("\(file) already exists; vve never overwrites a file: name a new one", status: .nodeExists)
        }
        let summary = try node.store.backup(to: path, context: context)
        Output.line(
            "Backup written to \(path): change log to \(summary.changeLogHead), audit log to \(summary.auditHead). Restored, the store becomes incarnation \(summary.incarnation)."
        )
    }
}
