import GRDB
import Synchronization
import VVECore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Who performs an operation, and when. Every write and every read of case data carries one,
/// so that the audit log can say who did what.
package struct OperationContext: Sendable {
    package var actor: OperatorName
    package var time: Timestamp

    package init(actor: OperatorName, time: Timestamp) {
        self.actor = actor
        self.time = time
    }
}

/// A node's case store: its records, change log and hash-chained audit log in one SQLite
/// database. Each public operation is one transaction: it happens whole, with its change-log
/// and audit entries, or not at all.
package final class CaseStore: Sendable {
    /// The node this store belongs to; it owns the records created here.
    package let node: AuthorityName
    /// The database file, or `:memory:`.
    package let path: String
    /// Which life of the store this is (32 hex digits), announced with every batch: a
    /// store restored from a backup has another, so its peers read its change log afresh.
    package let incarnation: String
    let writer: any DatabaseWriter
    /// The millisecond of the last ids this store made, and the first sequence still free in
    /// it (`reserveSequences`).
    let issuedSequences = Mutex<(millisecond: Int64, next: Int)>((-1, 0))

    private init(node: AuthorityName, path: String, writer: any DatabaseWriter) throws {
        self.node = node
        self.path = path
        self.writer = writer
        self.incarnation = try Self.translatingErrors(path: path) {
            try writer.read { db in try String.fetchOne(db, sql: "SELECT value FROM node_meta WHERE key = 'incarnation'") } ?? ""
        }
    }

    /// Creates the store of a new node. Refuses to touch an existing file.
    ///
    /// The file is created with mode 0600 before SQLite opens it; SQLite gives its WAL and
    /// shared-memory files the same mode, so case data is never readable by other users.
    package static func create(at path: String, node: AuthorityName) throws -> CaseStore {
        try createPrivateFile(at: path)
        let pool = try openPool(at: path)
        try translatingErrors(path: path) {
            try Schema.migrator.migrate(pool)
            try pool.write { db in
                try db.execute(sql: "INSERT INTO node_meta(key, value) VALUES ('node.name', ?)", arguments: [node.rawValue])
            }
        }
        return try CaseStore(node: node, path: path, writer: pool)
    }

    /// Opens an existing node's store, applying any migrations this build adds.
    ///
    /// The file is first inspected read-only, so a file that is not a vve store, or that a newer
    /// vve wrote, is refused without a single byte of it changing.
    package static func open(at path: String) throws -> CaseStore {
        guard access(path, F_OK) == 0 else { throw StoreError.missing(path: path) }
        try inspect(path: path)
        let pool = try openPool(at: path)
        let node = try translatingErrors(path: path) { () throws -> String? in
            try Schema.migrator.migrate(pool)
            return try pool.read { db in try String.fetchOne(db, sql: "SELECT value FROM node_meta WHERE key = 'node.name'") }
        }
        guard let node, let name = AuthorityName(node) else {
            throw StoreError.database(path: path, message: "the store does not record its node name; it was not made by `vve init`")
        }
        return try CaseStore(node: name, path: path, writer: pool)
    }

    /// An in-memory store, for unit tests of logic only.
    package static func inMemory(node: AuthorityName) throws -> CaseStore {
        let queue = try DatabaseQueue(configuration: configuration())
        try Schema.migrator.migrate(queue)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO node_meta(key, value) VALUES ('node.name', ?)", arguments: [node.rawValue])
        }
        return try CaseStore(node: node, path: ":memory:", writer: queue)
    }

    /// The writer connection's page cache, in KiB (`PRAGMA cache_size = -N`): enough to hold a
    /// 100,000-record import without spilling.
    static let writerPageCacheKiB = 262_144
    /// WAL pages between automatic checkpoints: 10,000 pages, about 40 MB.
    static let walCheckpointPages = 10_000

    private static func configuration() -> Configuration {
        var configuration = Configuration()
        // Several vve processes (the CLI, the server) may write one store: wait for the lock
        // rather than fail at once.
        configuration.busyMode = .timeout(15)
        configuration.prepareDatabase { db in
            // A large import is one transaction; with SQLite's default 2 MiB cache its dirty
            // pages spill to the WAL and are rewritten many times. Only the writer needs this:
            // the cache grows as it is used, and readers keep the default.
            if !db.configuration.readonly {
                try db.execute(sql: "PRAGMA cache_size = -\(writerPageCacheKiB)")
                // A sync commits a batch of about a thousand copies at a time, each a few MB of
                // WAL; checkpointing every 4 MB (SQLite's default) copied the busiest pages
                // (indexes, the audit log's tail) back into the file after nearly every batch.
                // Every 40 MB, a first sync spends a quarter less time committing.
                try db.execute(sql: "PRAGMA wal_autocheckpoint = \(walCheckpointPages)")
            }
        }
        return configuration
    }

    /// Opens the pool in WAL mode with every commit made durable.
    private static func openPool(at path: String) throws -> DatabasePool {
        try translatingErrors(path: path) {
            let pool = try DatabasePool(path: path, configuration: configuration())
            // FULL makes every commit durable across power loss, not only process crashes.
            // GRDB sets NORMAL on the writer when it enables WAL, after `prepareDatabase`,
            // so this has to come once the pool exists.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            return pool
        }
    }

    private static func inspect(path: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(15)
        try translatingErrors(path: path) {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.read { db in
                let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                guard applicationID == Schema.applicationID else {
                    throw StoreError.notAVVEStore(path: path, applicationID: applicationID)
                }
                let migrator = Schema.migrator
                if try migrator.hasBeenSuperseded(db) {
                    let known = Set(migrator.migrations)
                    let unknown = try migrator.appliedIdentifiers(db).subtracting(known).sorted()
                    throw StoreError.newerSchema(path: path, unknownMigrations: unknown)
                }
            }
            try queue.close()
        }
    }

    /// Runs `body`, turning SQLite's errors into `StoreError`s that say what to do.
    static func translatingErrors<T>(path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            switch error.resultCode {
            case .SQLITE_NOTADB: throw StoreError.notADatabase(path: path)
            default: throw StoreError.database(path: path, message: error.message ?? "\(error.resultCode)")
            }
        }
    }

    /// Runs one write transaction, taking the write lock at once so that concurrent processes
    /// queue instead of failing when they upgrade a read lock.
    func transaction<T>(_ body: (Database) throws -> T) throws -> T {
        try Self.translatingErrors(path: path) {
            try writer.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        }
    }

    /// `transaction`, waiting for the write lock and the writing without holding a thread:
    /// for the pull loop, whose batches would otherwise keep one of the few threads of the
    /// concurrency pool from the requests and reads that overlap them.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writer.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        } catch let error as DatabaseError {
            // The same translation as the synchronous `transaction`.
            return try Self.translatingErrors(path: path) { throw error }
        }
    }

    /// Runs one read-only snapshot.
    package func reading<T>(_ body: (Database) throws -> T) throws -> T {
        try Self.translatingErrors(path: path) { try writer.read(body) }
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    package func integrityCheck() throws -> String {
        try reading { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ") }
    }
}

/// Creates an empty file readable only by its owner, failing if anything is already there.
func createPrivateFile(at path: String) throws {
    let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
    if descriptor < 0 {
        if errno == EEXIST { throw StoreError.alreadyExists(path: path) }
        throw StoreError.database(path: path, message: "cannot create the file: \(String(cString: strerror(errno)))")
    }
    close(descriptor)
}
