import Hummingbird
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle
import VVEConfig

/// `GET /metrics` in the Prometheus text format, on a listener of its own (`metrics:` in
/// node.yaml, or `vve serve --metrics HOST:PORT`), off unless one is given.
///
/// It is plain HTTP, not mutual TLS, because a monitoring system is not a peer: it holds no
/// certificate of the region, and giving it one would let it ask for changes and lookups.
/// What it serves is counts and peer names, never a record, a person or a secret, and it
/// takes no input but the path. The address to give is loopback, where the node's own
/// Prometheus agent or exporter reads it; another address exposes the counts to whoever can
/// reach it, so it is the admin's deliberate choice.
package enum MetricsServer {
    package static func application(
        listen: ListenAddress, registry: PrometheusCollectorRegistry, refresh: @escaping @Sendable () -> Void, logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some Service {
        let router = Router()
        router.get("/metrics") { _, _ -> Response in
            refresh()
            var text: [UInt8] = []
            registry.emit(into: &text)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: text)))
        }
        return Application(
            router: router, configuration: ApplicationConfiguration(address: .hostname(listen.host, port: listen.port), serverName: nil),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) }, logger: logger)
    }

    /// The factory `vve serve` bootstraps swift-metrics with: every metric into `registry`,
    /// Hummingbird's dotted names (`http.server.request.duration`) written as Prometheus names.
    package static func factory(_ registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.nameAndLabelSanitizer = { name, labels in
            (prometheusName(name), labels.map { (prometheusName($0.0), $0.1) })
        }
        return factory
    }

    /// `name` with every character Prometheus does not allow in a name as `_`.
    static func prometheusName(_ name: String) -> String {
        String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ":") ? $0 : "_" })
    }
}
