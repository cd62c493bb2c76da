/// Settings of the pull loops, with the defaults `vve serve` uses.
package struct PullConfiguration: Sendable {
    /// Changes asked for per batch. Default 500.
    package var batchSize = 500
    /// Batches fetched and read ahead of the one being applied while a peer has more
    /// (`BatchPrefetch`). Default 2: enough to keep both ends busy on two cores, and a few
    /// megabytes of memory per peer at most.
    package var prefetch = 2
    /// How long a caught-up loop asks the peer to hold its request open. Default 25 s: well
    /// inside the server's 60 s idle timeout, and few enough requests to keep an idle node idle.
    package var longPoll: Duration = .seconds(25)
    /// How often the set of peers is compared with the peer files. Default 1 s.
    package var reconcileInterval: Duration = .seconds(1)
    /// Retry delays after failures.
    package var backoff = Backoff()
    /// How often a peer that says it shares nothing with this node is asked again, unless its
    /// peer file changes first; also the longest retry delay for a peer that has never
    /// answered, so that a peer that never listens (a VRU's node, say) is not tried every
    /// minute for ever. Default an hour.
    package var quietInterval: Duration = .seconds(3600)

    package init() {}
}
