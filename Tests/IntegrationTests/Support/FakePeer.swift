import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOSSL
import VVECore
import VVENet

/// A peer of another release, as far as the wire shows it: a mutual-TLS server on 127.0.0.1,
/// with a node's certificate signed by the region CA, that answers every request `200` with
/// `body` (`{}` unless given) and states the protocol version it is given. It is what a node
/// speaking that version looks like to this one before its body is read, which is as far as a
/// refused version gets; in today's version, it is a peer whose every answer is malformed.
final class FakePeer: Sendable {
    let port: Int
    private let task: Task<Void, any Error>

    /// Serves as `node` (its certificate and key) speaking `protocolVersion`, until `stop()`.
    init(as node: RegionNode, caCertificate: String, protocolVersion: Int, body: String = "{}") async throws {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(node.certificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: node.key, format: .pem)))
        tls.minimumTLSVersion = .tlsv13
        tls.trustRoots = .file(caCertificate)
        tls.certificateVerification = .noHostnameVerification
        let responder = CallbackResponder<BasicRequestContext> { _, _ in
            Response(
                status: .ok,
                headers: [ProtocolVersion.fieldName: "\(protocolVersion)", .contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
        }
        let (ports, listening) = AsyncStream.makeStream(of: Int.self)
        let application = Application(
            responder: responder, server: try .tls(tlsConfiguration: tls),
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                listening.yield(channel.localAddress?.port ?? 0)
                listening.finish()
            }, logger: Logger(label: "fake-peer", factory: { _ in SwiftLogNoOpLogHandler() }))
        task = Task { try await application.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            throw TestFailure("the fake peer did not listen")
        }
        self.port = port
    }

    func stop() async {
        task.cancel()
        _ = await task.result
    }
}
