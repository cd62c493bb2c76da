import ArgumentParser
import Foundation
import VVECore
import VVEConfig
import VVEStore

/// Where the node lives: `--dir`, else `VVE_HOME`, else the current folder.
struct NodeLocation: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The node's folder (default: $VVE_HOME, else the current folder).", valueName: "DIR"))
    var dir: String?

    /// The node folder, absolute.
    var directory: String {
        let chosen = dir ?? ProcessInfo.processInfo.environment["VVE_HOME"] ?? FileManager.default.currentDirectoryPath
        return URL(fileURLWithPath: chosen).standardizedFileURL.path
    }

    /// Reads node.yaml.
    func configuration() throws -> NodeConfiguration {
        let configPath = directory + "/" + NodeConfiguration.fileName
        guard FileManager.default.fileExists(atPath: configPath) else {
            throw CommandFailure(
                "no node.yaml in \(directory); run `vve init --name NAME --dir \(directory)`, or pass --dir or set VVE_HOME to a node's folder",
                status: .configError)
        }
        let text = try InputSource.readText(path: configPath)
        return try NodeConfiguration.parse(text, file: configPath)
    }

    /// The node's `Peers` folder.
    var peersFolder: String { directory + "/" + PeerDirectory.folderName }

    /// A path from node.yaml, resolved against the node's folder.
    func resolve(_ path: String) -> String { path.hasPrefix("/") ? path : directory + "/" + path }

    /// Reads node.yaml and opens the store it names, checking that both agree on the node.
    func openNode() throws -> (NodeConfiguration, CaseStore) {
        let configPath = directory + "/" + NodeConfiguration.fileName
        let configuration = try configuration()
        let databasePath = configuration.database.hasPrefix("/") ? configuration.database : directory + "/" + configuration.database
        let store = try CaseStore.open(at: databasePath)
        guard store.node == configuration.name else {
            throw CommandFailure(
                "\(configPath) names the node '\(configuration.name)' but \(databasePath) belongs to '\(store.node)'; fix `name:` in node.yaml",
                status: .configError)
        }
        return (configuration, store)
    }
}

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

/// The wall clock, in UTC.
enum Clock {
    /// The current instant, to the millisecond.
    static func now() -> Timestamp {
        Timestamp(millisecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    /// Today's date in UTC.
    static func today() -> CalendarDate { now().calendarDate }
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

extension RecordKind: ExpressibleByArgument {}
extension RecordStatus: ExpressibleByArgument {}
extension RiskLevel: ExpressibleByArgument {}
extension AuditAction: ExpressibleByArgument {}

extension RecordID: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}
