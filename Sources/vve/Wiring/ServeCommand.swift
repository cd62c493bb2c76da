import ArgumentParser
import Foundation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import VVEConfig
import VVECore
import VVENet
import VVEStore
import VVESync

/// `vve serve`: the node's mutual-TLS server, with its peer-file watcher and refusal audit,
/// in one ServiceGroup that shuts down gracefully on SIGTERM or SIGINT.
struct ServeCommand: AsyncNodeCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve peers over mutual TLS until SIGTERM or SIGINT.",
        discussion: """
            Only peers whose certificate chains to the region CA and matches a pin in Peers/ are served; every other \
            connection is refused and audited. Peer files are re-read within a second of a change, and on SIGHUP.

            Examples:
              vve serve --dir ~/vve/camden
              vve serve --dir ~/vve/camden --listen 127.0.0.1:7443 --log-level debug

            Exit codes: 0 stopped by SIGTERM or SIGINT; 78 node.yaml, a certificate, a key or the listen address is unusable.
            """)

    @Option(help: ArgumentHelp("Listen here instead of node.yaml's `listen` (port 0 picks a free port).", valueName: "HOST:PORT"))
    var listen: String?

    @Option(help: "Seconds between looks for changed peer files (SIGHUP reloads at once).")
    var reloadInterval = 1

    @Option(help: "Seconds between retention sweeps, after the one at start (1-86400).")
    var retentionInterval = 3600

    @Option(help: "Seconds a caught-up pull asks a peer to hold its request open for a new change (1-\(ChangesRequest.maximumWaitSeconds)).")
    var longPoll = 25

    @Flag(inversion: .prefixedNo, help: "Pull from every peer continuously (--no-pull serves only; `vve sync --once` then pulls by hand).")
    var pull = true

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    @Option(help: "Log format on standard error: text, or json (one object a line, for a log shipper).")
    var logFormat = "text"

    @Option(
        help: ArgumentHelp("Serve Prometheus metrics on GET /metrics at this address, plain HTTP (overrides `metrics:`).", valueName: "HOST:PORT"))
    var metrics: String?

    @OptionGroup var location: NodeLocation

    func checkOptions() throws {
        _ = try logLevelOption()
        guard ["text", "json"].contains(logFormat) else { throw CommandFailure("--log-format \(logFormat): use text or json", status: .usage) }
        guard (1...ChangesRequest.maximumWaitSeconds).contains(longPoll) else {
            throw CommandFailure("--long-poll must be 1-\(ChangesRequest.maximumWaitSeconds) seconds", status: .usage)
        }
        guard (1...86400).contains(reloadInterval) else {
            throw CommandFailure("--reload-interval must be 1-86400 seconds", status: .usage)
        }
        guard (1...86400).contains(retentionInterval) else {
            throw CommandFailure("--retention-interval must be 1-86400 seconds", status: .usage)
        }
        _ = try listenOption()
        _ = try metricsOption()
    }

    private func metricsOption() throws -> ListenAddress? {
        guard let metrics else { return nil }
        guard let parsed = ListenAddress(metrics) else {
            throw CommandFailure("--metrics \(metrics): must be HOST:PORT, such as 127.0.0.1:9464", status: .usage)
        }
        return parsed
    }

    private func logLevelOption() throws -> Logger.Level {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw CommandFailure("--log-level \(logLevel): use trace, debug, info, notice, warning, error or critical", status: .usage)
        }
        return level
    }

    private func listenOption() throws -> ListenAddress? {
        guard let listen else { return nil }
        guard let parsed = ListenAddress(listen) else { throw CommandFailure("--listen \(listen): \(ListenAddress.rule)", status: .usage) }
        return parsed
    }

    func execute(on node: OpenedNode) async throws {
        let level = try logLevelOption()
        let address = try listenOption()
        let configuration = node.configuration
        let identity = try NodeIdentity.load(configuration, directory: location.directory)
        let peers = PeerDirectory.load(location.peersFolder, localNode: configuration.name).peers
        if let problem = LookupContactRequirement.problem(configuration, peers: peers, directory: location.directory) {
            throw CommandFailure(problem, status: .configError)
        }
        let json = logFormat == "json"
        LoggingSystem.bootstrap { label in
            if json {
                var handler = JSONLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "vve")
        logger[metadataKey: "node.name"] = "\(configuration.name)"
        if let problem = identity.ownCertificateProblem() {
            logger.error("this node's certificate will be refused by every peer", metadata: ["certificate.problem": "\(problem)"])
        }
        // An absent key only disables the change feed and lookups until it is installed; a
        // key that is present but unsafe or damaged stops the start, like an unsafe private key.
        let location = self.location
        let linkageKey: @Sendable () throws -> LinkageKey? = {
            FileManager.default.fileExists(atPath: location.resolve(configuration.linkageKey)) ? try location.linkageKey(configuration) : nil
        }
        let listenAddress = address ?? configuration.listen
        var settings = NodeServices.Settings(listen: listenAddress)
        settings.reloadInterval = .seconds(reloadInterval)
        settings.retentionInterval = .seconds(retentionInterval)
        settings.pulls = pull
        settings.pull.longPoll = .seconds(longPoll)
        let registry = PeerRegistry()
        let name = configuration.name
        let running = try NodeServices(
            configuration: configuration, peersFolder: location.peersFolder, store: node.store, identity: identity, linkageKey: linkageKey,
            settings: settings,
            registry: registry, logger: logger,
            onListening: { port in
                Output.line(
                    "vve serve: node \(name) listening on \(listenAddress.host):\(port) (mutual TLS, \(registry.peers.count) peer\(registry.peers.count == 1 ? "" : "s"))"
                )
            })
        var services = running.services
        if let metricsAddress = try metricsOption() ?? configuration.metrics {
            let prometheus = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(MetricsServer.factory(prometheus))
            let gauges = NodeMetrics(store: node.store, identity: identity, logger: logger)
            let server = MetricsServer.application(
                listen: metricsAddress, registry: prometheus, refresh: { gauges.refresh() }, logger: logger,
                onListening: { port in Output.line("vve serve: metrics on http://\(metricsAddress.host):\(port)/metrics") })
            // First in start order, so it is the last to stop.
            services.insert(.init(service: server), at: 0)
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            let address = "\(listenAddress.host):\(listenAddress.port)"
            guard let message = ListenFailure.message(error, address: address, configuration: location.directory + "/node.yaml") else {
                throw error
            }
            throw CommandFailure(message, status: .configError)
        }
        Output.line("vve serve: node \(name) stopped")
    }
}
