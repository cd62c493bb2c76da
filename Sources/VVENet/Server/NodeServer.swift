import CompressNIO
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import NIOTLS
import ServiceLifecycle
import Synchronization
import VVEConfig
import VVECore
import VVEStore
import VVESync
import X509

/// The node's HTTPS server: mutual TLS, peers identified by pinned certificates.
package enum NodeServer {
    /// Builds the server as a Service for the node's ServiceGroup. `onListening` receives the
    /// bound port once the socket listens (useful with port 0). `changes` and `lookups` are
    /// asked at each request: nil while the node has no linkage key, which a peer is told.
    /// `sharesNothing` says whether the node has nothing for a peer at all, which it says
    /// instead of a batch.
    package static func application(
        identity: NodeIdentity, registry: PeerRegistry, refusals: RefusalLog, configuration: NodeServerConfiguration,
        changes: @escaping @Sendable () -> ChangesProvider? = { nil }, lookups: @escaping @Sendable () -> LookupProvider? = { nil },
        sharesNothing: @escaping @Sendable (PeerConfiguration) -> Bool = { _ in false }, lookupNotices: LookupNoticeProvider? = nil,
        aggregates: AggregateProvider? = nil, auditAnchors: AuditAnchorProvider? = nil,
        logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some Service {
        let router = Router(context: PeerRequestContext.self)
        // Requests counted and timed by route; a no-op until `vve serve` bootstraps metrics.
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: ProtocolHeaderMiddleware())
        router.add(middleware: PeerIdentityMiddleware(registry: registry, refusals: refusals))
        router.add(middleware: ProtocolVersionMiddleware(node: identity.name, refusals: refusals))
        addHealthRoutes(to: router, identity: identity, registry: registry, servesChanges: { changes() != nil })
        addChangesRoute(to: router, changes: changes, sharesNothing: sharesNothing, registry: registry)
        addLookupRoute(to: router, lookups: lookups)
        addLookupNoticesRoute(to: router, lookupNotices: lookupNotices)
        addAggregateRoute(to: router, aggregates: aggregates)
        addAuditAnchorsRoute(to: router, anchors: auditAnchors)
        let tlsContext = try NIOSSLContext(configuration: identity.tlsConfiguration(server: true))
        let idle = TimeAmount.nanoseconds(Int64(configuration.idleTimeout.components.seconds) * 1_000_000_000)
        let limiter = ConnectionLimiter(perAddress: configuration.connectionsPerAddress, total: configuration.maximumConnections)
        let server = HTTPServerBuilder { responder in
            PeerTLSChannel(
                base: HTTP1Channel(responder: responder, configuration: .init(idleTimeout: idle)),
                context: tlsContext, gate: ConnectionGate(trust: identity.trust, registry: registry, refusals: refusals),
                handshakeTimeout: .nanoseconds(Int64(configuration.handshakeTimeout.components.seconds) * 1_000_000_000), limiter: limiter)
        }
        return Application(
            router: router, server: server,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.listen.host, port: configuration.listen.port), serverName: nil),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: JSONWriter.canonical(value) + "\n")))
    }

    /// A batch's JSON, already encoded, as it is: for a caller that does not accept gzip, or
    /// a body too small to be worth compressing.
    static func json(encoded: [UInt8]) -> Response {
        var body = ByteBuffer()
        body.reserveCapacity(encoded.count + 1)
        body.writeBytes(encoded)
        body.writeInteger(UInt8(ascii: "\n"))
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: body))
    }

    /// Refuses a body that is not what `what` must be: audited and logged, with each problem
    /// named to the peer.
    static func refuseMalformed(
        _ what: String, _ error: any Error, from peer: PeerConfiguration, store: CaseStore, clock: @Sendable () -> Timestamp, logger: Logger
    ) throws -> (status: HTTPResponse.Status, body: JSONValue) {
        let problem = (error as? ValidationError)?.description ?? "the body is not JSON"
        try store.audit([AuditEvent(time: clock(), actor: "peer:\(peer.name)", action: .refuse, detail: "malformed \(what) refused: \(problem)")])
        logger.warning("malformed \(what) refused", metadata: ["peer.name": "\(peer.name)"])
        return (.badRequest, ["error": .string("malformed \(what): \(problem.replacingOccurrences(of: "\n", with: "; "))")])
    }

    static func refusal(_ status: HTTPResponse.Status, _ message: String) -> Response {
        json(["error": .string(message)], status: status)
    }

    /// Why a node without the region's linkage key does not `what` yet, and the fix: the key
    /// is picked up without a restart.
    static func noLinkageKey(_ what: String) -> String {
        "this node does not \(what) yet: it has no linkage key; its admin must install the region's key with `vve linkage-key install FILE`, which the running node picks up at the next request"
    }
}
