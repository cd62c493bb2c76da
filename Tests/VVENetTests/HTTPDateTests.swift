import Testing
import VVECore

@testable import VVENet

/// A peer's clock is read from the `Date` of its answers, for the retention sweep to check
/// this node's clock against.
@Suite struct HTTPDateTests {
    @Test func anHTTPDateReadsAsItsInstantAndAnythingElseAsNothing() {
        #expect(NetworkPeerClient.httpDate("Sat, 05 Dec 2026 21:15:00 GMT")?.description == "2026-12-05T21:15:00.000Z")
        for bad in ["", "yesterday", "2026-12-05T21:15:00Z", "Sat, 05 Dec 2026 21:15:00 PST"] {
            #expect(NetworkPeerClient.httpDate(bad) == nil, "\(bad)")
        }
    }
}
