import ArgumentParser
import Foundation
import VVEConfig
import VVECore
import VVENet
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

extension NodeLocation {
    /// Loads the linkage key node.yaml names, refusing one others can read.
    func linkageKey(_ configuration: NodeConfiguration) throws -> LinkageKey {
        let path = resolve(configuration.linkageKey)
        guard FileManager.default.fileExists(atPath: path) else {
            throw CommandFailure(
                "no linkage key at \(path); every node of a region uses the same one: copy it there (mode 0600), or create the region's first with `vve linkage-key create \(path)`",
                status: .configError)
        }
        try PEMFiles.requirePrivate(path, what: "linkage key")
        guard let key = LinkageKey(hex: try PEMFiles.read(path, what: "linkage key")) else {
            throw CommandFailure("linkage key \(path) is not 64 or more hex digits; restore it from the region's copy", status: .configError)
        }
        return key
    }
}
