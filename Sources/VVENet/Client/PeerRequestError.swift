/// Why a request to a peer failed.
package struct PeerRequestError: Error, Sendable, CustomStringConvertible {
    package var description: String
}
