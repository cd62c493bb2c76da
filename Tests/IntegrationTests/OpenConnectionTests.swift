import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization
import Testing

/// A peer's connection outlives its handshake: vve's client keeps one open across the
/// batches of a pull. The pin is checked again on every request, so a peer removed while its
/// connection is open is refused from its next request on, on that same connection.
@Suite struct OpenConnectionTests {
    /// What the server sent on the connection, collected on NIO's threads: the test waits on
    /// it with a deadline, never on Swift's cooperative pool, which other tests may keep busy.
    final class Received: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let text = Mutex("")

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = Self.unwrapInboundIn(data)
            text.withLock { $0 += String(buffer: buffer) }
        }
    }

    @Test func aPeerRemovedWhileItsConnectionIsOpenIsRefusedOnThatConnection() throws {
        let region = try TestRegion()
        defer { withExtendedLifetime(region) {} }
        let camden = try region.node("camden")
        let haringey = try region.node("haringey")
        try camden.pin(haringey, port: 1)
        let server = try camden.serve(["--reload-interval", "3600"])
        defer { _ = server.stop() }

        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(haringey.certificate).map { .certificate($0) }
        configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: haringey.key, format: .pem))
        configuration.trustRoots = .file(camden.directory + "/Certificates/ca.pem")
        let context = try NIOSSLContext(configuration: configuration)
        let received = Received()
        let channel = try ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: "localhost"))
                    try channel.pipeline.syncOperations.addHandler(received)
                }
            }
            .connect(host: "127.0.0.1", port: server.port).wait()
        defer { try? channel.close().wait() }

        // One request on the open connection, and its whole answer: status line and body.
        func ask() throws -> (status: String, body: String) {
            received.text.withLock { $0 = "" }
            try channel.writeAndFlush(ByteBuffer(string: "GET /v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n")).wait()
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline {
                let text = received.text.withLock { $0 }
                if let end = text.range(of: "\r\n\r\n") {
                    // Swift reads "\r\n" as one character: lines are split on it whole.
                    let head = text[..<end.lowerBound].components(separatedBy: "\r\n")
                    let length =
                        head.first { $0.lowercased().hasPrefix("content-length:") }
                        .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                    let body = text[end.upperBound...]
                    if body.utf8.count >= length { return (head[0], String(body)) }
                }
                if !channel.isActive { return ("closed", text) }
                Thread.sleep(forTimeInterval: 0.02)
            }
            return ("no answer", received.text.withLock { $0 })
        }

        let served = try ask()
        #expect(served.status == "HTTP/1.1 200 OK", "\(served)")
        try check(camden.run(["peer", "remove", "haringey"]))
        server.signal(SIGHUP)
        // The same connection, still open: refused once the server has read Peers/ again.
        var refused = served
        let deadline = Date().addingTimeInterval(15)
        while refused.status == "HTTP/1.1 200 OK", Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
            refused = try ask()
        }
        #expect(refused.status == "HTTP/1.1 403 Forbidden", "\(refused)")
        #expect(refused.body.contains("is not pinned by this node"), "\(refused)")
        #expect(try camden.waitForRefusals(1).first?.contains("refused (unpinned)") == true)
    }
}
