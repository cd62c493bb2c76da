import Foundation
import Hummingbird
import Logging
import NIOCore
import VVEConfig
import VVECore
import VVEStore
import VVESync

extension NodeServer {
    /// Takes a holder's lookup notices about this node's records: audits each once.
    package typealias LookupNoticeProvider =
        @Sendable (_ peer: PeerConfiguration, _ body: [UInt8]) async throws -> (status: HTTPResponse.Status, body: JSONValue)

    /// Audits notices into `store`; a malformed body is refused whole and audited as a refusal.
    package static func lookupNotices(into store: CaseStore, clock: @escaping @Sendable () -> Timestamp, logger: Logger) -> LookupNoticeProvider {
        { peer, body in
            let notices: [LookupNotice]
            do {
                notices = try LookupNotice.readAll(try JSONParser.parse(body))
            } catch {
                return try refuseMalformed("lookup notices", error, from: peer, store: store, clock: clock, logger: logger)
            }
            _ = try store.receiveLookupNotices(notices, from: peer.name, at: clock())
            // The same answer whatever was taken, so it says nothing of which ids exist.
            return (.ok, ["received": .integer(Int64(notices.count))])
        }
    }

    /// `POST /v1/lookup-notices`: a holder tells this node that a peer's lookup found one of
    /// its records.
    static func addLookupNoticesRoute(to router: Router<PeerRequestContext>, lookupNotices: LookupNoticeProvider?) {
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
    }
}
