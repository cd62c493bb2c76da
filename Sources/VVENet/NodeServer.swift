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
import VVECore
import VVEConfig
import VVESync
import X509

/// The request context of every handler: the peer that called, as its pinned certificate
/// identifies it. Handlers never see a request from an unidentified caller.
public struct PeerRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection, from which the peer's certificate is read.
    public let channel: any Channel
    /// The calling peer; set by `PeerIdentityMiddleware` before any route runs.
    public var peer: PeerConfiguration?
    /// The fingerprint of the certificate the caller presented.
    public var peerFingerprint: CertificateFingerprint?

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        channel = source.channel
    }
}

/// Resolves the calling peer on every request, from the certificate of its connection. The
/// handshake already checked the pin; checking again here means a peer removed while its
/// connection stays open is refused from its next request on.
public struct PeerIdentityMiddleware: RouterMiddleware {
    public typealias Context = PeerRequestContext
    let registry: PeerRegistry
    let refusals: RefusalLog

    public func handle(
        _ request: Request, context: PeerRequestContext, next: (Request, PeerRequestContext) async throws -> Response
    ) async throws -> Response {
        let remote = remoteAddress(context.channel)
        guard let presented = try await context.channel.nioSSL_peerCertificate().get(),
            let certificate = try? Certificate(derEncoded: presented.toDERBytes())
        else {
            refusals.record(.noCertificate, remote: remote, at: Timestamp(Date()))
            return NodeServer.refusal(.forbidden, "no client certificate")
        }
        let fingerprint = CertificateFiles.fingerprint(certificate)
        if Date() > certificate.notValidAfter {
            refusals.record(.expired(fingerprint: fingerprint, notAfter: certificate.notValidAfter), remote: remote, at: Timestamp(Date()))
            return NodeServer.refusal(.forbidden, "certificate \(fingerprint.short) expired; renew it")
        }
        guard let peer = registry.peer(pinning: fingerprint) else {
            refusals.record(
                .unpinned(fingerprint: fingerprint, subject: certificate.subject.description, expected: []), remote: remote, at: Timestamp(Date()))
            return NodeServer.refusal(.forbidden, "certificate \(fingerprint.short) is not pinned by this node")
        }
        var context = context
        context.peer = peer
        context.peerFingerprint = fingerprint
        context.logger[metadataKey: "peer.name"] = "\(peer.name)"
        return try await next(request, context)
    }
}

func remoteAddress(_ channel: any Channel) -> String {
    guard let address = channel.remoteAddress else { return "unknown" }
    return "\(address.ipAddress ?? "unknown"):\(address.port ?? 0)"
}

/// Settings of the node server, with the defaults `vve serve` uses.
public struct NodeServerConfiguration: Sendable {
    /// Where to listen.
    public var listen: ListenAddress
    /// Connections idle this long are closed, so a removed peer's open connection does not
    /// linger. Default 60 seconds.
    public var idleTimeout: Duration = .seconds(60)

    public init(listen: ListenAddress) {
        self.listen = listen
    }
}

/// The node's HTTPS server: mutual TLS, peers identified by pinned certificates.
public enum NodeServer {
    /// Serves a peer's change feed: the batch after a cursor, at most `limit` changes, waiting
    /// up to `wait` for a change when there is nothing for the peer, its body encoded as it is
    /// built in the `encoding` the caller accepts (nil: none). The server audits it as
    /// disclosed (`PreparedBatch.disclose`) before a byte of it is sent.
    public typealias ChangesProvider =
        @Sendable (_ peer: PeerConfiguration, _ cursor: Int64, _ acknowledged: Int64, _ limit: Int, _ wait: Duration, _ encoding: GzipBodySink.Encoding?)
            async throws -> FeedReadAhead<GzipBodySink, GzipBodySink.Encoding>.Served

    /// The header of a `vve-gzip-keys` answer that says how many bytes of match keys follow
    /// its gzip stream (`SplitMatchKeys`).
    public static let keyBytesHeader = "VVE-Key-Bytes"

    /// The headers of a `GET /v1/changes` answer that announce where its batch ends, so the
    /// caller asks for the next one before it reads this one.
    public static let cursorHeader = "VVE-Cursor"
    public static let hasMoreHeader = "VVE-Has-More"

    /// The most changes one `GET /v1/changes` scans.
    public static let maximumBatch = 1000
    /// The longest `wait` a peer may ask a `GET /v1/changes` to hold on for: below the idle
    /// timeout, so a waiting connection is never closed as idle.
    public static let maximumWaitSeconds = 55

