import CompressNIO
import Foundation
import NIOCore
import NIOHTTP1
import VVECore
import VVEConfig
import VVESync

/// Why a request to a peer failed.
public struct PeerRequestError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// Requests to a peer over the same mutual TLS, checks and pins as `vve peer check`.
public enum PeerClient {
    /// Sends one request (a POST of `body` when given, else a GET) and returns the status and
    /// JSON object of the answer, whatever the status. Fails on any certificate problem, a
    /// refused connection or a timeout, naming it.
    static func send(
        _ path: String, body: JSONValue? = nil, from peer: PeerConfiguration, identity: NodeIdentity, timeout: Duration, decodingBody: Bool = true
    ) async throws -> PeerCheck.Answer {
        let verdict = VerdictBox()
        return try await naming(peer, identity: identity, timeout: timeout, verdict: verdict) {
            let channel = try await PeerCheck.connect(peer: peer, identity: identity, timeout: timeout, verdict: verdict)
            // A cancelled caller (a pull loop stopping, say) closes the connection at once,
            // rather than waiting out a long-poll the peer is holding open.
            return try await withTaskCancellationHandler {
                try await PeerCheck.withDeadline(timeout, stage: "waiting for \(body == nil ? "GET" : "POST") \(path)") {
                    try await channel.executeThenClose { inbound, outbound in
                        var responses = inbound.makeAsyncIterator()
                        return try await PeerCheck.exchange(
                            path, host: peer.url.host, body: body, inbound: &responses, outbound: outbound, decodingBody: decodingBody)
                    }
                }
            } onCancel: {
                channel.channel.close(promise: nil)
            }
        }
    }

    /// A GET to a peer on a connection kept open between requests (`KeptConnections`), its
    /// body kept raw for the caller. A kept connection that fails (the peer closed it while it
    /// sat idle, say) is replaced by a new one, once: a GET of changes repeats harmlessly,
    /// since an acknowledgement only moves forward and a batch never received is sent again.
    static func get(_ path: String, from peer: PeerConfiguration, identity: NodeIdentity, timeout: Duration, connections: KeptConnections) async throws
        -> PeerCheck.Answer
    {
        let verdict = VerdictBox()
        let head = PeerCheck.requestHead(path, host: peer.url.host)
        /// The answer on `connection`, which is kept for the next request or, on any failure, closed.
        func answer(on connection: KeptConnection) async throws -> PeerCheck.Answer {
            let answer: (head: HTTPResponseHead, body: ByteBuffer)
            do {
                // A cancelled caller (a pull loop stopping, say) closes the connection at
                // once, rather than waiting out a long-poll the peer is holding open.
                answer = try await withTaskCancellationHandler {
                    try await PeerCheck.withDeadline(timeout, stage: "waiting for GET \(path)") { try await connection.send(head, body: nil) }
                } onCancel: {
                    connection.channel.close(promise: nil)
                }
            } catch {
                connection.channel.close(promise: nil)
                throw error
            }
            if answer.head.isKeepAlive { connections.keep(connection, for: peer) } else { connection.channel.close(promise: nil) }
            return try PeerCheck.Answer(head: answer.head, body: answer.body, decodingBody: false)
        }
        return try await naming(peer, identity: identity, timeout: timeout, verdict: verdict) {
            if let kept = connections.take(for: peer) {
                do {
                    return try await answer(on: kept)
                } catch where !Task.isCancelled && !PeerCheck.isTimeout(error) {
                    // Asked again below, on a new connection.
                }
            }
            return try await answer(on: try await PeerCheck.connect(peer: peer, identity: identity, timeout: timeout, verdict: verdict, wrap: KeptConnection.wrap))
        }
    }

    /// Runs a request to `peer`, turning whatever fails into a `PeerRequestError` that names
    /// the peer and the fault (`PeerCheck.classify`, with the certificate's verdict).
    private static func naming<T>(
        _ peer: PeerConfiguration, identity: NodeIdentity, timeout: Duration, verdict: VerdictBox, _ request: () async throws -> T
    ) async throws -> T {
        do {
            return try await request()
        } catch let error as PeerRequestError {
            throw error
        } catch let failure as PeerCheckFailure {
            throw PeerRequestError(description: "\(peer.name): \(failure.label): \(failure)")
        } catch {
            let failure = PeerCheck.classify(
                error, address: "\(peer.url.host):\(peer.url.port)", host: peer.url.host, seconds: Int(timeout.components.seconds), verdict: verdict,
                identity: identity, ownProblem: identity.ownCertificateProblem())
            throw PeerRequestError(description: "\(peer.name): \(failure.label): \(failure)")
        }
    }
}

