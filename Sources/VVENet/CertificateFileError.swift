import Foundation
import VVECore

/// A problem with certificate or key files, saying which file and what to do.
package struct CertificateFileError: Error, Sendable, Equatable, CustomStringConvertible {
    package var message: String

    package init(_ message: String) {
        self.message = message
    }

    package var description: String { message }
}

/// Reading and writing PEM files with the permissions that keep keys private.
package enum PEMFiles {
    /// Writes a new file that must not exist yet, with `mode`. A private key gets 0600 from
    /// the moment it exists: it is never briefly readable by others.
    package static func create(_ path: String, contents: String, mode: mode_t) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            if errno == EEXIST {
                throw CertificateFileError("\(path) already exists; vve never overwrites keys or certificates: move it aside or choose another path")
            }
            throw CertificateFileError("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        // The umask may have narrowed the mode; set it exactly.
        fchmod(descriptor, mode)
        let bytes = Array(contents.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard result > 0 else {
                throw CertificateFileError("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            written += result
        }
        guard fsync(descriptor) == 0 else { throw CertificateFileError("cannot write \(path): \(String(cString: strerror(errno)))") }
    }

    /// The text of a PEM file, or an error naming it.
    /// Like `create`, but the file appears whole or not at all: it is written beside `path`
    /// and linked into place, so a running node that looks for it never reads half of it.
    package static func createAtomically(_ path: String, contents: String, mode: mode_t) throws {
        let partial = path + ".partial-\(getpid())"
        try create(partial, contents: contents, mode: mode)
        defer { unlink(partial) }
        guard link(partial, path) == 0 else {
            if errno == EEXIST {
                throw CertificateFileError("\(path) already exists; vve never overwrites keys or certificates: move it aside or choose another path")
            }
            throw CertificateFileError("cannot create \(path): \(String(cString: strerror(errno)))")
        }
    }

    package static func read(_ path: String, what: String) throws -> String {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CertificateFileError("\(what) \(path) does not exist; check the path")
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw CertificateFileError("\(what) \(path) cannot be read; check its permissions")
        }
        return text
    }

    /// Refuses a private key that anyone but its owner can read or write.
    package static func requirePrivate(_ path: String, what: String = "private key") throws {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw CertificateFileError("\(what) \(path) does not exist; create it with `vve cert request`")
        }
        let mode = status.st_mode & 0o777
        if mode & 0o077 != 0 {
            throw CertificateFileError(
                "\(what) \(path) has mode \(String(mode, radix: 8)), readable by group or others; run `chmod 600 \(path)` and check who may have copied it"
            )
        }
    }
}

extension Timestamp {
    /// The instant of a `Date`, to the millisecond.
    package init(_ date: Date) {
        self.init(millisecondsSinceEpoch: Int64((date.timeIntervalSince1970 * 1000).rounded(.down)))
    }
}