    /// Builds the server as a Service for the node's ServiceGroup. `onListening` receives the
    /// bound port once the socket listens (useful with port 0).
    public static func application(
        identity: NodeIdentity, registry: PeerRegistry, refusals: RefusalLog, configuration: NodeServerConfiguration,
        changes: ChangesProvider? = nil, lookups: LookupProvider? = nil, lookupNotices: LookupNoticeProvider? = nil, logger: Logger, onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some Service {
        let router = Router(context: PeerRequestContext.self)
        router.add(middleware: PeerIdentityMiddleware(registry: registry, refusals: refusals))
        let started = Date()
        router.get("/v1/health") { _, _ -> Response in
            let certificate: JSONValue = [
                "fingerprint": .string(identity.fingerprint.description),
                "not-after": .string(CertificateFiles.format(identity.certificate.notValidAfter)),
                "days-to-expiry": .integer(Int64(CertificateFiles.daysToExpiry(identity.certificate))),
            ]
            let health: JSONValue = [
                "node": .string(identity.name.rawValue),
                "status": "ok",
                "time": .string(Timestamp(Date()).description),
                "uptime-seconds": .integer(Int64(Date().timeIntervalSince(started))),
                "peers": .integer(Int64(registry.peers.count)),
                "certificate": certificate,
            ]
            return json(health)
        }
        router.get("/v1/whoami") { _, context -> Response in
            guard let peer = context.peer, let fingerprint = context.peerFingerprint else {
                return refusal(.forbidden, "unidentified")
            }
            let caller: JSONValue = [
                "peer": .string(peer.name.rawValue),
                "role": .string(peer.role.rawValue),
                "fingerprint": .string(fingerprint.description),
                "agreement": .string(peer.agreement.reference),
                "node": .string(identity.name.rawValue),
                "time": .string(Timestamp(Date()).description),
            ]
            return json(caller)
        }
        router.get("/v1/changes") { request, context -> Response in
            guard let peer = context.peer else { return refusal(.forbidden, "unidentified") }
            guard let changes else {
                return refusal(.serviceUnavailable, "this node does not serve changes yet: it has no linkage key; its admin must install the region's")
            }
            let query = request.uri.queryParameters
            guard let since = Int64(query["since"].map(String.init) ?? "0"), since >= 0,
                let limit = Int(query["limit"].map(String.init) ?? "500"), (1...maximumBatch).contains(limit),
                let wait = Int(query["wait"].map(String.init) ?? "0"), (0...maximumWaitSeconds).contains(wait),
                let acknowledged = Int64(query["ack"].map(String.init) ?? "\(since)"), (0...since).contains(acknowledged)
            else {
                return refusal(
                    .badRequest,
                    "since must be a change-log sequence (0 or more), ack one at most since, limit 1-\(maximumBatch) and wait 0-\(maximumWaitSeconds) seconds")
            }
            do {
                // Compressed as it is built, for a caller that accepts gzip.
                let accepted = request.headers[.acceptEncoding]?.lowercased() ?? ""
                let encoding: GzipBodySink.Encoding? =
                    accepted.contains(GzipBodySink.Encoding.gzipWithKeysApart.token) ? .gzipWithKeysApart : accepted.contains("gzip") ? .gzip : nil
                let served = try await changes(peer, since, acknowledged, limit, .seconds(wait), encoding)
                // Nothing of a batch leaves before it is audited as disclosed.
                try served.batch.disclose()
                let batch = served.batch.batch
                var response: Response
                if let sink = served.sink, var body = try sink.finish() {
                    var headers: HTTPFields = [.contentType: "application/json", .contentEncoding: sink.encoding.token]
                    if sink.encoding == .gzipWithKeysApart {
                        headers[.init(keyBytesHeader)!] = String(body.keys.count)
                        body.compressed.writeBytes(body.keys)
                    }
                    response = Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: body.compressed))
                } else {
                    response = json(encoded: batch.encoded())
                }
                response.headers[.init(cursorHeader)!] = String(batch.cursor)
                response.headers[.init(hasMoreHeader)!] = String(batch.hasMore)
                return response
            } catch {
                context.logger.error("cannot build a batch", metadata: ["error": "\(error)"])
                return refusal(.internalServerError, "cannot build a batch; see the node's log")
            }
        }
        router.post("/v1/lookup") { request, context -> Response in
            guard let peer = context.peer else { return refusal(.forbidden, "unidentified") }
            guard let lookups else {
                return refusal(.serviceUnavailable, "this node does not answer lookups yet: it has no linkage key; its admin must install the region's")
            }
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: maximumLookupBytes)
            } catch {
                return refusal(.contentTooLarge, "a lookup body is at most \(maximumLookupBytes) bytes")
            }
            let started = ContinuousClock.now
            do {
                let answer = try await lookups(peer, Array(body.readableBytesView))
                var response = json(answer.body, status: answer.status)
                // How long the node took to answer, for the asking side's benchmark.
                let elapsed = ContinuousClock.now - started
                let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
                response.headers[.init("Server-Timing")!] = "lookup;dur=\(Int(milliseconds * 1000) / 1000).\(String(Int(milliseconds * 1000) % 1000).leftPadded(to: 3))"
                return response
            } catch {
                context.logger.error("cannot answer a lookup", metadata: ["error": "\(error)"])
                return refusal(.internalServerError, "cannot answer the lookup; see the node's log")
            }
        }
        router.post("/v1/lookup-notices") { request, context -> Response in
            guard let peer = context.peer else { return refusal(.forbidden, "unidentified") }
            guard let lookupNotices else { return refusal(.serviceUnavailable, "this node does not take lookup notices") }
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: 1024 * 1024)
            } catch {
                return refusal(.contentTooLarge, "lookup notices are at most 1 MB a request")
            }
            do {
                let answer = try await lookupNotices(peer, Array(body.readableBytesView))
                return json(answer.body, status: answer.status)
            } catch {
                context.logger.error("cannot take lookup notices", metadata: ["error": "\(error)"])
                return refusal(.internalServerError, "cannot take the notices; see the node's log")
            }
        }
        let tlsContext = try NIOSSLContext(configuration: identity.tlsConfiguration(server: true))
        let idle = TimeAmount.nanoseconds(Int64(configuration.idleTimeout.components.seconds) * 1_000_000_000)
        let server = HTTPServerBuilder { responder in
            PeerTLSChannel(
                base: HTTP1Channel(responder: responder, configuration: .init(idleTimeout: idle)),
                context: tlsContext, gate: ConnectionGate(trust: identity.trust, registry: registry, refusals: refusals))
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

    /// Compresses a batch's body (at zlib's fastest level) as the feed writes it
    /// (`BatchBodySink`), with the newline every JSON answer ends with: batches of match keys
    /// shrink to about a third.
    public final class GzipBodySink: BatchBodySink, @unchecked Sendable {
        /// How a body is encoded for a caller that accepts gzip.
        public enum Encoding: Hashable, Sendable {
            /// The whole JSON gzipped (`Content-Encoding: gzip`).
            case gzip
            /// The JSON gzipped with its match keys taken out, and their bytes after the gzip
            /// stream (`Content-Encoding: vve-gzip-keys`, their length in `VVE-Key-Bytes`):
            /// see `SplitMatchKeys`. For vve's own client, which asks for it.
            case gzipWithKeysApart

            /// The `Content-Encoding` token.
            public var token: String {
                switch self {
                case .gzip: "gzip"
                case .gzipWithKeysApart: "vve-gzip-keys"
                }
            }
        }

        /// A finished body: the gzip stream, and the match keys' bytes taken out of it.
        struct Body {
            var compressed: ByteBuffer
            var keys: [UInt8]
        }

        /// The encoding this sink writes.
        public let encoding: Encoding
        // Unchecked: every access to the stream holds `lock`.
        private let lock = NSLock()
        private let compressor = WireCompression.algorithm.compressor
        private var started = false
        private var output = ByteBuffer()
        private var plainBytes = 0
        private var keys: [UInt8] = []

        /// A sink writing `encoding`.
        public init(encoding: Encoding) {
            self.encoding = encoding
        }

        public func begin() throws {
            try locked {
                if started { try compressor.resetStream() } else { try compressor.startStream() }
                started = true
                var window = ByteBuffer(repeating: 0, count: 64 * 1024)
                window.clear()
                compressor.window = window
                output.clear()
                plainBytes = 0
                keys.removeAll(keepingCapacity: true)
            }
        }

        public func write(_ bytes: [UInt8]) throws {
            try locked {
                // The feed writes whole items at a time, so no key is ever cut between two writes.
                try compress(encoding == .gzipWithKeysApart ? SplitMatchKeys.split(bytes, keys: &keys) : bytes, flush: .no)
            }
        }

        private func locked<T>(_ body: () throws -> T) rethrows -> T {
            lock.lock()
            defer { lock.unlock() }
            return try body()
        }

        /// Holding `lock`.
        private func compress(_ bytes: [UInt8], flush: CompressNIOFlush) throws {
            var input = ByteBuffer(bytes: bytes)
            plainBytes += bytes.count
            try input.compressStream(with: compressor, flush: flush) { window in output.writeImmutableBuffer(window) }
        }

        /// The compressed body; nil when it is too small to be worth compressing, and is sent
        /// as it is.
        func finish() throws -> Body? {
            try locked {
                try compress([UInt8(ascii: "\n")], flush: .finish)
                try compressor.finishStream()
                return plainBytes + keys.count >= WireCompression.minimumBytes ? Body(compressed: output, keys: keys) : nil
            }
        }
    }

    static func refusal(_ status: HTTPResponse.Status, _ message: String) -> Response {
        json(["error": .string(message)], status: status)
    }
}

