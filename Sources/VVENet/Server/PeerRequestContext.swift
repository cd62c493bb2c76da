import Hummingbird
import NIOCore
import VVEConfig
import VVECore

/// The request context of every handler: the peer that called, as its pinned certificate
/// identifies it. Handlers never see a request from an unidentified caller.
package struct PeerRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    /// The connection, from which the peer's certificate is read.
    package let channel: any Channel
    /// The calling peer; set by `PeerIdentityMiddleware` before any route runs.
    package var peer: PeerConfiguration?
    /// The fingerprint of the certificate the caller presented.
    package var peerFingerprint: CertificateFingerprint?

    package init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        channel = source.channel
    }
}

func remoteAddress(_ channel: any Channel) -> String {
    guard let address = channel.remoteAddress else { return "unknown" }
    return "\(address.ipAddress ?? "unknown"):\(address.port ?? 0)"
}
