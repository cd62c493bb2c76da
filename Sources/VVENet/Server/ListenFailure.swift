import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a server could not listen on its address, said for an admin instead of as a system
/// call's error (`bind(descriptor:ptr:bytes:): Address already in use (errno: 98)`).
package enum ListenFailure {
    /// What went wrong listening at `address` and how to fix it, naming `configuration` (the
    /// node.yaml) and the flag; nil when `error` is not a failure to listen.
    package static func message(_ error: any Error, address: String, configuration: String) -> String? {
        guard let io = error as? IOError else { return nil }
        let elsewhere = "choose another address with `listen:` in \(configuration) or `vve serve --listen HOST:PORT`"
        switch io.errnoCode {
        case EADDRINUSE:
            return "cannot listen on \(address): another vve serve or another program already listens there; stop it, or \(elsewhere)"
        case EACCES:
            return "cannot listen on \(address): this user may not (a port below 1024 needs privileges); \(elsewhere)"
        case EADDRNOTAVAIL:
            return "cannot listen on \(address): no network interface of this machine has that address; \(elsewhere)"
        default:
            return nil
        }
    }
}
