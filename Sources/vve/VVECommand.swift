import ArgumentParser
import Foundation
import VVECore
import VVEConfig
import VVEStore

/// The `vve` command line.
@main
struct VVECommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vve",
        abstract: "A borough's node in the regional exploitation-safeguarding network.",
        discussion: "Run commands inside a node's folder, or pass --dir or set VVE_HOME. README.md documents every command.",
        version: "0.1.0",
        subcommands: [
            DemoCommand.self, InitCommand.self, RecordCommand.self, AuditCommand.self, CertCommand.self, PeerCommand.self, ServeCommand.self,
            PolicyCommand.self, SyncCommand.self, LookupCommand.self, StatusCommand.self, CopyCommand.self, ConflictsCommand.self, ReviewCommand.self, LinkageKeyCommand.self, MatchQualityCommand.self, MatchCurveCommand.self,
            GenerateCommand.self,
        ])
}

/// `vve init`: creates a node's folder, configuration and store.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create a node: node.yaml and vve.sqlite in a folder. Never overwrites.")

    @Option(help: ArgumentHelp("The node's authority name, such as camden.", valueName: "NAME"))
    var name: String

    @OptionGroup var location: NodeLocation

    func run() throws {
        try runReportingFailures {
            guard let node = AuthorityName(name) else {
                throw CommandFailure("--name \(name): the node name \(AuthorityName.rule)", status: .usage)
            }
            let directory = location.directory
            let (configuration, _) = try Self.createNode(node, in: directory)
            Output.line("Created node \(node) in \(directory)")
            Output.line("  \(NodeConfiguration.fileName)  configuration")
            Output.line("  \(configuration.database)  case store (SQLite, WAL, mode 0600)")
        }
    }

    /// Creates node.yaml and the store in `directory`, refusing to overwrite either.
    static func createNode(_ node: AuthorityName, in directory: String) throws -> (NodeConfiguration, CaseStore) {
        let configuration = NodeConfiguration(name: node)
        let configPath = directory + "/" + NodeConfiguration.fileName
        let databasePath = directory + "/" + configuration.database
        let files = FileManager.default
        for path in [configPath, databasePath] where files.fileExists(atPath: path) {
            throw CommandFailure(
                "\(path) already exists; vve never overwrites a node: choose another --dir, or remove the old node deliberately",
                status: .nodeExists)
        }
        try files.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let store = try CaseStore.create(at: databasePath, node: node)
        // The configuration is written last, so a failed init leaves no node.yaml pointing at nothing.
        guard files.createFile(atPath: configPath, contents: Data(configuration.yaml.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CommandFailure("cannot write \(configPath)", status: .storeError)
        }
        return (configuration, store)
    }
}

/// `vve generate`: synthetic records for tests, benchmarks and demos.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Print synthetic, fictional records as NDJSON, ready for `vve record import`.",
        discussion: "The same seed, owner and day always give the same records.")

    @Option(help: "Only this kind (default: a realistic mix).")
    var kind: RecordKind?

    @Option(help: "How many records.")
    var count: Int = 10

    @Option(help: "The random seed.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("The borough the records belong to.", valueName: "NAME"))
    var owner: String = "camden"

    func run() throws {
        try runReportingFailures {
            guard let ownerName = AuthorityName(owner) else {
                throw CommandFailure("--owner \(owner): the name \(AuthorityName.rule)", status: .usage)
            }
            guard count >= 0 else { throw CommandFailure("--count must be 0 or more", status: .usage) }
            var generator = SyntheticRecords(seed: seed, owner: ownerName, today: Clock.today())
            var buffer = ""
            for index in 0..<count {
                buffer += JSONWriter.canonical(generator.nextDraft(kind: kind).jsonValue) + "\n"
                if index % 1000 == 999 {
                    FileHandle.standardOutput.write(Data(buffer.utf8))
                    buffer = ""
                }
            }
            FileHandle.standardOutput.write(Data(buffer.utf8))
        }
    }
}
