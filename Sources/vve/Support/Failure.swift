import ArgumentParser
import VVEConfig
import VVECore
import VVENet
import VVEStore

/// The process exit codes; docs/guide/cli.md, "Exit codes", documents them.
enum ExitStatus: Int32, CaseIterable {
    case success = 0
    /// `vve audit verify` found a broken chain.
    case auditBroken = 1
    /// The record named does not exist, or is erased and cannot be changed.
    case recordNotFound = 3
    /// `vve peer check` found the peer unreachable or its certificate wrong, or was refused.
    case peerCheckFailed = 4
    /// `vve lookup` found a hit, and some peer asked did not answer (`LookupReport.Outcome`).
    case lookupHitsIncomplete = 5
    /// Bad options: a missing operator or reason, an unknown flag.
    case usage = 64
    /// The input is not valid: malformed JSON, a field that breaks a rule.
    case invalidInput = 65
    /// An input file cannot be read.
    case noInput = 66
    /// `vve init` refused to overwrite an existing node.
    case nodeExists = 73
    /// The store cannot be used (not SQLite, not vve's, newer schema, I/O failure), or an
    /// output file cannot be written.
    case storeError = 74
    /// A lookup or report over the operator's or analyst's daily limit, or a retention sweep
    /// whose clock reads before the newest audit entry: try later.
    case rateLimited = 75
    /// The node's configuration is missing or invalid.
    case configError = 78
}

/// A command's failure: what to print and how to exit.
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    var status: ExitStatus

    init(_ message: String, status: ExitStatus) {
        self.message = message
        self.status = status
    }

    var description: String { message }
}

/// The async form of `reportingFailures`, for commands that serve or connect.
func reportingFailures(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        let failure = classify(error)
        Output.error(failure.message)
        throw ExitCode(failure.status.rawValue)
    }
}

/// Runs a command body, printing any failure as `vve: error: ...` on stderr with the right
/// exit code. ArgumentParser's own usage errors keep their code (64).
func reportingFailures(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        let failure = classify(error)
        Output.error(failure.message)
        throw ExitCode(failure.status.rawValue)
    }
}

/// The message and exit code of any error a command can meet.
func classify(_ error: any Error) -> CommandFailure {
    switch error {
    case let failure as CommandFailure:
        return failure
    case let invalid as VVECore.ValidationError:
        return CommandFailure(invalid.issues.map(\.description).joined(separator: "\n"), status: .invalidInput)
    case let syntax as JSONSyntaxError:
        return CommandFailure(syntax.description, status: .invalidInput)
    case let config as ConfigErrors:
        return CommandFailure(config.description, status: .configError)
    case let certificate as CertificateFileError:
        return CommandFailure(certificate.description, status: .configError)
    case let store as StoreError:
        switch store {
        case .recordNotFound, .recordErased, .conflictNotFound: return CommandFailure(store.description, status: .recordNotFound)
        case .writeRefused, .copyEditRefused, .conflictChoice, .exportOfAnotherNode: return CommandFailure(store.description, status: .invalidInput)
        case .alreadyExists: return CommandFailure(store.description, status: .nodeExists)
        default: return CommandFailure(store.description, status: .storeError)
        }
    default:
        return CommandFailure("\(error)", status: .storeError)
    }
}
