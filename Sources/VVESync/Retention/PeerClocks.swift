import Synchronization
import VVECore

/// What this node has lately seen of its peers' clocks: the skew of each (the peer's clock
/// less this node's, from the `Date` of its last answer), and when it was seen by a clock
/// that no change of the wall clock moves. The retention sweep reads it to tell a clock that
/// has jumped forward from a store that is really overdue.
package final class PeerClocks: Sendable {
    private let seen = Mutex<[AuthorityName: (skewMilliseconds: Int64, at: ContinuousClock.Instant)]>([:])

    package init() {}

    /// Notes that `peer`'s clock read `peerTime` when this node's read `now`.
    package func record(_ peer: AuthorityName, peerTime: Timestamp, now: Timestamp) {
        let skew = peerTime.millisecondsSinceEpoch - now.millisecondsSinceEpoch
        seen.withLock { $0[peer] = (skew, .now) }
    }

    /// The median skew, in milliseconds, of the peers seen within `maximumAge`; nil when none
    /// was. The lower median, so two peers that disagree cannot pull it past both.
    package func medianSkew(maximumAge: Duration) -> Int64? {
        let skews = seen.withLock { seen in seen.values.filter { ContinuousClock.now - $0.at <= maximumAge }.map(\.skewMilliseconds) }.sorted()
        return skews.isEmpty ? nil : skews[(skews.count - 1) / 2]
    }
}
