import VVECore

/// Why the case store could not do what was asked. Each message says what to do about it.
package enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// There is no database file where one was expected.
    case missing(path: String)
    /// A database already exists where a new one was to be created.
    case alreadyExists(path: String)
    /// The file exists but is not an SQLite database.
    case notADatabase(path: String)
    /// The file is an SQLite database of some other application.
    case notAVVEStore(path: String, applicationID: Int32)
    /// The database was written by a newer vve, whose migrations this build does not know.
    case newerSchema(path: String, unknownMigrations: [String])
    /// No record has this id.
    case recordNotFound(RecordID)
    /// The record was erased; only its tombstone remains.
    case recordErased(RecordID, at: Timestamp)
    /// A stored record no longer parses: the file was edited outside vve.
    case corruptRecord(RecordID, ValidationError)
    /// A record made in code would not read back from the JSON it would be stored as.
    case unreadableDraft(RecordID, ValidationError)
    /// SQLite refused an operation.
    case database(path: String, message: String)
    /// A peer sent a write this node's policy does not accept from it; nothing was applied.
    case writeRefused(peer: AuthorityName, recordID: RecordID?, reason: String)
    /// No conflict has this id, or it was resolved.
    case conflictNotFound(Int64)
    /// The choice given cannot resolve the conflict.
    case conflictChoice(Int64, reason: String)
    /// A local edit of a shared copy touches what the owner does not accept from this node.
    case copyEditRefused(RecordID, field: String, reason: String)
    /// An export of another node's records was to be restored here.
    case exportOfAnotherNode(exported: AuthorityName, here: AuthorityName)

    package var description: String {
        switch self {
        case .missing(let path):
            "no vve database at \(path); run `vve init --name NAME` to create a node, or pass --dir to the node's folder"
        case .alreadyExists(let path):
            "a database already exists at \(path); vve never overwrites a node: choose another --dir, or remove it deliberately"
        case .notADatabase(let path):
            "\(path) is not an SQLite database (the file header is wrong); restore the node's vve.sqlite from backup"
        case .notAVVEStore(let path, let applicationID):
            "\(path) is an SQLite database but not a vve store (application_id \(applicationID)); point --dir at a folder made by `vve init`"
        case .newerSchema(let path, let unknown):
            "\(path) was written by a newer version of vve (unknown migrations: \(unknown.joined(separator: ", "))); upgrade vve to open it"
        case .recordNotFound(let id):
            "no record with id \(id); `vve record list` shows the records this node holds"
        case .recordErased(let id, let time):
            "record \(id) was erased at \(time); only its tombstone remains and it cannot be changed"
        case .corruptRecord(let id, let error):
            "stored record \(id) does not parse (\(error.issues.first?.redactedDescription ?? "unknown problem")); the database was changed outside vve: run `vve audit verify` and restore from backup"
        case .unreadableDraft(let id, let error):
            "record \(id) was not written, nor any other of its import: it would be stored as JSON that does not read back (\(error.issues.map(\.redactedDescription).joined(separator: "; "))); the program that made it built it past the limits a record read from JSON is held to, so report this message to its maintainers"
        case .database(let path, let message):
            "database error on \(path): \(message)"
        case .conflictNotFound(let id):
            "no open conflict with id \(id); `vve conflicts list` shows the open ones"
        case .conflictChoice(let id, let reason):
            "conflict \(id) was not resolved: \(reason)"
        case .copyEditRefused(let id, let field, let reason):
            "copy \(id) was not changed: \(field) \(reason)"
        case .exportOfAnotherNode(let exported, let here):
            "this is an export of \(exported)'s records, and this node is \(here): an export is restored only into a node of the same name, since every record id is bound to its owner; run `vve init --name \(exported)` for a new node and import it there"
        case .writeRefused(let peer, let recordID, let reason):
            "write from \(peer)\(recordID.map { " to record \($0)" } ?? "") refused, nothing of it applied: \(reason); the refusal is audited"
        }
    }
}
