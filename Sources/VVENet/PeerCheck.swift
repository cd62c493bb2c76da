import CompressNIO
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization
import VVEConfig
import VVECore
import X509

/// Why `vve peer check` failed, precise enough that an admin knows whom to call.
package enum PeerCheckFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing listens at the peer's address.
    case connectionRefused(address: String)
    /// No answer within the time allowed.
    case timeout(seconds: Int, stage: String)
    /// The host name does not resolve.
    case unresolvable(host: String)
    /// The peer's certificate fails a check (expired, wrong CA, unpinned, name mismatch...).
    case certificate(CertificateRefusal)
    /// The peer refused this node's certificate. `detail` is what it said; `hint` what we know.
    case refusedByPeer(detail: String, hint: String)
    /// Something else went wrong on the connection.
    case connection(String)
    /// The peer answered, but not as a vve node does.
    case unexpectedAnswer(String)
    /// The peer speaks a protocol version this node does not read, or refused this node's:
    /// what it said, with both versions and which side to upgrade.
    case protocolVersion(String)

    /// A short, stable label for JSON and tests.
    package var label: String {
        switch self {
        case .connectionRefused: "connection-refused"
        case .timeout: "timeout"
        case .unresolvable: "unresolvable"
        case .certificate(let refusal): refusal.label
        case .refusedByPeer: "refused-by-peer"
        case .connection: "connection-failed"
        case .unexpectedAnswer: "unexpected-answer"
        case .protocolVersion: "protocol-version"
        }
    }

    /// The step of the check where this failure shows.
    package var step: String {
        switch self {
        case .connectionRefused, .unresolvable: "connect"
        case .timeout: "answer"
        case .certificate: "peer identity"
        case .refusedByPeer: "our identity"
        case .connection, .unexpectedAnswer, .protocolVersion: "exchange"
        }
    }

    package var description: String {
        switch self {
        case .connectionRefused(let address):
            "connection refused at \(address): the peer's vve serve is not running there, or the url's port is wrong"
        case .timeout(let seconds, let stage):
            "no answer within \(seconds) s while \(stage); check the url, firewalls, and that the peer is up"
        case .unresolvable(let host):
            "cannot resolve \(host); fix the peer's url, or its DNS entry"
        case .certificate(let refusal):
            "the peer's " + refusal.description
        case .refusedByPeer(let detail, let hint):
            "the peer refused our certificate (\(detail)); \(hint)"
        case .connection(let text):
            "the connection failed: \(text)"
        case .unexpectedAnswer(let text):
            "the peer answered unexpectedly: \(text)"
        case .protocolVersion(let text):
            text
        }
    }
}

/// The outcome of one `vve peer check`: each step's finding, and the failure if any.
package struct PeerCheckReport: Sendable {
    package var peer: PeerConfiguration
    /// Findings in order, as `(step, finding)`.
    package var steps: [(String, String)] = []
    /// Warnings that do not fail the check, such as a certificate expiring soon.
    package var warnings: [String] = []
    package var failure: PeerCheckFailure?
    /// The peer's certificate fingerprint, when it presented one.
    package var presented: CertificateFingerprint?
    package var peerDaysToExpiry: Int?
    package var ownDaysToExpiry: Int
    /// The peer's clock minus ours, in seconds.
    package var clockSkewSeconds: Double?
    /// The round trip of one request on the open connection, in milliseconds.
    package var roundTripMilliseconds: Double?
    /// How the peer identified this node.
    package var identifiedAs: String?
    /// The protocol version the peer answered in.
    package var protocolVersion: ProtocolVersion?

    /// True when every step passed.
    package var succeeded: Bool { failure == nil }

    /// The report as JSON, for `vve peer check --json`.
    package var jsonValue: JSONValue {
        var members: [(String, JSONValue)] = [
            ("peer", .string(peer.name.rawValue)),
            ("url", .string(peer.url.description)),
            ("ok", .bool(succeeded)),
            ("own-certificate-days-to-expiry", .integer(Int64(ownDaysToExpiry))),
        ]
        if let failure {
            members.append(("failure", ["reason": .string(failure.label), "message": .string(failure.description)]))
        }
        if let presented { members.append(("presented", .string(presented.description))) }
        if let peerDaysToExpiry { members.append(("peer-certificate-days-to-expiry", .integer(Int64(peerDaysToExpiry)))) }
        if let identifiedAs { members.append(("identified-as", .string(identifiedAs))) }
        if let protocolVersion { members.append(("protocol-version", .integer(Int64(protocolVersion.number)))) }
        if let clockSkewSeconds { members.append(("clock-skew-seconds", .double((clockSkewSeconds * 1000).rounded() / 1000))) }
        if let roundTripMilliseconds { members.append(("round-trip-ms", .double((roundTripMilliseconds * 10).rounded() / 10))) }
        members.append(("warnings", .array(warnings.map { .string($0) })))
        return .object(JSONObject(members))
    }
}

