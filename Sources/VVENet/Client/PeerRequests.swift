import CompressNIO
import Foundation
import NIOCore
import NIOHTTP1
import VVEConfig
import VVECore
import VVESync

/// Requests to a peer over the same mutual TLS, checks and pins as `vve peer check`.
package enum PeerRequests {
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
    static func get(
        _ path: String, from peer: PeerConfiguration, identity: NodeIdentity, timeout: Duration, connections: KeptConnections
    ) async throws
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
                } catch  where !Task.isCancelled && !PeerCheck.isTimeout(error) {
                    // Asked again below, on a new connection.
                }
            }
            return try await answer(
                on: try await PeerCheck.connect(peer: peer, identity: identity, timeout: timeout, verdict: verdict, wrap: KeptConnection.wrap))
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
            throw PeerRequestError(peer: "\(peer.name)", reason: "\(failure.label): \(failure)")
        } catch {
            let failure = PeerCheck.classify(
                error, address: "\(peer.url.host):\(peer.url.port)", host: peer.url.host, seconds: Int(timeout.components.seconds), verdict: verdict,
                identity: identity, ownProblem: identity.ownCertificateProblem())
            throw PeerRequestError(peer: "\(peer.name)", reason: "\(failure.label): \(failure)")
        }
    }
}
