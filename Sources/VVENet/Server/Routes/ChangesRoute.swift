import Foundation
import Hummingbird
import Logging
import NIOCore
import VVEConfig
import VVECore
import VVEStore
import VVESync

extension NodeServer {
    /// Serves `feed` to identified peers, each under its own peer file's policy, with
    /// long-poll woken by `signal`, and a catching-up peer's next batch read ahead.
    package static func changes(from feed: ChangeFeed, signal: ChangeSignal, clock: @escaping @Sendable () -> Timestamp) -> ChangesProvider {
        let readAhead = FeedReadAhead(feed: feed, signal: signal, clock: clock, makeSink: { GzipBodySink(encoding: $0) })
        return { peer, cursor, acknowledged, limit, wait, encoding in
            try await readAhead.batch(
                for: peer.name, role: peer.role, policy: peer.policy, after: cursor, acknowledged: acknowledged, limit: limit, wait: wait,
                encoding: encoding)
        }
    }

    /// Serves a peer's change feed: the batch after a cursor, at most `limit` changes, waiting
    /// up to `wait` for a change when there is nothing for the peer, its body encoded as it is
    /// built in the `encoding` the caller accepts (nil: none). The server audits it as
    /// disclosed (`PreparedBatch.disclose`) before a byte of it is sent.
    package typealias ChangesProvider =
        @Sendable (_ peer: PeerConfiguration, _ cursor: Int64, _ acknowledged: Int64, _ limit: Int, _ wait: Duration, _ encoding: BatchEncoding?)
        async throws -> FeedReadAhead<GzipBodySink, BatchEncoding>.Served

    /// `GET /v1/changes`: a peer's batch after its cursor, under its own peer file's policy,
    /// audited as disclosed before a byte of it is sent. A long-poll may wait most of a minute,
    /// and the peer's file may change or go meanwhile: so the peer is looked up again in
    /// `registry` once the batch is ready, and a batch built under a file that is no longer the
    /// peer's is discarded, undisclosed; a removed peer is refused, and a changed one gets its
    /// batch built again under its file as it now is.
    static func addChangesRoute(
        to router: Router<PeerRequestContext>, changes: @escaping @Sendable () -> ChangesProvider?,
        sharesNothing: @escaping @Sendable (PeerConfiguration) -> Bool, registry: PeerRegistry
    ) {
        // A pull loop has one request waiting at a time, and the next asked once the last's
        // headers arrive: two leave room for a hand-run `vve sync` beside it, and no more.
        let inFlight = PeerConcurrency(limit: 2)
        router.get("/v1/changes") { request, context -> Response in
            guard let peer = context.peer else { return refusal(.forbidden, "unidentified") }
            guard inFlight.enter(peer.name) else {
                return refusal(
                    .tooManyRequests, "\(peer.name) already has \(inFlight.limit) change requests in progress here; ask again when one finishes")
            }
            defer { inFlight.leave(peer.name) }
            let query = request.uri.queryParameters
            guard
                let asked = ChangesRequest(
                    since: query["since"].map(String.init), acknowledged: query["ack"].map(String.init), limit: query["limit"].map(String.init),
                    wait: query["wait"].map(String.init))
            else {
                return refusal(.badRequest, ChangesRequest.rule)
            }
            // Said before anything else, the linkage key included: a peer this node shares
            // nothing with has nothing to wait for, and polls only hourly.
            if sharesNothing(peer) {
                // A caller that long-polls anyway is held as long as it asked, so that it
                // cannot turn the empty answer into a busy loop.
                if asked.waitSeconds > 0 { try? await Task.sleep(for: .seconds(asked.waitSeconds)) }
                return nothingShared(since: asked.since)
            }
            guard let changes = changes() else { return refusal(.serviceUnavailable, noLinkageKey("serve changes")) }
            do {
                // Compressed as it is built, for a caller that accepts gzip.
                let encoding = BatchEncoding.chosen(accepting: request.headers[.acceptEncoding])
                var served = try await changes(peer, asked.since, asked.acknowledged, asked.limit, .seconds(asked.waitSeconds), encoding)
                var built = peer
                while let current = registry.peer(named: built.name), current != built {
                    built = current
                    served = try await changes(current, asked.since, asked.acknowledged, asked.limit, .zero, encoding)
                }
                guard registry.peer(named: built.name) != nil else {
                    return refusal(.forbidden, "\(built.name) was removed from this node's peers while its request waited")
                }
                // Nothing of a batch leaves before it is audited as disclosed.
                try served.batch.disclose()
                let batch = served.batch.batch
                var response: Response
                if let sink = served.sink, var body = try sink.finish() {
                    var headers: HTTPFields = [.contentType: "application/json", .contentEncoding: sink.encoding.token]
                    if sink.encoding == .gzipWithKeysApart {
                        headers[.init(WireHeader.keyBytes)!] = String(body.keys.count)
                        body.compressed.writeBytes(body.keys)
                    }
                    response = Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: body.compressed))
                } else {
                    response = json(encoded: batch.encoded())
                }
                response.headers[.init(WireHeader.cursor)!] = String(batch.cursor)
                response.headers[.init(WireHeader.hasMore)!] = String(batch.hasMore)
                return response
            } catch {
                context.logger.error("cannot build a batch", metadata: ["error": "\(error)"])
                return refusal(.internalServerError, "cannot build a batch; see the node's log")
            }
        }
    }

    /// The answer to a peer this node shares no kind of record with: an empty batch that
    /// stays at its cursor, and `VVE-Shares: nothing`. Nothing is disclosed, so nothing is
    /// audited.
    static func nothingShared(since: Int64) -> Response {
        var response = json(["items": [], "cursor": .integer(since), "hasMore": false])
        response.headers[.init(WireHeader.shares)!] = "nothing"
        response.headers[.init(WireHeader.cursor)!] = String(since)
        response.headers[.init(WireHeader.hasMore)!] = "false"
        return response
    }
}