/// Connects to a peer as this node does and reports each step: the connection, the handshake,
/// the peer's certificate against the CA and the pins, the expiry of both certificates, how
/// the peer identifies us, the clock skew and the round trip.
package enum PeerCheck {
    /// Days before expiry at which a certificate earns a warning.
    package static let expiryWarningDays = 30

    package static func run(peer: PeerConfiguration, identity: NodeIdentity, timeout: Duration = .seconds(5)) async -> PeerCheckReport {
        let now = Date()
        var report = PeerCheckReport(peer: peer, ownDaysToExpiry: CertificateFiles.daysToExpiry(identity.certificate, now: now))
        let ownProblem = identity.ownCertificateProblem(now: now)
        if let ownProblem {
            report.warnings.append("our own " + ownProblem.description)
        } else if report.ownDaysToExpiry < expiryWarningDays {
            report.warnings.append("our certificate expires in \(report.ownDaysToExpiry) days; renew it now")
        }
        let verdict = VerdictBox()
        let seconds = Int(timeout.components.seconds)
        let address = "\(peer.url.host):\(peer.url.port)"
        do {
            let channel = try await connect(peer: peer, identity: identity, timeout: timeout, verdict: verdict)
            report.steps.append(("connect", "ok (\(address))"))
            let exchanged = try await withDeadline(timeout, stage: "waiting for the TLS handshake and the first answer") {
                try await channel.executeThenClose { inbound, outbound -> Exchanged in
                    var responses = inbound.makeAsyncIterator()
                    let whoami = try await exchange("/v1/whoami", host: peer.url.host, inbound: &responses, outbound: outbound)
                    guard whoami.status == .ok else { return Exchanged(whoami: whoami) }
                    let sent = Date()
                    let clockStart = ContinuousClock.now
                    let health = try await exchange("/v1/health", host: peer.url.host, inbound: &responses, outbound: outbound)
                    let elapsed = ContinuousClock.now - clockStart
                    let received = Date()
                    guard health.status == .ok, let time = health.body["time"]?.stringValue.flatMap(Timestamp.init) else {
                        throw PeerCheckFailure.unexpectedAnswer("GET /v1/health gave HTTP \(health.status.code)")
                    }
                    let peerTime = Double(time.millisecondsSinceEpoch) / 1000
                    let midpoint = (sent.timeIntervalSince1970 + received.timeIntervalSince1970) / 2
                    let trip = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
                    return Exchanged(whoami: whoami, clockSkewSeconds: peerTime - midpoint, roundTripMilliseconds: trip)
                }
            }
            try record(whoami: exchanged.whoami, into: &report, verdict: verdict, now: now)
            report.clockSkewSeconds = exchanged.clockSkewSeconds
            report.roundTripMilliseconds = exchanged.roundTripMilliseconds
        } catch let failure as PeerCheckFailure {
            report.failure = failure
        } catch {
            report.failure = classify(
                error, address: address, host: peer.url.host, seconds: seconds, verdict: verdict, identity: identity, ownProblem: ownProblem)
        }
        if let failure = report.failure {
            report.steps.append((failure.step, "FAILED: \(failure.label)"))
        } else {
            finish(&report)
        }
        return report
    }

    private static func finish(_ report: inout PeerCheckReport) {
        if let skew = report.clockSkewSeconds {
            report.steps.append(("clock skew", String(format: "%+.3f s (the peer's clock minus ours)", skew)))
            if abs(skew) > 60 {
                report.warnings.append(
                    String(format: "the clocks differ by %.0f s; certificate validity and audit times depend on them: fix NTP", abs(skew)))
            }
        }
        if let trip = report.roundTripMilliseconds {
            report.steps.append(("round trip", String(format: "%.1f ms", trip)))
        }
    }

    private static func record(
        whoami: Answer, into report: inout PeerCheckReport, verdict: VerdictBox,
        now: Date
    ) throws {
        guard case .success(let (leaf, fingerprint)) = verdict.value else {
            throw PeerCheckFailure.connection("the handshake finished without checking the peer's certificate")
        }
        report.presented = fingerprint
        report.peerDaysToExpiry = CertificateFiles.daysToExpiry(leaf, now: now)
        let pinIndex = report.peer.pins.firstIndex(of: fingerprint) ?? 0
        report.steps.append(("handshake", "ok, mutual TLS"))
        report.steps.append(
            (
                "peer identity",
                "\(report.peer.name), \(fingerprint.short) matches the \(pinIndex == 0 ? "current" : "next") pin"
            ))
        guard whoami.status == .ok else {
            let message = PeerText.reason(in: whoami.body, fallback: "HTTP \(whoami.status.code)")
            throw PeerCheckFailure.refusedByPeer(detail: message, hint: "ask the peer's admin to pin our certificate")
        }
        let name = whoami.body["peer"]?.stringValue ?? "?"
        report.identifiedAs = name
        report.steps.append(("our identity", "the peer knows us as \(name)"))
        report.protocolVersion = whoami.protocolVersion
        report.steps.append(
            ("protocol", "the peer speaks vve protocol \(whoami.protocolVersion); this node speaks \(ProtocolVersion.current)"))
        report.steps.append(("certificates", "the peer's expires in \(report.peerDaysToExpiry ?? 0) days; ours in \(report.ownDaysToExpiry) days"))
        if let days = report.peerDaysToExpiry, days < expiryWarningDays {
            report.warnings.append("the peer's certificate expires in \(days) days; ask its admin to renew it")
        }
        if whoami.body["needs-linkage-key"]?.boolValue == true {
            report.warnings.append(
                "the peer has no linkage key: this node cannot pull from it or send it lookups until its admin runs `vve linkage-key install FILE`")
        }
    }

    struct Answer: Sendable {
        var status: HTTPResponseStatus
        var body: JSONObject
        /// The `Server-Timing` header, when the peer sent one.
        var serverTiming: String? = nil
        /// The response's headers.
        var headers = HTTPHeaders()
        /// The body as it came, still gzipped when `gzipped`, when the caller decodes it
        /// itself (`exchange(decodingBody: false)`); `body` is then empty for a 200.
        var raw = ByteBuffer()
        var gzipped = false
        /// With `vve-gzip-keys`: how many bytes of match keys follow the gzip stream.
        var keyBytesApart: Int?
        /// The protocol version the peer answered in.
        var protocolVersion = ProtocolVersion.unstated

        /// The version an answer states (version 1 when it states none), refused when this
        /// node does not read it. The peer's own refusal of this node's version, `426`, is
        /// refused in the same words once its body is read.
        static func protocolVersion(of head: HTTPResponseHead) throws -> ProtocolVersion {
            guard let stated = head.headers[ProtocolVersion.header].first else { return .unstated }
            guard let version = ProtocolVersion(header: stated) else {
                throw PeerCheckFailure.unexpectedAnswer("its VVE-Protocol header \"\(stated.prefix(40))\" \(ProtocolVersion.rule)")
            }
            guard ProtocolVersion.current.serves(version) else {
                throw PeerCheckFailure.protocolVersion(ProtocolVersion.current.refusal(of: version, ours: "this node", theirs: "the peer"))
            }
            return version
        }

        /// An answer as it came: its body parsed as JSON when `decodingBody` (or it is not a
        /// 200), and otherwise kept raw for the caller.
        init(head: HTTPResponseHead, body: ByteBuffer, decodingBody: Bool) throws {
            protocolVersion = try Self.protocolVersion(of: head)
            status = head.status
            self.body = JSONObject()
            serverTiming = head.headers["server-timing"].first
            headers = head.headers
            raw = body
            let encoding = head.headers["content-encoding"].first?.lowercased()
            let keysApart = BatchEncoding.gzipWithKeysApart.token
            gzipped = encoding == "gzip" || encoding == keysApart
            if encoding == keysApart {
                guard let count = head.headers[WireHeader.keyBytes].first.flatMap(Int.init), (0...body.readableBytes).contains(count) else {
                    throw PeerCheckFailure.unexpectedAnswer("a vve-gzip-keys answer without a valid \(WireHeader.keyBytes) header")
                }
                keyBytesApart = count
            }
            if decodingBody || head.status != .ok {
                let inflated = try inflated()
                self.body = (try? JSONParser.parse(Array(inflated.readableBytesView)))?.objectValue ?? JSONObject()
                raw = ByteBuffer()
            }
            if head.status == .upgradeRequired {
                throw PeerCheckFailure.protocolVersion(
                    PeerText.reason(in: self.body, fallback: "the peer refused this node's protocol version \(ProtocolVersion.current)"))
            }
        }

        /// The raw body, inflated within `WireCompression.maximumBytes` when it came gzipped.
        func inflated() throws -> ByteBuffer {
            guard gzipped else { return raw }
            var compressed = raw
            var apart: [UInt8] = []
            if let keyBytesApart {
                // The match keys' bytes follow the gzip stream; they go back into the JSON.
                apart = Array(compressed.readableBytesView.suffix(keyBytesApart))
                compressed.moveWriterIndex(to: compressed.writerIndex - keyBytesApart)
            }
            let json: ByteBuffer
            do {
                json = try compressed.decompress(with: WireCompression.algorithm, maxSize: WireCompression.maximumBytes)
            } catch {
                throw PeerCheckFailure.unexpectedAnswer(
                    "a gzipped answer that does not inflate within \(WireCompression.maximumBytes / 1_000_000) MB")
            }
            guard keyBytesApart != nil else { return json }
            do {
                return ByteBuffer(bytes: try SplitMatchKeys.join(Array(json.readableBytesView), keys: apart[...]))
            } catch {
                throw PeerCheckFailure.unexpectedAnswer("a vve-gzip-keys answer whose match keys do not fit its JSON: \(error)")
            }
        }
    }

    struct Exchanged: Sendable {
        var whoami: Answer
        var clockSkewSeconds: Double?
        var roundTripMilliseconds: Double?
    }

    static func exchange(
        _ path: String, host: String, body: JSONValue? = nil, inbound: inout NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>, decodingBody: Bool = true
    ) async throws -> Answer {
        let method = body == nil ? "GET" : "POST"
        let bytes = body.map { ByteBuffer(string: JSONWriter.canonical($0)) }
        try await outbound.write(.head(requestHead(path, host: host, body: bytes)))
        if let bytes { try await outbound.write(.body(.byteBuffer(bytes))) }
        try await outbound.write(.end(nil))
        var head: HTTPResponseHead?
        var received = ByteBuffer()
        while let part = try await inbound.next() {
            switch part {
            case .head(let answerHead): head = answerHead
            case .body(var chunk):
                guard received.readableBytes + chunk.readableBytes <= WireCompression.maximumRawBytes else {
                    throw PeerCheckFailure.unexpectedAnswer("an answer of more than \(WireCompression.maximumRawBytes / 1_048_576) MiB")
                }
                received.writeBuffer(&chunk)
            case .end:
                guard let head else { throw PeerCheckFailure.unexpectedAnswer("a response with no status") }
                return try Answer(head: head, body: received, decodingBody: decodingBody)
            }
        }
        throw PeerCheckFailure.connection("the peer closed the connection without answering \(method) \(path)")
    }

    /// The head of a request to a peer: JSON asked for, gzip accepted.
    static func requestHead(_ path: String, host: String, body: ByteBuffer? = nil) -> HTTPRequestHead {
        var headers = HTTPHeaders()
        headers.add(name: "host", value: host)
        headers.add(name: ProtocolVersion.header, value: ProtocolVersion.current.description)
        headers.add(name: "accept", value: "application/json")
        // Only the change feed answers with keys apart; every other answer is plain gzip.
        headers.add(name: "accept-encoding", value: "\(BatchEncoding.gzipWithKeysApart.token), gzip")
        if let body {
            headers.add(name: "content-type", value: "application/json")
            headers.add(name: "content-length", value: String(body.readableBytes))
        }
        return HTTPRequestHead(version: .http1_1, method: body == nil ? .GET : .POST, uri: path, headers: headers)
    }

    static func connect(
        peer: PeerConfiguration, identity: NodeIdentity, timeout: Duration,
        verdict: VerdictBox
    ) async throws -> NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart> {
        try await connect(peer: peer, identity: identity, timeout: timeout, verdict: verdict) { channel in
            try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
        }
    }

    /// Connects over mutual TLS, refusing a peer whose certificate is not pinned in its file,
    /// with the HTTP client codec on the channel, which `wrap` takes from there.
    static func connect<Connection: Sendable>(
        peer: PeerConfiguration, identity: NodeIdentity, timeout: Duration,
        verdict: VerdictBox, wrap: @escaping @Sendable (any Channel) throws -> Connection
    ) async throws -> Connection {
        let context = try NIOSSLContext(configuration: identity.tlsConfiguration(server: false))
        let host = peer.url.host
        let isAddress = (try? SocketAddress(ipAddress: host, port: 0)) != nil
        let trust = identity.trust
        let pins = peer.pins
        return try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(Int64(timeout.components.seconds)))
            .connect(host: host, port: peer.url.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = try NIOSSLClientHandler(
                        context: context, serverHostname: isAddress ? nil : host,
                        customVerificationCallback: { certificates, promise in
                            let parsed = certificates.compactMap { try? Certificate(derEncoded: $0.toDERBytes()) }
                            var result = parsed.count == certificates.count ? trust.evaluate(parsed, as: .server(host: host)) : .failure(.unreadable)
                            if case .success(let (leaf, fingerprint)) = result {
                                if pins.contains(fingerprint) {
                                    PeerCertificateExpiry.record(leaf, of: peer.name)
                                } else {
                                    result = .failure(.unpinned(fingerprint: fingerprint, subject: leaf.subject.description, expected: pins))
                                }
                            }
                            verdict.set(result)
                            if case .success = result { promise.succeed(.certificateVerified) } else { promise.succeed(.failed) }
                        })
                    try channel.pipeline.syncOperations.addHandler(handler)
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try wrap(channel)
                }
            }
    }

    static func classify(
        _ error: any Error, address: String, host: String, seconds: Int,
        verdict: VerdictBox, identity: NodeIdentity,
        ownProblem: CertificateRefusal?
    ) -> PeerCheckFailure {
        if case .failure(let refusal) = verdict.value { return .certificate(refusal) }
        if let channelError = error as? ChannelError, case .connectTimeout = channelError {
            return .timeout(seconds: seconds, stage: "connecting")
        }
        if let connection = error as? NIOConnectionError {
            if connection.connectionErrors.isEmpty { return .unresolvable(host: host) }
            for failure in connection.connectionErrors {
                if let io = failure.error as? IOError, io.errnoCode == ECONNREFUSED { return .connectionRefused(address: address) }
                if let channelError = failure.error as? ChannelError, case .connectTimeout = channelError {
                    return .timeout(seconds: seconds, stage: "connecting")
                }
            }
            return .connection("\(connection)")
        }
        if let io = error as? IOError, io.errnoCode == ECONNREFUSED { return .connectionRefused(address: address) }
        let text = "\(error)"
        if let alert = alertName(in: text) {
            let hint: String
            if let ownProblem {
                hint = "our own " + ownProblem.description
            } else {
                hint =
                    "the peer does not pin our certificate \(identity.fingerprint) (never pinned, removed, or it trusts another CA): ask its admin to run `vve peer add` with our certificate"
            }
            return .refusedByPeer(detail: "TLS alert \(alert)", hint: hint)
        }
        if case .success = verdict.value, error is NIOSSLError {
            return .refusedByPeer(
                detail: "the connection was closed during the handshake",
                hint: "the peer does not pin our certificate \(identity.fingerprint), or it was removed: ask its admin to check `vve peer list`")
        }
        return .connection(text)
    }

    /// The TLS alert name in a BoringSSL error, such as `certificate unknown`.
    static func alertName(in text: String) -> String? {
        guard let range = text.range(of: #"ALERT_[A-Z_]+"#, options: .regularExpression) else { return nil }
        return text[range].dropFirst(6).lowercased().replacingOccurrences(of: "_", with: " ")
    }

    /// Whether `error` is `withDeadline`'s: the peer did not answer in time.
    static func isTimeout(_ error: any Error) -> Bool {
        if case .timeout? = error as? PeerCheckFailure { true } else { false }
    }

    static func withDeadline<T: Sendable>(_ timeout: Duration, stage: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw PeerCheckFailure.timeout(seconds: Int(timeout.components.seconds), stage: stage)
            }
            return value
        }
    }
}

/// The verdict on the peer's certificate, written by the TLS callback on the event loop and
/// read by the check afterwards.
final class VerdictBox: Sendable {
    typealias Verdict = Result<(Certificate, CertificateFingerprint), CertificateRefusal>
    private let state = Mutex<Verdict?>(nil)

    func set(_ verdict: Verdict) { state.withLock { $0 = verdict } }
    var value: Verdict? { state.withLock { $0 } }
}
