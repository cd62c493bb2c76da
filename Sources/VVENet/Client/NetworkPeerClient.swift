import CompressNIO
import Foundation
import Metrics
import NIOCore
import NIOHTTP1
import VVEConfig
import VVECore
import VVESync

/// The pull loop's `PeerClient`: `GET /v1/changes` over mutual TLS, to the peer as its file
/// in `Peers/` says now, so a re-pinned or moved peer is reached at once.
package struct NetworkPeerClient: PeerClient {
    /// An HTTP `Date` (`Sat, 05 Dec 2026 21:15:00 GMT`) as a timestamp; nil for anything else.
    static func httpDate(_ text: String) -> Timestamp? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.date(from: text).map { Timestamp(millisecondsSinceEpoch: Int64($0.timeIntervalSince1970 * 1000)) }
    }

    let registry: PeerRegistry
    let identity: NodeIdentity
    /// One connection per peer, kept between the requests of a pull.
    let connections = KeptConnections()

    package init(registry: PeerRegistry, identity: NodeIdentity) {
        self.registry = registry
        self.identity = identity
    }

    package func changes(
        from peer: AuthorityName, after cursor: Int64, acknowledged: Int64, limit: Int, wait: Duration
    ) async throws -> AnnouncedBatch {
        guard let configuration = registry.peer(named: peer) else {
            throw PeerRequestError(description: "\(peer) is no longer a peer: Peers/\(peer).yaml was removed")
        }
        let seconds = min(Int(wait.components.seconds), ChangesRequest.maximumWaitSeconds)
        let path = ChangesRequest(since: cursor, acknowledged: acknowledged, limit: limit, waitSeconds: seconds).path
        // The body is inflated and parsed by `batch()`, after the caller has asked for the
        // next batch from the cursor the answer's headers announce.
        let answer = try await PeerRequests.get(
            path, from: configuration, identity: identity, timeout: .seconds(seconds + 30), connections: connections)
        Counter(label: MetricName.pulledBytes, dimensions: [("peer", "\(peer)")]).increment(by: answer.raw.readableBytes)
        guard answer.status == .ok else {
            throw PullRefused("\(peer) answered GET \(path) with HTTP \(answer.status.code): \(PeerText.reason(in: answer.body))")
        }
        let peerTime = answer.headers["date"].first.flatMap(Self.httpDate)
        let sharesNothing = answer.headers[WireHeader.shares].first?.lowercased() == "nothing"
        let read: @Sendable () throws -> IncomingBatch = {
            do {
                let body = try answer.inflated()
                var batch = try IncomingBatch.read(
                    (try? JSONParser.parse(Array(body.readableBytesView)))?.objectValue ?? JSONObject(), since: cursor)
                batch.peerTime = peerTime
                batch.sharesNothing = sharesNothing
                return batch
            } catch {
                Counter(label: MetricName.batchesRefused, dimensions: [("peer", "\(peer)")]).increment()
                throw PeerRequestError(description: "\(peer) sent a malformed batch (\(error)); nothing of it was applied")
            }
        }
        guard let announced = Int64(answer.headers[WireHeader.cursor].first ?? ""),
            let hasMore = answer.headers[WireHeader.hasMore].first.flatMap(Bool.init)
        else {
            // A peer that does not announce its cursor: the batch says it once read.
            let batch = try read()
            return AnnouncedBatch(cursor: batch.cursor, hasMore: batch.hasMore) { batch }
        }
        return AnnouncedBatch(cursor: announced, hasMore: hasMore) {
            do {
                return try read().matching(announcedCursor: announced, hasMore: hasMore)
            } catch let malformed as IncomingBatch.Malformed {
                Counter(label: MetricName.batchesRefused, dimensions: [("peer", "\(peer)")]).increment()
                throw PeerRequestError(description: "\(peer) sent a malformed batch (\(malformed)); nothing of it was applied")
            }
        }
    }
}
