import Synchronization

/// Counts the connections open to the server, by remote address and in all, so that no one
/// address, and no crowd of them, can hold more than the server is configured to take. A
/// connection is counted from when it is accepted, before its handshake, since a stranger
/// that never finishes one holds a connection all the same.
final class ConnectionLimiter: Sendable {
    /// The most connections one address may hold open.
    let perAddress: Int
    /// The most connections open in all.
    let total: Int
    private let open = Mutex<(byAddress: [String: Int], total: Int)>(([:], 0))

    init(perAddress: Int, total: Int) {
        self.perAddress = perAddress
        self.total = total
    }

    /// Counts a new connection from `host`, or says why it is refused.
    func enter(_ host: String) -> CertificateRefusal? {
        open.withLock { open in
            if open.total >= total { return .tooManyConnections(limit: total, fromOneAddress: false) }
            if open.byAddress[host, default: 0] >= perAddress { return .tooManyConnections(limit: perAddress, fromOneAddress: true) }
            open.total += 1
            open.byAddress[host, default: 0] += 1
            return nil
        }
    }

    /// Stops counting a connection from `host` that `enter` admitted.
    func leave(_ host: String) {
        open.withLock { open in
            open.total -= 1
            let left = open.byAddress[host, default: 1] - 1
            open.byAddress[host] = left > 0 ? left : nil
        }
    }
}
