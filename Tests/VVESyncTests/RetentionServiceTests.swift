import Logging
import Testing
import VVECore
import VVEStore
import VVETestSupport

@testable import VVESync

/// `vve serve`'s retention sweep checks its clock against its peers' before it erases: a
/// clock jumped forward makes everything look overdue, and an erasure cannot be undone.
@Suite struct RetentionServiceTests {
    @Test func aSweepWaitsForAPeersClockAndRefusesOneADayBehind() throws {
        let store = try CaseStore.inMemory(node: camden)
        _ = try store.importDrafts(drafts(10, seed: 21, kind: .relocation), context: context())
        // This node's clock reads 800 days on: every record looks overdue.
        let jumped = Timestamp(millisecondsSinceEpoch: context().time.millisecondsSinceEpoch + 800 * 86_400_000)
        let clocks = PeerClocks()
        let service = RetentionService(
            store: store, policy: RetentionPolicy(), signal: nil, clock: { jumped }, clocks: clocks, hasPeers: { true }, logger: Logger(label: "test")
        )
        func erased() throws -> Int { try store.reading { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM record WHERE erased = 1") ?? -1 } }

        // No peer's clock seen yet: the sweep waits, and looks again soon.
        #expect(service.sweep() == .waitingForPeers)
        #expect(try erased() == 0)
        // The peers' clocks read the real time, 800 days behind this one: refused.
        clocks.record(AuthorityName("haringey")!, peerTime: context().time, now: jumped)
        clocks.record(AuthorityName("enfield")!, peerTime: context().time, now: jumped)
        #expect(service.sweep() == .clockAhead)
        #expect(try erased() == 0)
        // Once the peers agree with this node's clock, what is overdue is erased.
        clocks.record(AuthorityName("haringey")!, peerTime: jumped, now: jumped)
        clocks.record(AuthorityName("enfield")!, peerTime: jumped, now: jumped)
        #expect(service.sweep() == .done)
        #expect(try erased() == 10)
    }

    @Test func theMedianOfThePeersClocksIsTheLowerOneAndStaleOnesAreIgnored() {
        let clocks = PeerClocks()
        let now = context().time
        #expect(clocks.medianSkew(maximumAge: .seconds(60)) == nil)
        for (name, skew) in [("a", 5_000), ("b", -2_000), ("c", 90_000_000), ("d", 0)] as [(String, Int64)] {
            clocks.record(AuthorityName("peer-\(name)")!, peerTime: Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + skew), now: now)
        }
        #expect(clocks.medianSkew(maximumAge: .seconds(60)) == 0)
        #expect(clocks.medianSkew(maximumAge: .zero) == nil)
    }
}
