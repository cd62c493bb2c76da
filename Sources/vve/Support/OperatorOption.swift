import ArgumentParser
import Foundation
import VVEConfig
import VVECore
import VVEStore

/// The operator responsible for a command: `--operator`, else `VVE_OPERATOR`.
struct OperatorOption: ParsableArguments {
    @Option(
        name: .customLong("operator"),
        help: ArgumentHelp("Who is doing this, for the audit log (default: $VVE_OPERATOR).", valueName: "NAME"))
    var operatorName: String?

    /// The operation context for now, or a usage failure when no operator is named.
    func context() throws -> OperationContext {
        guard let raw = operatorName ?? ProcessInfo.processInfo.environment["VVE_OPERATOR"], !raw.isEmpty else {
            throw CommandFailure(
                "no operator: every command that touches case data is audited under a name; pass --operator NAME or set VVE_OPERATOR",
                status: .usage)
        }
        do {
            return OperationContext(actor: try OperatorName(raw), time: Clock.now())
        } catch {
            throw CommandFailure(error.description, status: .usage)
        }
    }
}

/// Parses a required reason option into a justification, failing as a usage error.
func justification(_ text: String?, option: String) throws -> Justification {
    guard let text else {
        throw CommandFailure("--\(option) is required: say why, in a few words; it is kept in the audit log", status: .usage)
    }
    do {
        return try Justification(text, field: option)
    } catch {
        throw CommandFailure(error.description, status: .usage)
    }
}
