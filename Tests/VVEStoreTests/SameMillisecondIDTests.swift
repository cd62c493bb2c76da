import Testing
import VVECore
import VVETestSupport

@testable import VVEStore

/// Records added one by one in one millisecond take successive sequences: they never rely on
/// the id's 20 random bits to differ, and sort in the order they were made.
@Suite struct SameMillisecondIDTests {
    @Test func recordsAddedInOneMillisecondHaveDistinctOrderedIDs() throws {
        let store = try CaseStore.inMemory(node: camden)
        let made = try drafts(300).map { try store.add($0, context: context()) }.map(\.id)
        #expect(Set(made).count == made.count)
        #expect(made == made.sorted())
        // A later millisecond starts its sequences again, after the earlier ones in time.
        let later = try store.add(drafts(1, seed: 2)[0], context: context(1)).id
        #expect(made.allSatisfy { $0 < later })
    }
}
