import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing
import VVEConfig
import VVECore

@testable import VVENet

/// A pull's requests to one peer share a connection: answered in turn, reused only for the
/// same peer file while it is open and recently used, and failed when it breaks.
@Suite struct KeptConnectionTests {
    func peer(pin: String = "aa") -> PeerConfiguration {
        PeerConfiguration(
            name: AuthorityName("camden")!, url: PeerURL(host: "localhost", port: 7443), role: .borough,
            pins: [CertificateFingerprint("sha256:" + String(repeating: pin, count: 32))!],
            agreement: SharingAgreement(reference: "ISA-1", lawfulBasis: "Children Act 1989 s.47"))
    }

    func connected() async throws -> (NIOAsyncTestingChannel, KeptConnection) {
        let channel = NIOAsyncTestingChannel()
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 7443)).get()
        let connection = try await channel.eventLoop.submit { try KeptConnection.wrap(channel) }.get()
        return (channel, connection)
    }

    /// Sends a GET and answers it with `body`, checking what went out.
    func exchange(_ connection: KeptConnection, on channel: NIOAsyncTestingChannel, path: String, body: String) async throws -> String {
        let head = PeerCheck.requestHead(path, host: "localhost")
        async let answer = connection.send(head, body: nil)
        #expect(try await channel.waitForOutboundWrite(as: HTTPClientRequestPart.self) == .head(head))
        #expect(try await channel.waitForOutboundWrite(as: HTTPClientRequestPart.self) == .end(nil))
        try await channel.writeInbound(HTTPClientResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok)))
        try await channel.writeInbound(HTTPClientResponsePart.body(ByteBuffer(string: body)))
        try await channel.writeInbound(HTTPClientResponsePart.end(nil))
        let (responseHead, responseBody) = try await answer
        #expect(responseHead.status == .ok)
        return String(buffer: responseBody)
    }

    @Test func requestsOnAKeptConnectionAreAnsweredInTurn() async throws {
        let (channel, connection) = try await connected()
        #expect(try await exchange(connection, on: channel, path: "/v1/changes?since=0", body: #"{"first":1}"#) == #"{"first":1}"#)
        #expect(try await exchange(connection, on: channel, path: "/v1/changes?since=7", body: #"{"second":2}"#) == #"{"second":2}"#)
        #expect(channel.isActive)
    }

    @Test func aConnectionIsReusedOnlyForTheSamePeerFileWhileOpenAndRecentlyUsed() async throws {
        let connections = KeptConnections(maximumIdle: .seconds(60))
        let (channel, connection) = try await connected()
        #expect(connections.take(for: peer()) == nil)
        connections.keep(connection, for: peer())
        #expect(connections.take(for: peer())?.channel === channel)
        // Taken: the next request makes its own until this one is kept again.
        #expect(connections.take(for: peer()) == nil)
        // A re-pinned peer gets a new connection, and the old one is closed.
        connections.keep(connection, for: peer())
        #expect(connections.take(for: peer(pin: "bb")) == nil)
        await channel.testingEventLoop.run()
        #expect(!channel.isActive)
        // A connection that has closed is not handed out.
        connections.keep(connection, for: peer())
        #expect(connections.take(for: peer()) == nil)
    }

    @Test func anIdleConnectionIsClosedAndNotReused() async throws {
        // Idle past its time by the clock, it is not handed out, and is closed.
        let briefly = KeptConnections(maximumIdle: .milliseconds(20))
        let (channel, connection) = try await connected()
        briefly.keep(connection, for: peer())
        try await Task.sleep(for: .milliseconds(40))
        #expect(briefly.take(for: peer()) == nil)
        await channel.testingEventLoop.run()
        #expect(!channel.isActive)
        // Kept and left alone: closed when its idle time is up on its event loop, whose time
        // the test moves on. 10 s of it, so that however slowly this test runs, the clock
        // `take` reads never runs out first.
        let connections = KeptConnections(maximumIdle: .seconds(10))
        let (other, otherConnection) = try await connected()
        connections.keep(otherConnection, for: peer())
        await other.testingEventLoop.advanceTime(by: .milliseconds(7_500))
        // Taken and kept again: idle from this keeping, not the first.
        #expect(connections.take(for: peer())?.channel === other)
        connections.keep(otherConnection, for: peer())
        await other.testingEventLoop.advanceTime(by: .milliseconds(7_500))
        #expect(other.isActive)
        await other.testingEventLoop.advanceTime(by: .milliseconds(2_500))
        await other.testingEventLoop.run()
        #expect(!other.isActive)
    }

    @Test func aConnectionThatBreaksFailsTheRequestWaitingOnIt() async throws {
        let (channel, connection) = try await connected()
        async let answer = connection.send(PeerCheck.requestHead("/v1/changes?since=0", host: "localhost"), body: nil)
        _ = try await channel.waitForOutboundWrite(as: HTTPClientRequestPart.self)
        _ = try await channel.waitForOutboundWrite(as: HTTPClientRequestPart.self)
        try await channel.close()
        let failure: (any Error)?
        do {
            _ = try await answer
            failure = nil
        } catch {
            failure = error
        }
        #expect(failure is PeerCheckFailure, "\(String(describing: failure))")
    }
}
