import VVECore

/// What the pull loop needs of the network; `VVENet` provides it over mutual TLS.
package protocol PeerClient: Sendable {
    /// One batch of `peer`'s changes for this node after `cursor`: at most `limit` change-log
    /// entries, waiting up to `wait` when the peer has nothing new. `acknowledged` is the
    /// cursor this node has committed, at most `cursor`.
    func changes(from peer: AuthorityName, after cursor: Int64, acknowledged: Int64, limit: Int, wait: Duration) async throws -> AnnouncedBatch
}

/// A pull the peer answered with a refusal (an HTTP error) rather than a batch. The peer is
/// reachable, so its loop retries at the usual pace: only a peer that cannot be reached and
/// has never answered is retried ever more rarely.
package struct PullRefused: Error, Sendable, CustomStringConvertible {
    package var description: String

    package init(_ description: String) {
        self.description = description
    }
}
