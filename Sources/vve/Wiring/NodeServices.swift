import Logging
import ServiceLifecycle
import VVEConfig
import VVECore
import VVENet
import VVEStore
import VVESync

/// Everything a running node is made of, built in this one place for `vve serve` and for
/// every node of `vve demo`, so that the demo runs exactly what production runs: the
/// mutual-TLS server, the peer-file watcher, the refusal audit, the change signal, the pull
/// loops, the retention sweep, the match index, the delivery of lookup notices, the keeping
/// of quarterly counts and the answering of aggregate queries.
struct NodeServices {
    /// How a node runs, beyond its node.yaml; the defaults are `vve serve`'s.
    struct Settings: Sendable {
        /// Where the server listens.
        var listen: ListenAddress
        /// How often the peer files are compared with what is loaded. Default 1 s.
        var reloadInterval: Duration = .seconds(1)
        /// Whether the node pulls from its peers; `vve serve --no-pull` serves only. Default on.
        var pulls = true
        /// The pull loops' settings.
        var pull = PullConfiguration()
        /// How often the retention sweep runs after the one at start. Default an hour: review
        /// dates are days, so an hour late is on time.
        var retentionInterval: Duration = .seconds(3600)
        /// How often queued lookup notices are offered to their owners. Default 2 s.
        var noticeInterval: Duration = .seconds(2)

        init(listen: ListenAddress) {
            self.listen = listen
        }
    }

    /// The peers as the watcher last loaded them.
    let registry: PeerRegistry
    /// Re-reads `Peers/` on change and on request.
    let watcher: PeerFileWatcher
    /// Wakes waiting long-polls and pull loops when this node's store changes.
    let signal: ChangeSignal
    /// The services, in start order; a `ServiceGroup` stops them in reverse, so the pull loops
    /// stop first and the change signal then releases waiting long-polls before the server
    /// stops.
    let services: [ServiceGroupConfiguration.ServiceConfiguration]

