import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A peer of another release, as far as the wire shows it: a mutual-TLS server on 127.0.0.1,
/// with a node's certificate signed by the region CA, that answers every request `200` with
/// `{}` and states the protocol version it is given. It is what a node speaking that version
/// looks like to this one before its body is read, which is as far as a refused version gets;
/// in today's version, it is a peer whose every answer is malformed.
///
/// It answers on NIO's event loops alone, never on Swift's cooperative threads, which the
/// tests around it may hold while they wait for processes.
final class FakePeer: Sendable {
    let port: Int
    private let channel: any Channel

    /// Serves as `node` (its certificate and key) speaking `protocolVersion`, until `stop()`.
    init(as node: RegionNode, caCertificate: String, protocolVersion: Int) async throws {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(node.certificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: node.key, format: .pem)))
        tls.minimumTLSVersion = .tlsv13
        tls.trustRoots = .file(caCertificate)
        tls.certificateVerification = .noHostnameVerification
        let context = try NIOSSLContext(configuration: tls)
        let headers = HTTPHeaders([("VVE-Protocol", "\(protocolVersion)"), ("Content-Type", "application/json"), ("Content-Length", "2")])
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(AnswerEveryRequest(headers: headers))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port else { throw TestFailure("the fake peer did not listen") }
        self.port = port
    }

    func stop() async {
        try? await channel.close().get()
    }
}

/// Answers each request, once it has been read whole, with `200`, `headers` and `{}`.
private final class AnswerEveryRequest: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    let headers: HTTPHeaders

    init(headers: HTTPHeaders) { self.headers = headers }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = unwrapInboundIn(data) else { return }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "{}")))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
