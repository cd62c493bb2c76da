import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import VVEConfig
import VVECore
import VVENet
import VVEStore
import VVESync

/// One in-process node of the demo region, running the services `vve serve` runs.
final class DemoNode: Sendable {
    let name: AuthorityName
    let role: PeerRole
    let directory: String
    let store: CaseStore
    let identity: NodeIdentity
    let running: NodeServices
    /// The port it listens on, once it does.
    let port: ListeningPort

    var registry: PeerRegistry { running.registry }
    var watcher: PeerFileWatcher { running.watcher }
    var signal: ChangeSignal { running.signal }

    init(name: AuthorityName, role: PeerRole, directory: String, store: CaseStore, identity: NodeIdentity, running: NodeServices, port: ListeningPort)
    {
        self.name = name
        self.role = role
        self.directory = directory
        self.store = store
        self.identity = identity
        self.running = running
        self.port = port
    }
}

/// The port a node listens on, once it does.
final class ListeningPort: Sendable {
    private let port = Mutex<Int?>(nil)

    var value: Int? {
        get { port.withLock { $0 } }
        set { port.withLock { $0 = newValue } }
    }
}

/// The region's nodes and their services.
struct DemoRegionNodes: Sendable {
    let nodes: [DemoNode]

    var services: [ServiceGroupConfiguration.ServiceConfiguration] { nodes.flatMap(\.running.services) }

    subscript(_ name: String) -> DemoNode { nodes.first { $0.name.rawValue == name }! }

    /// Makes the CA, the linkage key, and each node's folder, store, key and certificate, and
    /// builds every node's services as `vve serve` would, listening on a free loopback port.
    /// The VRU gets no linkage key, as a real VRU's node must not: with it, the VRU could make
    /// the tokens of `known-in-several-areas` for any person it named.
    static func create(in root: String, logger: Logger) throws -> DemoRegionNodes {
        let files = FileManager.default
        try files.createDirectory(atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let ca = try RegionCA.create(in: root + "/ca", name: "Demo Region CA")
        var generator = SystemRandomNumberGenerator()
        let linkageKey = Hex.encode((0..<LinkageKey.minimumBytes).map { _ in UInt8.random(in: 0...255, using: &generator) }) + "\n"
        var nodes: [DemoNode] = []
        for (name, role) in DemoPolicies.members {
            let directory = root + "/\(name)"
            var (configuration, store) = try InitCommand.createNode(name, in: directory)
            configuration.lookupContact = "\(name) duty desk, 020 7946 0000"
            if role == .police { configuration.seriesBreaks = [.missingEpisodes: [DemoPolicies.recordingChange]] }
            // The folder's node.yaml says what the node runs with, for the CLI and `vve doctor`.
            try configuration.yaml.write(toFile: directory + "/" + NodeConfiguration.fileName, atomically: true, encoding: .utf8)
            for folder in ["Certificates", PeerDirectory.folderName] {
                try files.createDirectory(atPath: directory + "/" + folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
            let stem = directory + "/Certificates/\(name)"
            let request = try NodeRequest.create(node: name, dnsNames: ["localhost"], stem: stem)
            let certificate = try ca.sign(request, days: 30)
            try PEMFiles.create(stem + ".pem", contents: try certificate.serializeAsPEM().pemString + "\n", mode: 0o644)
            try files.copyItem(atPath: root + "/ca/" + RegionCA.certificateFile, toPath: directory + "/Certificates/ca.pem")
            let holdsKey = role != .vru
            if holdsKey { try PEMFiles.create(directory + "/" + configuration.linkageKey, contents: linkageKey, mode: 0o600) }
            let identity = try NodeIdentity.load(configuration, directory: directory)
            var nodeLogger = logger
            nodeLogger[metadataKey: "node.name"] = "\(name)"
            var settings = NodeServices.Settings(listen: ListenAddress(host: "127.0.0.1", port: 0))
            // Shorter waits than a real node's, so each step of the walkthrough shows at once.
            settings.pull.longPoll = .seconds(10)
            settings.noticeInterval = .milliseconds(200)
            let port = ListeningPort()
            let running = try NodeServices(
                configuration: configuration, peersFolder: directory + "/" + PeerDirectory.folderName, store: store, identity: identity,
                linkageKey: { [linkageKey] in holdsKey ? LinkageKey(hex: linkageKey.trimmingWhitespace()) : nil }, settings: settings,
                logger: nodeLogger,
                onListening: { port.value = $0 })
            nodes.append(DemoNode(name: name, role: role, directory: directory, store: store, identity: identity, running: running, port: port))
        }
        return DemoRegionNodes(nodes: nodes)
    }

    /// Writes every node's peer files, pinning the other four at their ports.
    func writePeerFiles() throws {
        for node in nodes {
            for peer in nodes where peer !== node {
                guard let port = peer.port.value else { throw CommandFailure("\(peer.name) is not listening", status: .storeError) }
                let configuration = PeerConfiguration(
                    name: peer.name, url: PeerURL(host: "localhost", port: port), role: peer.role, pins: [peer.identity.fingerprint],
                    agreement: DemoPolicies.agreement, policy: DemoPolicies.policy(from: node.role, to: peer.role))
                let path = node.directory + "/" + PeerDirectory.folderName + "/" + PeerConfiguration.fileName(for: peer.name)
                try PEMFiles.create(path, contents: configuration.yaml, mode: 0o644)
            }
            _ = node.watcher.reload(reason: "demo peer files written")
        }
    }
}
