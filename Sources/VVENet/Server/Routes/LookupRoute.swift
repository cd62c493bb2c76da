import Foundation
import Hummingbird
import Logging
import NIOCore
import VVEConfig
import VVECore
import VVEStore
import VVESync

extension NodeServer {
    /// Answers a peer's lookup: the JSON body as sent, to a status and a JSON answer.
    package typealias LookupProvider =
        @Sendable (_ peer: PeerConfiguration, _ body: [UInt8]) async throws -> (status: HTTPResponse.Status, body: JSONValue)

    /// The largest lookup body accepted: 21 sets of keys and a reason fit in 16 KB.
    package static let maximumLookupBytes = 64 * 1024

    /// Serves lookups through `responder`. A body that is not a valid query is refused with
    /// each problem named, and audited as a refusal.
    package static func lookups(
        from responder: LookupResponder, store: CaseStore, clock: @escaping @Sendable () -> Timestamp, logger: Logger
    ) -> LookupProvider {
        { peer, body in
            let query: LookupQuery
            do {
                query = try LookupQuery.read(try JSONParser.parse(body))
            } catch {
                return try refuseMalformed("lookup", error, from: peer, store: store, clock: clock, logger: logger)
            }
            switch try await responder.answer(query, from: peer.name, role: peer.role, policy: peer.policy, at: clock()) {
            case .answered(let answer): return (.ok, answer.jsonValue)
            case .refused(.forbidden, let reason): return (.forbidden, ["error": .string(reason)])
            case .refused(.tooManyRequests, let reason): return (.tooManyRequests, ["error": .string(reason)])
            }
        }
    }

    /// `POST /v1/lookup`: a peer's lookup, answered hit or no hit.
    static func addLookupRoute(to router: Router<PeerRequestContext>, lookups: @escaping @Sendable () -> LookupProvider?) {
        router.post("/v1/lookup") { request, context -> Response in
            guard let peer = context.peer else { return refusal(.forbidden, "unidentified") }
            guard let lookups = lookups() else { return refusal(.serviceUnavailable, noLinkageKey("answer lookups")) }
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: maximumLookupBytes)
            } catch {
                return refusal(.contentTooLarge, "a lookup body is at most \(maximumLookupBytes) bytes")
            }
            let started = ContinuousClock.now
            do {
                let answer = try await lookups(peer, Array(body.readableBytesView))
                var response = json(answer.body, status: answer.status)
                // How long the node took to answer, for the asking side's benchmark.
                let elapsed = ContinuousClock.now - started
                let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
                response.headers[.init(WireHeader.serverTiming)!] =
                    "lookup;dur=\(Int(milliseconds * 1000) / 1000).\(String(Int(milliseconds * 1000) % 1000).leftPadded(to: 3))"
                return response
            } catch {
                context.logger.error("cannot answer a lookup", metadata: ["error": "\(error)"])
                return refusal(.internalServerError, "cannot answer the lookup; see the node's log")
            }
        }
    }
}

extension String {
    /// The string with zeros in front up to `width` characters.
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
