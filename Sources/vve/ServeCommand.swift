import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import VVECore
import VVEConfig
import VVENet
import VVEStore
import VVESync

/// `vve serve`: the node's mutual-TLS server, with its peer-file watcher and refusal audit,
/// in one ServiceGroup that shuts down gracefully on SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve peers over mutual TLS until SIGTERM or SIGINT.",
        discussion: """
            Only peers whose certificate chains to the region CA and matches a pin in Peers/ are served; every other \
            connection is refused and audited. Peer files are re-read within a second of a change, and on SIGHUP.
            """)

    @Option(help: ArgumentHelp("Listen here instead of node.yaml's `listen` (port 0 picks a free port).", valueName: "HOST:PORT"))
    var listen: String?

    @Option(help: "Seconds between looks for changed peer files (SIGHUP reloads at once).")
    var reloadInterval = 1

    @Option(help: "Seconds a caught-up pull asks a peer to hold its request open for a new change (1-\(NodeServer.maximumWaitSeconds)).")
    var longPoll = 25

    @Flag(inversion: .prefixedNo, help: "Pull from every peer continuously (--no-pull serves only; `vve sync --once` then pulls by hand).")
    var pull = true

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    @OptionGroup var location: NodeLocation

    func run() async throws {
        try await runReportingFailures {
            guard let level = Logger.Level(rawValue: logLevel) else {
                throw CommandFailure("--log-level \(logLevel): use trace, debug, info, notice, warning, error or critical", status: .usage)
            }
            guard (1...NodeServer.maximumWaitSeconds).contains(longPoll) else {
                throw CommandFailure("--long-poll must be 1-\(NodeServer.maximumWaitSeconds) seconds", status: .usage)
            }
            guard (1...86400).contains(reloadInterval) else {
                throw CommandFailure("--reload-interval must be 1-86400 seconds", status: .usage)
            }
            var address: ListenAddress?
            if let listen {
                guard let parsed = ListenAddress(listen) else { throw CommandFailure("--listen \(listen): \(ListenAddress.rule)", status: .usage) }
                address = parsed
            }
            let (configuration, store) = try location.openNode()
            let identity = try NodeIdentity.load(configuration, directory: location.directory)
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            var logger = Logger(label: "vve")
            logger[metadataKey: "node.name"] = "\(configuration.name)"
            if let problem = identity.ownCertificateProblem() {
                logger.error("this node's certificate will be refused by every peer", metadata: ["certificate.problem": "\(problem)"])
            }
            let registry = PeerRegistry()
            let watcher = PeerFileWatcher(folder: location.peersFolder, localNode: configuration.name, registry: registry, logger: logger,
                interval: .seconds(reloadInterval))
            watcher.reload(reason: "start")
            let refusals = RefusalLog(store: store, logger: logger)
            let listenAddress = address ?? configuration.listen
            let node = configuration.name
            let signal = ChangeSignal(store: store, logger: logger)
            var changes: NodeServer.ChangesProvider?
            var lookups: NodeServer.LookupProvider?
            var indexing: MatchIndexService?
            // An absent key only disables the change feed and lookups; a key that is present
            // but unsafe or damaged stops the start, like an unsafe private key.
            if FileManager.default.fileExists(atPath: location.resolve(configuration.linkageKey)) {
                let key = try loadLinkageKey(configuration, location: location)
                let encoder = MatchKeyEncoder(key: key)
                let feed = ChangeFeed(store: store, encoder: encoder)
                changes = NodeServer.changes(from: feed, signal: signal, clock: { Clock.now() })
                let responder = LookupResponder(
                    store: store, encoder: encoder,
                    configuration: LookupConfiguration(limits: configuration.peerLookupLimits, contact: configuration.lookupContact), logger: logger)
                lookups = NodeServer.lookups(from: responder, store: store, clock: { Clock.now() }, logger: logger)
                indexing = MatchIndexService(responder: responder, isNeeded: { registry.answersLookups }, logger: logger)
            } else {
                logger.warning(
                    "no linkage key: peers cannot pull changes or look people up until the region's key is installed",
                    metadata: ["linkage.key.path": "\(configuration.linkageKey)"])
            }
            let server = try NodeServer.application(
                identity: identity, registry: registry, refusals: refusals, configuration: NodeServerConfiguration(listen: listenAddress),
                changes: changes, lookups: lookups, lookupNotices: NodeServer.lookupNotices(into: store, clock: { Clock.now() }, logger: logger), logger: logger,
                onListening: { port in
                    Output.line("vve serve: node \(node) listening on \(listenAddress.host):\(port) (mutual TLS, \(registry.peers.count) peers)")
                })
            var pullSettings = PullConfiguration()
            pullSettings.longPoll = .seconds(longPoll)
            let puller = PullScheduler(
                store: store, client: NetworkPeerClient(registry: registry, identity: identity),
                targets: { registry.pullTargets }, signal: signal, configuration: pullSettings,
                clock: { Clock.now() }, logger: logger)
            // Shutdown runs in reverse: the pull loops stop first, then the signal releases
            // waiting long-polls so the server can stop without holding them to their end.
            var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
                .init(service: server), .init(service: refusals), .init(service: watcher), .init(service: signal),
            ]
            if pull { services.append(.init(service: puller)) }
            if let indexing { services.append(.init(service: indexing)) }
            services.append(
                .init(
                    service: LookupNoticeService(
                        store: store, sender: NetworkLookupNoticeSender(registry: registry, identity: identity), clock: { Clock.now() }, logger: logger)))
            let retention = RetentionPolicy(reviewGraceDays: configuration.reviewGraceDays, tombstoneDays: configuration.tombstoneDays)
            services.append(.init(service: RetentionService(store: store, policy: retention, signal: signal, clock: { Clock.now() }, logger: logger)))
            let group = ServiceGroup(
                configuration: ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
            Output.line("vve serve: node \(node) stopped")
        }
    }
}
