import ArgumentParser
import Foundation
import VVEConfig
import VVECore
import VVEStore

/// `vve init`: creates a node's folder, configuration and store.
struct InitCommand: ReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create a node: node.yaml and vve.sqlite in a folder. Never overwrites.",
        discussion: """
            It prints the next steps: a key and a certificate request for the region's CA, the region's linkage key, \
            and each peer.

            Example:
              vve init --name camden --dir ~/vve/camden

            Exit codes: 0 created; 64 the name is not an authority name; 73 a node already exists there.
            """)

    @Option(help: ArgumentHelp("The node's authority name, such as camden.", valueName: "NAME"))
    var name: String

    @OptionGroup var location: NodeLocation

    func checkOptions() throws {
        guard AuthorityName(name) != nil else {
            throw CommandFailure("--name \(name): the node name \(AuthorityName.rule)", status: .usage)
        }
    }

    func execute() throws {
        let node = AuthorityName(name)!
        let directory = location.directory
        let (configuration, _) = try Self.createNode(node, in: directory)
        Output.line("Created node \(node) in \(directory)")
        Output.line("  \(NodeConfiguration.fileName)  configuration")
        Output.line("  \(configuration.database)  case store (SQLite, WAL, mode 0600)")
        Output.line("Next (docs/guide/certificates-and-peers.md):")
        Output.line("  vve cert request --node \(node) --dns HOSTNAME --dir \(directory)   # then the region CA signs the .csr")
        Output.line(
            "  vve linkage-key install REGION/linkage.key --dir \(directory)   # the region's key; `vve linkage-key create` makes the first"
        )
        Output.line("  vve peer add PEER --url https://HOST:PORT --role borough --cert PEER.pem --dir \(directory)   # each peer, then its policy")
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
