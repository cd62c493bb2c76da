import Foundation
import NIOCore
import NIOTLS
import VVECore

/// Sees handshake failures on the way up the pipeline and records those that BoringSSL
/// raised itself, such as a client that presented no certificate.
final class HandshakeFailureRecorder: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = NIOAny
    let attempt: HandshakeAttempt
    let refusals: RefusalLog

    init(attempt: HandshakeAttempt, refusals: RefusalLog) {
        self.attempt = attempt
        self.refusals = refusals
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent {
            _ = attempt.finish()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !attempt.wasVerified, attempt.finish() {
            let text = "\(error)"
            let remote = remoteAddress(context.channel)
            if text.contains("PEER_DID_NOT_RETURN_A_CERTIFICATE") || text.contains("CERTIFICATE_REQUIRED") {
                refusals.record(.noCertificate, remote: remote, at: Timestamp(Date()))
            } else {
                refusals.record(.handshakeFailed(detail: Self.reason(in: text)), remote: remote, at: Timestamp(Date()))
            }
        }
        context.fireErrorCaught(error)
    }
}

extension HandshakeFailureRecorder {
    /// BoringSSL's reason code, such as `HTTP_REQUEST` (the last upper-case word after a
    /// colon), else a plain account of the failure.
    static func reason(in text: String) -> String {
        if text.contains("EOF during handshake") { return "the client closed the connection during the handshake" }
        let codes = text.matches(of: /:([A-Z][A-Z0-9_]{3,})\b/).map { String($0.output.1) }
        if let code = codes.last { return code }
        return String(text.prefix(80))
    }
}
