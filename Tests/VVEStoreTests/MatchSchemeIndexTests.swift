import Foundation
import GRDB
import Testing
import VVECore
import VVETestSupport

@testable import VVEStore

/// The match index remembers the key and the match-key scheme it was built under. An index
/// an older vve built (scheme 1, whose tag named the key alone) is started over, every name
/// entered again with what its record says of the person.
@Suite struct MatchSchemeIndexTests {
    let encoder = MatchKeyEncoder(key: LinkageKey(bytes: Array(repeating: 7, count: 32))!)

    @Test func anIndexOfAnotherSchemeIsBuiltAgainWithTraits() throws {
        let folder = TemporaryDirectory()
        let store = try CaseStore.create(at: folder.file("camden.sqlite"), node: camden)
        var draft = drafts(1, kind: .relocation)[0]
        guard case .relocation(var fields) = draft.fields else { throw Failure() }
        fields.youngPerson = Person(forenames: "Kwame", surname: "Mensah", dateOfBirth: PartialDate("2011-03-04"), aliases: [])
        draft.fields = .relocation(fields)
        _ = try store.add(draft, context: context())
        #expect(try store.refreshMatchEntries(encoder: encoder).restarted)
        #expect(try !store.refreshMatchEntries(encoder: encoder).restarted)
        #expect(try store.matchEntries(after: 0, limit: 10).map(\.traits) == [.fullDateOfBirth])

        // As scheme 1 left it: the tag of the key alone, and an entry without traits.
        try store.transaction { db in
            try db.execute(sql: "UPDATE node_meta SET value = ? WHERE key = 'match-index.key'", arguments: [encoder.key.tag])
            try db.execute(sql: "UPDATE match_entry SET traits = 0, fuzzy = zeroblob(256)")
        }
        let refresh = try store.refreshMatchEntries(encoder: encoder)
        #expect(refresh.restarted && refresh.indexed == 1)
        let entries = try store.matchEntries(after: 0, limit: 10)
        #expect(entries.map(\.traits) == [.fullDateOfBirth])
        #expect(entries.map(\.fuzzy) == [encoder.keys(for: fields.youngPerson).fuzzy])
    }

    struct Failure: Error {}
}