extension String {
    /// The string with zeros in front up to `width` characters.
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

/// Decides, during the handshake, whether a connecting peer is served: its certificate must
/// pass `PeerTrust` and be pinned by a peer file. Anything else is refused and recorded.
struct ConnectionGate: Sendable {
    let trust: PeerTrust
    let registry: PeerRegistry
    let refusals: RefusalLog

    func verify(_ presented: [NIOSSLCertificate], remote: String) -> NIOSSLVerificationResult {
        var certificates: [Certificate] = []
        for certificate in presented {
            guard let bytes = try? certificate.toDERBytes(), let parsed = try? Certificate(derEncoded: bytes) else {
                refusals.record(.unreadable, remote: remote, at: Timestamp(Date()))
                return .failed
            }
            certificates.append(parsed)
        }
        switch trust.evaluate(certificates, as: .client) {
        case .failure(let refusal):
            refusals.record(refusal, remote: remote, at: Timestamp(Date()))
            return .failed
        case .success(let (leaf, fingerprint)):
            guard registry.peer(pinning: fingerprint) != nil else {
                refusals.record(
                    .unpinned(fingerprint: fingerprint, subject: leaf.subject.description, expected: []), remote: remote, at: Timestamp(Date()))
                return .failed
            }
            return .certificateVerified
        }
    }
}

/// What one connection's handshake came to, so a failure BoringSSL raises before our
/// verification runs (no certificate at all) is recorded once, and one we refused is not
/// recorded twice.
final class HandshakeAttempt: Sendable {
    private let verified = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)