/// The pull loop's `PeerClient`: `GET /v1/changes` over mutual TLS, to the peer as its file
/// in `Peers/` says now, so a re-pinned or moved peer is reached at once.
public struct NetworkPeerClient: VVESync.PeerClient {
    let registry: PeerRegistry
    let identity: NodeIdentity
    /// One connection per peer, kept between the requests of a pull.
    let connections = KeptConnections()

    public init(registry: PeerRegistry, identity: NodeIdentity) {
        self.registry = registry
        self.identity = identity
    }

    public func changes(from peer: AuthorityName, after cursor: Int64, acknowledged: Int64, limit: Int, wait: Duration) async throws -> AnnouncedBatch {
        guard let configuration = registry.peer(named: peer) else {
            throw PeerRequestError(description: "\(peer) is no longer a peer: Peers/\(peer).yaml was removed")
        }
        let seconds = min(Int(wait.components.seconds), NodeServer.maximumWaitSeconds)
        let path = "/v1/changes?since=\(cursor)&ack=\(acknowledged)&limit=\(limit)&wait=\(seconds)"
        // The body is inflated and parsed by `batch()`, after the caller has asked for the
        // next batch from the cursor the answer's headers announce.
        let answer = try await PeerClient.get(path, from: configuration, identity: identity, timeout: .seconds(seconds + 30), connections: connections)
        guard answer.status == .ok else {
            throw PeerRequestError(
                description: "\(peer) answered GET \(path) with HTTP \(answer.status.code): \(answer.body["error"]?.stringValue ?? "no reason given")")
        }
        let read: @Sendable () throws -> IncomingBatch = {
            do {
                let body = try answer.inflated()
                return try IncomingBatch.read((try? JSONParser.parse(Array(body.readableBytesView)))?.objectValue ?? JSONObject(), since: cursor)
            } catch {
                throw PeerRequestError(description: "\(peer) sent a malformed batch (\(error)); nothing of it was applied")
            }
        }
        guard let announced = Int64(answer.headers[NodeServer.cursorHeader].first ?? ""),
            let hasMore = answer.headers[NodeServer.hasMoreHeader].first.flatMap(Bool.init)
        else {
            // A peer that does not announce its cursor: the batch says it once read.
            let batch = try read()
            return AnnouncedBatch(cursor: batch.cursor, hasMore: batch.hasMore) { batch }
        }
        return AnnouncedBatch(cursor: announced, hasMore: hasMore) {
            do {
                return try read().matching(announcedCursor: announced, hasMore: hasMore)
            } catch let malformed as IncomingBatch.Malformed {
                throw PeerRequestError(description: "\(peer) sent a malformed batch (\(malformed)); nothing of it was applied")
            }
        }
    }
}

/// Gzip on the wire between nodes: the server compresses batches for callers that accept it,
/// and the client inflates them within a bound, so a hostile peer cannot make it allocate
/// without limit.
enum WireCompression {
    /// zlib's fastest level: batches are mostly hex match keys, which compress well at any
    /// level, and the CPU goes to building and applying batches instead.
    static let algorithm = CompressionAlgorithm.gzip(configuration: .init(compressionLevel: .fastestCompression))
    /// Bodies smaller than this are sent as they are.
    static let minimumBytes = 1024
    /// The largest body a client inflates: a full batch is a few megabytes.
    static let maximumBytes = 256 * 1024 * 1024
}

extension NodeServer {
    /// Serves `feed` to identified peers, each under its own peer file's policy, with
    /// long-poll woken by `signal`, and a catching-up peer's next batch read ahead.
    public static func changes(from feed: ChangeFeed, signal: ChangeSignal, clock: @escaping @Sendable () -> Timestamp) -> ChangesProvider {
        let readAhead = FeedReadAhead(feed: feed, signal: signal, clock: clock, makeSink: { GzipBodySink(encoding: $0) })
        return { peer, cursor, acknowledged, limit, wait, encoding in
            try await readAhead.batch(
                for: peer.name, role: peer.role, policy: peer.policy, after: cursor, acknowledged: acknowledged, limit: limit, wait: wait,
                encoding: encoding)
        }
    }
}

extension PeerRegistry {
    /// The peers to pull from now, each with the policy its batches are checked against.
    public var pullTargets: [PullTarget] {
        peers.map { PullTarget(name: $0.name, policy: $0.policy) }
    }
}
