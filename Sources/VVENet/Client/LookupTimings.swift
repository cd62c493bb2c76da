import Foundation
import Hummingbird
import Logging
import Synchronization
import VVEConfig
import VVECore
import VVEStore
import VVESync

/// Per peer: the round trip of its lookup, and the time its server says it spent answering.
package final class LookupTimings: Sendable {
    /// One peer's times, in milliseconds.
    package struct Timing: Sendable {
        package var roundTripMilliseconds: Double
        /// From the peer's `Server-Timing: lookup;dur=MS`; nil when it sent none.
        package var serverMilliseconds: Double?
    }

    private let state = Mutex<[AuthorityName: Timing]>([:])

    func record(_ peer: AuthorityName, roundTrip: Duration, serverTiming: String?) {
        let milliseconds = Double(roundTrip.components.seconds) * 1000 + Double(roundTrip.components.attoseconds) / 1e15
        let server = serverTiming?.split(separator: ";").first { $0.hasPrefix("dur=") }.flatMap { Double($0.dropFirst(4)) }
        state.withLock { $0[peer] = Timing(roundTripMilliseconds: milliseconds, serverMilliseconds: server) }
    }

    /// Every peer that answered, by name.
    package var byPeer: [(peer: AuthorityName, timing: Timing)] {
        state.withLock { $0.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }
    }
}
