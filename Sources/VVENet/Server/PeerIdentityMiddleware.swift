import Foundation
import Hummingbird
import NIOCore
import NIOSSL
import VVEConfig
import VVECore
import X509

/// Resolves the calling peer on every request, from the certificate of its connection. The
/// handshake already checked the pin; checking again here means a peer removed while its
/// connection stays open is refused from its next request on.
package struct PeerIdentityMiddleware: RouterMiddleware {
    package typealias Context = PeerRequestContext
    let registry: PeerRegistry
    let refusals: RefusalLog

    package func handle(
        _ request: Request, context: PeerRequestContext, next: (Request, PeerRequestContext) async throws -> Response
    ) async throws -> Response {
        let remote = remoteAddress(context.channel)
        guard let presented = try await context.channel.nioSSL_peerCertificate().get(),
            let certificate = try? Certificate(derEncoded: presented.toDERBytes())
        else {
            refusals.record(.noCertificate, remote: remote, at: Timestamp(Date()))
            return NodeServer.refusal(.forbidden, "no client certificate")
        }
        let fingerprint = CertificateFiles.fingerprint(certificate)
        if Date() > certificate.notValidAfter {
            refusals.record(.expired(fingerprint: fingerprint, notAfter: certificate.notValidAfter), remote: remote, at: Timestamp(Date()))
            return NodeServer.refusal(.forbidden, "certificate \(fingerprint.short) expired; renew it")
        }
        guard let peer = registry.peer(pinning: fingerprint) else {
            refusals.record(
                .unpinned(fingerprint: fingerprint, subject: certificate.subject.description, expected: []), remote: remote, at: Timestamp(Date()))
            return NodeServer.refusal(.forbidden, "certificate \(fingerprint.short) is not pinned by this node")
        }
        var context = context
        context.peer = peer
        context.peerFingerprint = fingerprint
        context.logger[metadataKey: "peer.name"] = "\(peer.name)"
        return try await next(request, context)
    }
}
