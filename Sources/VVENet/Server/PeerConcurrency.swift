import Synchronization
import VVECore

/// How many requests of one kind each peer has in progress, bounded: a peer over the bound is
/// refused at once rather than queued, so one peer cannot hold every worker.
final class PeerConcurrency: Sendable {
    /// The most requests one peer may have in progress.
    let limit: Int
    private let counts = Mutex<[AuthorityName: Int]>([:])

    init(limit: Int) {
        self.limit = limit
    }

    /// Counts one more request from `peer`; false, counting nothing, when it is at the limit.
    func enter(_ peer: AuthorityName) -> Bool {
        counts.withLock { counts in
            guard counts[peer, default: 0] < limit else { return false }
            counts[peer, default: 0] += 1
            return true
        }
    }

    /// Counts one request from `peer` finished.
    func leave(_ peer: AuthorityName) {
        counts.withLock { counts in
            counts[peer, default: 1] -= 1
            if counts[peer] == 0 { counts[peer] = nil }
        }
    }
}
