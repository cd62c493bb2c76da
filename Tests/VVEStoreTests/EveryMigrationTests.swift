import Foundation
import GRDB
import Testing
import VVECore
import VVETestSupport

@testable import VVEStore

/// A store left at any earlier migration opens with this vve: the remaining migrations apply,
/// and the store then works whole: records, the audit chain, SQLite's own check.
@Suite struct EveryMigrationTests {
    @Test func aStoreAtEveryEarlierSchemaMigratesAndWorks() throws {
        let identifiers = Schema.migrator.migrations
        #expect(identifiers.count > 20 && identifiers.first == "2026-11-node-meta")
        let folder = TemporaryDirectory()
        for (index, identifier) in identifiers.enumerated() {
            let path = folder.file("store-\(index).sqlite")
            let queue = try DatabaseQueue(path: path)
            try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA application_id = \(Schema.applicationID)") }
            try Schema.migrator.migrate(queue, upTo: identifier)
            try queue.write { db in try db.execute(sql: "INSERT INTO node_meta(key, value) VALUES ('node.name', 'camden')") }
            try queue.close()
            chmod(path, 0o600)

            let store = try CaseStore.open(at: path)
            let applied = try store.reading { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
            #expect(applied == identifiers, "from \(identifier)")
            let records = try store.importDrafts(drafts(5, seed: UInt64(index + 1)), context: context())
            #expect(records.count == 5, "from \(identifier)")
            guard case .intact(let count, _) = try store.verifyAudit() else {
                Issue.record("the audit chain is broken after migrating from \(identifier)")
                continue
            }
            #expect(count >= 1, "from \(identifier)")
            #expect(try store.integrityCheck() == "ok", "from \(identifier)")
        }
    }
}
