/// Why a request to a peer failed.
package struct PeerRequestError: Error, Sendable, CustomStringConvertible {
    /// The peer the failure is about, when `reason` does not already start with its name.
    package var peer: String?
    /// The failure, without the peer's name: what a line that names the peer already says.
    package var reason: String

    package init(peer: String? = nil, reason: String) {
        self.peer = peer
        self.reason = reason
    }

    package init(description: String) { self.init(reason: description) }

    package var description: String { peer.map { "\($0): \(reason)" } ?? reason }
}
