import Foundation
import GRDB
import Testing
import VVECore
import VVETestSupport

@testable import VVEStore

/// Behaviour that only a real database file shows: atomicity under failure, tampering,
/// foreign and newer files, permissions.
@Suite struct StoreFileTests {
    @Test func aFailureMidImportRollsBackEverything() throws {
        let folder = TemporaryDirectory()
        let store = try CaseStore.create(at: folder.file("vve.sqlite"), node: camden)
        _ = try store.importDrafts(drafts(5, seed: 3), context: context())
        let before = try tableCounts(store)
        // Fail the 8th insert of the next import, deep inside its transaction.
        try store.transaction { db in
            try db.execute(
                sql: """
                    CREATE TRIGGER fail_midway BEFORE INSERT ON record WHEN (SELECT COUNT(*) FROM record) >= 12
                    BEGIN SELECT RAISE(ABORT, 'injected failure'); END
                    """)
        }
        #expect(throws: StoreError.self) { try store.importDrafts(drafts(20, seed: 4), context: context(1)) }
        #expect(try tableCounts(store) == before)
        #expect(try store.verifyAudit() == .intact(entries: 5, headHash: try store.auditEntries(limit: 1)[0].hash))
        let reopened = try CaseStore.open(at: folder.file("vve.sqlite"))
        #expect(try tableCounts(reopened) == before)
    }

    @Test func tamperingIsFoundAtTheFirstBadEntry() throws {
        let folder = TemporaryDirectory()
        let store = try CaseStore.create(at: folder.file("vve.sqlite"), node: camden)
        _ = try store.importDrafts(drafts(10), context: context())
        try store.transaction { db in try db.execute(sql: "UPDATE audit_log SET actor = 'nobody' WHERE seq = 4") }
        #expect(try store.verifyAudit() == .broken(AuditBreak(sequence: 4, reason: "was altered: its content no longer matches its hash")))

        let second = TemporaryDirectory()
        let other = try CaseStore.create(at: second.file("vve.sqlite"), node: camden)
        _ = try other.importDrafts(drafts(10), context: context())
        try other.transaction { db in try db.execute(sql: "DELETE FROM audit_log WHERE seq = 6") }
        #expect(
            try other.verifyAudit()
                == .broken(AuditBreak(sequence: 6, reason: "is missing: the next entry found is 7, so entries were deleted or renumbered")))
    }

    @Test func createRefusesAnExistingFileAndKeepsItPrivate() throws {
        let folder = TemporaryDirectory()
        let path = folder.file("vve.sqlite")
        _ = try CaseStore.create(at: path, node: camden)
        #expect(throws: StoreError.alreadyExists(path: path)) { try CaseStore.create(at: path, node: camden) }
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func aFileThatIsNotSQLiteIsRefusedAndLeftAlone() throws {
        let folder = TemporaryDirectory()
        let path = folder.file("vve.sqlite")
        let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        #expect(FileManager.default.createFile(atPath: path, contents: garbage))
        #expect(throws: StoreError.notADatabase(path: path)) { try CaseStore.open(at: path) }
        #expect(FileManager.default.contents(atPath: path) == garbage)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test func anotherApplicationsDatabaseIsRefused() throws {
        let folder = TemporaryDirectory()
        let path = folder.file("other.sqlite")
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "CREATE TABLE notes(text TEXT)") }
        try queue.close()
        #expect(throws: StoreError.notAVVEStore(path: path, applicationID: 0)) { try CaseStore.open(at: path) }
    }

    @Test func aNewerSchemaIsRefusedWithoutChangingTheFile() throws {
        let folder = TemporaryDirectory()
        let path = folder.file("vve.sqlite")
        let store = try CaseStore.create(at: path, node: camden)
        try store.transaction { db in
            try db.execute(sql: "INSERT INTO grdb_migrations(identifier) VALUES ('2099-01-future-feature')")
        }
        #expect(throws: StoreError.newerSchema(path: path, unknownMigrations: ["2099-01-future-feature"])) {
            try CaseStore.open(at: path)
        }
    }

    @Test func aMissingFileIsNotCreatedByOpen() {
        let folder = TemporaryDirectory()
        let path = folder.file("vve.sqlite")
        #expect(throws: StoreError.missing(path: path)) { try CaseStore.open(at: path) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func theStoreIsInWALModeAndSound() throws {
        let folder = TemporaryDirectory()
        let store = try CaseStore.create(at: folder.file("vve.sqlite"), node: camden)
        _ = try store.importDrafts(drafts(50), context: context())
        #expect(try store.reading { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "wal")
        #expect(try store.transaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 2, "FULL")
        #expect(try store.transaction { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") } == -CaseStore.writerPageCacheKiB)
        #expect(try store.reading { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") } == -2000, "readers keep the default")
        #expect(try store.integrityCheck() == "ok")
        #expect(try CaseStore.open(at: folder.file("vve.sqlite")).node == camden)
    }

    @Test func storedMessagesSayWhatToDo() {
        let id = RecordID("01a209d4-e4af-71d9-9c1a-2533df440516")!
        #expect(StoreError.recordNotFound(id).description == "no record with id \(id); `vve record list` shows the records this node holds")
        #expect(
            StoreError.newerSchema(path: "/n/vve.sqlite", unknownMigrations: ["2099-x"]).description
                == "/n/vve.sqlite was written by a newer version of vve (unknown migrations: 2099-x); upgrade vve to open it")
    }
}
