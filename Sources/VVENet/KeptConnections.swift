import NIOCore
import NIOHTTP1
import Synchronization
import VVEConfig
import VVECore

/// Mutual-TLS connections to peers kept open between requests made one after another, as a
/// pull makes them: a first sync asks for a hundred batches in a row, and a new connection
/// for each would cost a TLS handshake at both ends. docs/design/sync.md says what it saves.
///
/// A connection is reused only for the peer's file exactly as it was when the connection
/// was made (address, pins, policy), while it is open, and within `maximumIdle` of its last
/// answer, after which it is closed: the peer's server may close an idle connection, and a
/// pull that starts later starts on a new one. Each connection carries one request at a
/// time; a failure closes it.
final class KeptConnections: Sendable {
    /// How long a connection may sit unused and still be reused. Default 2 seconds: the gap
    /// between two batches of a pull is milliseconds.
    let maximumIdle: Duration

    init(maximumIdle: Duration = .seconds(2)) {
        self.maximumIdle = maximumIdle
    }

    private struct Idle {
        let connection: KeptConnection
        let peer: PeerConfiguration
        let since: ContinuousClock.Instant
        /// Which keeping this is: a connection kept, taken and kept again is closed a
        /// `maximumIdle` after its last keeping, not its first.
        let keeping: UInt64
    }

    private struct State {
        var idle: [AuthorityName: Idle] = [:]
        var keepings: UInt64 = 0
    }

    private let state = Mutex(State())

    /// The open connection kept for `peer`, taken out for one request; nil when there is none
    /// to reuse, and a new one must be made.
    func take(for peer: PeerConfiguration) -> KeptConnection? {
        let kept = state.withLock { $0.idle.removeValue(forKey: peer.name) }
        guard let kept else { return nil }
        guard kept.peer == peer, kept.connection.channel.isActive, ContinuousClock.now - kept.since < maximumIdle else {
            kept.connection.channel.close(promise: nil)
            return nil
        }
        return kept.connection
    }

    /// Keeps a connection whose answer came in whole, for the next request to `peer`, and
    /// closes it once it has been idle for `maximumIdle`, unless a request took it first.
    func keep(_ connection: KeptConnection, for peer: PeerConfiguration) {
        let channel = connection.channel
        let (keeping, replaced) = state.withLock { state in
            state.keepings += 1
            let replaced = state.idle.updateValue(Idle(connection: connection, peer: peer, since: .now, keeping: state.keepings), forKey: peer.name)
            return (state.keepings, replaced)
        }
        if let replaced, replaced.connection.channel !== channel { replaced.connection.channel.close(promise: nil) }
        let (seconds, attoseconds) = maximumIdle.components
        channel.eventLoop.scheduleTask(in: .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)) { [self] in
            let expired = state.withLock { state -> Bool in
                guard state.idle[peer.name]?.keeping == keeping else { return false }
                state.idle[peer.name] = nil
                return true
            }
            if expired { channel.close(promise: nil) }
        }
    }
}

/// One open connection to a peer, answering one request at a time.
struct KeptConnection: Sendable {
    let channel: any Channel
    private let collector: NIOLoopBound<ResponseCollector>

    /// Wraps a connected channel whose pipeline has TLS and the HTTP client codec, adding the
    /// handler that collects answers. Runs on the channel's event loop.
    static func wrap(_ channel: any Channel) throws -> KeptConnection {
        let collector = ResponseCollector()
        try channel.pipeline.syncOperations.addHandler(collector)
        return KeptConnection(channel: channel, collector: NIOLoopBound(collector, eventLoop: channel.eventLoop))
    }

    /// Sends a request and waits for its whole answer: the head, and the body as it came.
    func send(_ head: HTTPRequestHead, body: ByteBuffer?) async throws -> (head: HTTPResponseHead, body: ByteBuffer) {
        let promise = channel.eventLoop.makePromise(of: (HTTPResponseHead, ByteBuffer).self)
        let channel = self.channel
        let collector = self.collector
        channel.eventLoop.execute {
            guard collector.value.expect(promise) else {
                promise.fail(PeerCheckFailure.connection("a request was sent on a connection still waiting for an answer"))
                return
            }
            channel.write(HTTPClientRequestPart.head(head), promise: nil)
            if let body { channel.write(HTTPClientRequestPart.body(.byteBuffer(body)), promise: nil) }
            channel.writeAndFlush(HTTPClientRequestPart.end(nil)).whenFailure { promise.fail($0) }
        }
        let (responseHead, responseBody) = try await promise.futureResult.get()
        return (responseHead, responseBody)
    }
}

/// Collects the answer to the request in flight on a kept connection, and fails it when the
/// connection breaks first.
private final class ResponseCollector: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart

    private var waiting: EventLoopPromise<(HTTPResponseHead, ByteBuffer)>?
    private var head: HTTPResponseHead?
    private var body = ByteBuffer()

    /// Waits for the next answer; false while an answer is still awaited.
    func expect(_ promise: EventLoopPromise<(HTTPResponseHead, ByteBuffer)>) -> Bool {
        guard waiting == nil else { return false }
        waiting = promise
        head = nil
        body.clear()
        return true
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let received):
            head = received
        case .body(var chunk):
            body.writeBuffer(&chunk)
        case .end:
            guard let waiting else { return }
            self.waiting = nil
            if let head {
                waiting.succeed((head, body))
            } else {
                waiting.fail(PeerCheckFailure.unexpectedAnswer("a response with no status"))
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        waiting?.fail(PeerCheckFailure.connection("the peer closed the connection without answering"))
        waiting = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        waiting?.fail(error)
        waiting = nil
        context.close(promise: nil)
    }
}