    func markVerified() { verified.store(true, ordering: .relaxed) }
    var wasVerified: Bool { verified.load(ordering: .relaxed) }
    /// True the first time only.
    func finish() -> Bool { !finished.exchange(true, ordering: .relaxed) }
}

/// Sees handshake failures on the way up the pipeline and records those that BoringSSL
/// raised itself, such as a client that presented no certificate.
final class HandshakeFailureRecorder: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = NIOAny
    let attempt: HandshakeAttempt
    let refusals: RefusalLog

    init(attempt: HandshakeAttempt, refusals: RefusalLog) {
        self.attempt = attempt
        self.refusals = refusals
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent {
            _ = attempt.finish()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !attempt.wasVerified, attempt.finish() {
            let text = "\(error)"
            let remote = remoteAddress(context.channel)
            if text.contains("PEER_DID_NOT_RETURN_A_CERTIFICATE") || text.contains("CERTIFICATE_REQUIRED") {
                refusals.record(.noCertificate, remote: remote, at: Timestamp(Date()))
            } else {
                refusals.record(.handshakeFailed(detail: Self.reason(in: text)), remote: remote, at: Timestamp(Date()))
            }
        }
        context.fireErrorCaught(error)
    }
}

extension HandshakeFailureRecorder {
    /// BoringSSL's reason code, such as `HTTP_REQUEST` (the last upper-case word after a
    /// colon), else a plain account of the failure.
    static func reason(in text: String) -> String {
        if text.contains("EOF during handshake") { return "the client closed the connection during the handshake" }
        let codes = text.matches(of: /:([A-Z][A-Z0-9_]{3,})\b/).map { String($0.output.1) }
        if let code = codes.last { return code }
        return String(text.prefix(80))
    }
}

/// Hummingbird's TLS child channel, with the handshake wired to `ConnectionGate` per
/// connection, and handshake failures recorded.
struct PeerTLSChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base
    let context: NIOSSLContext
    let gate: ConnectionGate

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let attempt = HandshakeAttempt()
        let gate = self.gate
        let remote = remoteAddress(channel)
        return channel.eventLoop.makeCompletedFuture {
            let handler = NIOSSLServerHandler(
                context: context,
                customVerificationCallback: { certificates, promise in
                    let result = gate.verify(certificates, remote: remote)
                    // A refusal was recorded by the gate; the failure it causes must not be again.
                    attempt.markVerified()
                    promise.succeed(result)
                },
                configuration: .init())
            try channel.pipeline.syncOperations.addHandler(handler)
            try channel.pipeline.syncOperations.addHandler(HandshakeFailureRecorder(attempt: attempt, refusals: gate.refusals))
        }.flatMap {
            self.base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Base.Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
