import GRDB
import GRDBSQLite

/// Runs a prepared statement with values bound straight through SQLite's C API.
///
/// An import writes three rows per record; GRDB's `StatementArguments` box every value
/// (an array of existentials, then `DatabaseValue`s), which costs the writing thread dearly
/// on an import (docs/benchmarks.md). Only the insert hot paths use this; GRDB still prepares, caches and
/// owns the statement, and the transaction is GRDB's.
struct DirectBinding {
    private let handle: OpaquePointer
    private var position: Int32 = 1

    /// SQLite copies the bytes during the bind call, so a temporary buffer is safe.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// Binds with `bind`, then steps the statement once, expecting no rows back.
    static func execute(_ statement: Statement, _ db: Database, bind: (inout DirectBinding) -> Void) throws {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        var binding = DirectBinding(handle: handle)
        bind(&binding)
        precondition(binding.position - 1 == sqlite3_bind_parameter_count(handle), "every parameter must be bound")
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: statement.sql)
        }
    }

    /// Binds text, or NULL for nil.
    mutating func text(_ value: String?) {
        if var value {
            value.withUTF8 { bytes in
                _ = sqlite3_bind_text(
                    handle, position, bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, Int32(bytes.count),
                    Self.transient)
            }
        } else {
            sqlite3_bind_null(handle, position)
        }
        position += 1
    }

    /// Binds text already encoded as UTF-8 (empty text too: never NULL).
    mutating func text(utf8 bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress, !buffer.isEmpty {
                _ = sqlite3_bind_text(
                    handle, position, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(buffer.count), Self.transient)
            } else {
                _ = sqlite3_bind_text(handle, position, "", 0, Self.transient)
            }
        }
        position += 1
    }

    /// Binds an integer.
    mutating func integer(_ value: Int64) {
        sqlite3_bind_int64(handle, position, value)
        position += 1
    }
}
