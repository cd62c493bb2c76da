import Hummingbird
import Logging
import NIOCore
import VVEConfig
import VVECore
import VVEStore
import VVESync

extension NodeServer {
    /// Answers a peer's aggregate query: the JSON body as sent, to a status and a JSON answer.
    package typealias AggregateProvider =
        @Sendable (_ peer: PeerConfiguration, _ body: [UInt8]) async throws -> (status: HTTPResponse.Status, body: JSONValue)

    /// The largest aggregate query accepted: a query is a few hundred bytes.
    package static let maximumAggregateBytes = 16 * 1024

    /// Serves aggregate queries through `responder`. A body that is not a valid query is
    /// refused with each problem named, and audited as a refusal.
    package static func aggregates(
        from responder: AggregateResponder, store: CaseStore, clock: @escaping @Sendable () -> Timestamp, logger: Logger
    ) -> AggregateProvider {
        { peer, body in
            let query: AggregateQuery
            do {
                query = try AggregateQuery.read(try JSONParser.parse(body))
            } catch {
                return try refuseMalformed("aggregate query", error, from: peer, store: store, clock: clock, logger: logger)
            }
            switch try responder.answer(query, from: peer.name, grant: peer.policy.aggregates, at: clock()) {
            case .answered(let answer): return (.ok, answer.jsonValue)
            case .refused(.forbidden, let reason): return (.forbidden, ["error": .string(reason)])
            case .refused(.badRequest, let reason): return (.badRequest, ["error": .string(reason)])
            case .refused(.repeated, let reason): return (.conflict, ["error": .string(reason)])
            case .refused(.tooManyRequests, let reason): return (.tooManyRequests, ["error": .string(reason)])
            }
        }
    }

    /// `POST /v1/aggregate`: a peer's aggregate query, answered with protected tables.
    static func addAggregateRoute(to router: Router<PeerRequestContext>, aggregates: AggregateProvider?) {
        let inFlight = PeerConcurrency(limit: 2)
        router.post("/v1/aggregate") { request, context -> Response in
            guard let peer = context.peer else { return refusal(.forbidden, "unidentified") }
            guard let aggregates else { return refusal(.serviceUnavailable, "this node does not answer aggregate queries") }
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: maximumAggregateBytes)
            } catch {
                return refusal(.contentTooLarge, "an aggregate query is at most \(maximumAggregateBytes) bytes")
            }
            // Counting a measure reads every record of its kind: a peer gets a few at a time.
            guard inFlight.enter(peer.name) else {
                return refusal(
                    .tooManyRequests, "\(peer.name) already has \(inFlight.limit) aggregate queries in progress here; ask again when they finish")
            }
            defer { inFlight.leave(peer.name) }
            do {
                let answer = try await aggregates(peer, Array(body.readableBytesView))
                return json(answer.body, status: answer.status)
            } catch {
                context.logger.error("cannot answer an aggregate query", metadata: ["error": "\(error)"])
                return refusal(.internalServerError, "cannot answer the aggregate query; see the node's log")
            }
        }
    }
}
