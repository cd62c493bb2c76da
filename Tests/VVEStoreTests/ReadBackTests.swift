import Foundation
import Testing
import VVECore
import VVETestSupport

@testable import VVEStore

/// A draft built in code has had only its types checked: the store reads each record back
/// from the JSON it would write, and refuses one that would not read, writing nothing of its
/// import, rather than commit a record every later read would fail on.
@Suite struct ReadBackTests {
    @Test func aTypedDraftPastAListLimitIsRefusedAndNothingOfItsImportIsWritten() throws {
        let store = try CaseStore.inMemory(node: camden)
        var generator = SyntheticRecords(seed: 9, owner: camden, today: today)
        var overlong = generator.nextDraft(kind: .countyLinesLink)
        guard case .countyLinesLink(var line) = overlong.fields else {
            Issue.record("the generator made a \(overlong.kind) when asked for a county lines link")
            return
        }
        line.importingAreas = (1...31).map { AuthorityName("area-\($0)")! }
        overlong.fields = .countyLinesLink(line)
        // More than a chunk, the bad draft in the last: earlier chunks are written into the
        // transaction before the refusal, and rolled back with it.
        let valid = (0..<(CaseStore.importChunkSize + 100)).map { _ in generator.nextDraft() }

        #expect {
            _ = try store.importDrafts(valid + [overlong], context: context())
        } throws: { error in
            guard case .unreadableDraft(_, let problem) = error as? StoreError else { return false }
            return problem.issues.map(\.redactedDescription) == ["fields.importingAreas: has 31 entries; the limit is 30"]
        }
        #expect(try tableCounts(store) == [0, 0, 0])
        #expect(throws: StoreError.self) { _ = try store.add(overlong, context: context(1)) }
        #expect(try tableCounts(store) == [0, 0, 0])
        // At the limit, it is written and reads back.
        line.importingAreas.removeLast()
        overlong.fields = .countyLinesLink(line)
        let written = try store.add(overlong, context: context(2))
        #expect(try store.record(id: written.id, context: context(3)) == written)
    }
}