    /// Builds a node's services. `linkageKey` loads the region's key: nil while none is
    /// installed, and throwing for one present but unusable, which stops the start. Without a
    /// key the node serves, audits and pulls, but offers no change feed and answers no lookups,
    /// and peers are told why; the key is looked for again at their next request and on SIGHUP.
    init(
        configuration: NodeConfiguration, peersFolder: String, store: CaseStore, identity: NodeIdentity,
        linkageKey: @escaping @Sendable () throws -> LinkageKey?,
        settings: Settings, registry: PeerRegistry = PeerRegistry(), logger: Logger, onListening: @escaping @Sendable (_ port: Int) -> Void
    ) throws {
        let clock: @Sendable () -> Timestamp = { Clock.now() }
        let watcher = PeerFileWatcher(
            folder: peersFolder, localNode: configuration.name, registry: registry, logger: logger, interval: settings.reloadInterval)
        watcher.reload(reason: "start")
        var refusalConfiguration = RefusalLog.Configuration()
        refusalConfiguration.auditWindow = configuration.refusalAuditWindow
        let refusals = RefusalLog(store: store, logger: logger, configuration: refusalConfiguration)
        var serverConfiguration = NodeServerConfiguration(listen: settings.listen)
        serverConfiguration.handshakeTimeout = configuration.handshakeTimeout
        serverConfiguration.connectionsPerAddress = configuration.connectionsPerAddress
        serverConfiguration.maximumConnections = configuration.maximumConnections
        let signal = ChangeSignal(store: store, logger: logger)
        let aggregateConfiguration = AggregateConfiguration(
            rules: configuration.disclosure, reportLagDays: configuration.reportLagDays, limits: configuration.peerAggregateLimits,
            seriesBreaks: configuration.seriesBreaks)
        let pickup = RegionKeyPickup(
            load: linkageKey,
            build: { key in
                let encoder = MatchKeyEncoder(key: key)
                let responder = LookupResponder(
                    store: store, encoder: encoder,
                    configuration: LookupConfiguration(limits: configuration.peerLookupLimits, contact: configuration.lookupContact),
                    refusals: refusals, logger: logger)
                return RegionKeyPickup.Keyed(
                    changes: NodeServer.changes(from: ChangeFeed(store: store, encoder: encoder), signal: signal, clock: clock),
                    lookups: NodeServer.lookups(from: responder, store: store, clock: clock, logger: logger),
                    aggregates: NodeServer.aggregates(
                        from: AggregateResponder(store: store, configuration: aggregateConfiguration, encoder: encoder, logger: logger),
                        store: store, clock: clock, logger: logger),
                    responder: responder)
            }, logger: logger)
        let keyless = NodeServer.aggregates(
            from: AggregateResponder(store: store, configuration: aggregateConfiguration, encoder: nil, logger: logger), store: store,
            clock: clock, logger: logger)
        if try !pickup.loadAtStart() {
            if registry.peers.allSatisfy({
                $0.policy.share.isEmpty && $0.policy.lookups == .no && !$0.policy.aggregates.grants(.knownInSeveralAreas)
            }) {
                // A VRU's node, or any that shares nothing and answers no lookups: the key would
                // let it read every match key it is sent, and it needs none.
                logger.notice("no linkage key, and none needed: this node shares no records, answers no lookups and makes no tokens")
            } else {
                logger.warning(
                    "no linkage key: peers cannot pull changes or look people up until the region's key is installed with `vve linkage-key install FILE`; it is picked up without a restart",
                    metadata: ["linkage.key.path": "\(configuration.linkageKey)"])
            }
        }
        let server = try NodeServer.application(
            identity: identity, registry: registry, refusals: refusals, configuration: serverConfiguration,
            changes: { pickup.current()?.changes }, lookups: { pickup.current()?.lookups },
            // Nothing for a peer: none of this node's records, and no copies of the peer's
            // to write back to. A store that cannot say is taken to have something.
            sharesNothing: { peer in peer.policy.share.isEmpty && !((try? store.holdsCopies(ownedBy: peer.name)) ?? true) },
            lookupNotices: NodeServer.lookupNotices(into: store, clock: clock, logger: logger),
            aggregates: { peer, body in try await (pickup.current()?.aggregates ?? keyless)(peer, body) },
            auditAnchors: { peer in try store.auditAnchors(keptFor: peer) }, logger: logger, onListening: onListening)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: server), .init(service: refusals), .init(service: watcher), .init(service: signal), .init(service: pickup),
        ]
        let clocks = PeerClocks()
        if settings.pulls {
            let puller = PullScheduler(
                store: store, client: NetworkPeerClient(registry: registry, identity: identity), targets: { registry.pullTargets },
                signal: signal, configuration: settings.pull, clock: clock, clocks: clocks, logger: logger)
            services.append(.init(service: puller))
        }
        services.append(
            .init(
                service: MatchIndexService(
                    responder: { registry.needsMatchIndex ? pickup.current()?.responder : nil }, isNeeded: { registry.needsMatchIndex },
                    logger: logger)))
        services.append(
            .init(
                service: LookupNoticeService(
                    store: store, sender: NetworkLookupNoticeSender(registry: registry, identity: identity), interval: settings.noticeInterval,
                    clock: clock, logger: logger)))
        services.append(
            .init(service: QuarterKeepingService(store: store, reportLagDays: configuration.reportLagDays, clock: clock, logger: logger)))
        let retention = RetentionPolicy(reviewGraceDays: configuration.reviewGraceDays, tombstoneDays: configuration.tombstoneDays)
        let pulls = settings.pulls
        services.append(
            .init(
                service: RetentionService(
                    store: store, policy: retention, interval: settings.retentionInterval, signal: signal, clock: clock, clocks: clocks,
                    hasPeers: { pulls && !registry.pullTargets.isEmpty }, logger: logger)))
        self.registry = registry
        self.watcher = watcher
        self.signal = signal
        self.services = services
    }
}
