import Foundation
import Hummingbird
import Logging
import Synchronization
import VVECore
import VVEConfig
import VVEStore
import VVESync

/// The asking side of `POST /v1/lookup`: over the same mutual TLS, pins and checks as every
/// request, to the peer as its file in `Peers/` says now.
public struct NetworkLookupTransport: LookupTransport {
    let registry: PeerRegistry
    let identity: NodeIdentity
    /// How long each peer took, for `vve lookup --timing` and the benchmark.
    public let timings = LookupTimings()

    /// A transport to the peers `registry` knows, as `identity`.
    public init(registry: PeerRegistry, identity: NodeIdentity) {
        self.registry = registry
        self.identity = identity
    }

    /// `POST /v1/lookup` to `peer`, all of it within `timeout`.
    public func lookup(_ query: LookupQuery, at peer: AuthorityName, timeout: Duration) async -> PeerLookupResult {
        guard let configuration = registry.peer(named: peer) else { return .noAnswer("Peers/\(peer).yaml is gone") }
        let identity = identity
        do {
            // One deadline over connecting, the handshake and the answer together.
            let started = ContinuousClock.now
            let answer = try await PeerCheck.withDeadline(timeout, stage: "waiting for its answer") {
                try await PeerClient.send("/v1/lookup", body: query.jsonValue, from: configuration, identity: identity, timeout: timeout)
            }
            timings.record(peer, roundTrip: ContinuousClock.now - started, serverTiming: answer.serverTiming)
            let reason = answer.body["error"]?.stringValue ?? "no reason given"
            switch answer.status.code {
            case 200:
                do {
                    return .answered(try LookupAnswer.read(.object(answer.body), expecting: query.lookupID))
                } catch {
                    return .noAnswer("a malformed answer (\(error.issues.first?.description ?? "unreadable"))")
                }
            case 403, 429: return .refused(reason)
            default: return .noAnswer("HTTP \(answer.status.code): \(reason)")
            }
        } catch let failure as PeerCheckFailure {
            return .noAnswer("\(failure.label): \(failure)")
        } catch {
            return .noAnswer("\(error)")
        }
    }
}

/// Per peer: the round trip of its lookup, and the time its server says it spent answering.
public final class LookupTimings: Sendable {
    /// One peer's times, in milliseconds.
    public struct Timing: Sendable {
        public var roundTripMilliseconds: Double
        /// From the peer's `Server-Timing: lookup;dur=MS`; nil when it sent none.
        public var serverMilliseconds: Double?
    }

    private let state = Mutex<[AuthorityName: Timing]>([:])

    func record(_ peer: AuthorityName, roundTrip: Duration, serverTiming: String?) {
        let milliseconds = Double(roundTrip.components.seconds) * 1000 + Double(roundTrip.components.attoseconds) / 1e15
        let server = serverTiming?.split(separator: ";").first { $0.hasPrefix("dur=") }.flatMap { Double($0.dropFirst(4)) }
        state.withLock { $0[peer] = Timing(roundTripMilliseconds: milliseconds, serverMilliseconds: server) }
    }

    /// Every peer that answered, by name.
    public var byPeer: [(peer: AuthorityName, timing: Timing)] {
        state.withLock { $0.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }
    }
}

extension NodeServer {
    /// Answers a peer's lookup: the JSON body as sent, to a status and a JSON answer.
    public typealias LookupProvider = @Sendable (_ peer: PeerConfiguration, _ body: [UInt8]) async throws -> (status: HTTPResponse.Status, body: JSONValue)

    /// The largest lookup body accepted: 21 sets of keys and a reason fit in 16 KB.
    public static let maximumLookupBytes = 64 * 1024

    /// Serves lookups through `responder`. A body that is not a valid query is refused with
    /// each problem named, and audited as a refusal.
    public static func lookups(from responder: LookupResponder, store: CaseStore, clock: @escaping @Sendable () -> Timestamp, logger: Logger) -> LookupProvider {
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
}

/// Sends lookup notices with `POST /v1/lookup-notices` to the owner as its peer file says.
public struct NetworkLookupNoticeSender: LookupNoticeSender {
    let registry: PeerRegistry
    let identity: NodeIdentity

    /// A sender to the owners `registry` knows, as `identity`.
    public init(registry: PeerRegistry, identity: NodeIdentity) {
        self.registry = registry
        self.identity = identity
    }

    /// `POST /v1/lookup-notices` to `owner`; throws unless it took them all.
    public func send(_ notices: [LookupNotice], to owner: AuthorityName) async throws {
        guard let configuration = registry.peer(named: owner) else {
            throw PeerRequestError(description: "\(owner) is not a peer: no Peers/\(owner).yaml")
        }
        let answer = try await PeerClient.send(
            "/v1/lookup-notices", body: ["notices": .array(notices.map(\.jsonValue))], from: configuration, identity: identity, timeout: .seconds(30))
        guard answer.status == .ok else {
            throw PeerRequestError(description: "\(owner) answered HTTP \(answer.status.code): \(answer.body["error"]?.stringValue ?? "no reason given")")
        }
    }
}

extension NodeServer {
    /// Refuses a body that is not what `what` must be: audited and logged, with each problem
    /// named to the peer.
    static func refuseMalformed(
        _ what: String, _ error: any Error, from peer: PeerConfiguration, store: CaseStore, clock: @Sendable () -> Timestamp, logger: Logger
    ) throws -> (status: HTTPResponse.Status, body: JSONValue) {
        let problem = (error as? ValidationError)?.description ?? "the body is not JSON"
        try store.audit([AuditEvent(time: clock(), actor: "peer:\(peer.name)", action: .refuse, detail: "malformed \(what) refused: \(problem)")])
        logger.warning("malformed \(what) refused", metadata: ["peer.name": "\(peer.name)"])
        return (.badRequest, ["error": .string("malformed \(what): \(problem.replacingOccurrences(of: "\n", with: "; "))")])
    }

    /// Takes a holder's lookup notices about this node's records: audits each once.
    public typealias LookupNoticeProvider = @Sendable (_ peer: PeerConfiguration, _ body: [UInt8]) async throws -> (status: HTTPResponse.Status, body: JSONValue)

    /// Audits notices into `store`; a malformed body is refused whole and audited as a refusal.
    public static func lookupNotices(into store: CaseStore, clock: @escaping @Sendable () -> Timestamp, logger: Logger) -> LookupNoticeProvider {
        { peer, body in
            let notices: [LookupNotice]
            do {
                notices = try LookupNotice.readAll(try JSONParser.parse(body))
            } catch {
                return try refuseMalformed("lookup notices", error, from: peer, store: store, clock: clock, logger: logger)
            }
            let audited = try store.receiveLookupNotices(notices, from: peer.name, at: clock())
            return (.ok, ["audited": .integer(Int64(audited))])
        }
    }
}
