import Foundation
import GRDB
import Testing
import VVECore
import VVETestSupport

@testable import VVEStore

/// What each peer gave back to a lookup this node's operator made is kept with the lookup's
/// audit entry, in its transaction, and counted for the metrics by peer and outcome.
@Suite struct LookupsAskedTests {
    @Test func eachPeersOutcomeIsKeptWithTheAuditAndCounted() throws {
        let store = try CaseStore.inMemory(node: camden)
        var random = SeededGenerator(seed: 5)
        let reference = RecordID.make(at: context().time, owner: AuthorityName("enfield")!, using: &random)
        let hit = LookupHit(
            kind: .relocation, owner: AuthorityName("enfield")!, label: .match, score: 1, reason: .sameNameAndDate, riskLevel: nil,
            status: nil, contact: nil, reference: reference)
        func report(_ id: String, enfieldHits: [LookupHit]) -> LookupReport {
            LookupReport(
                lookupID: id,
                results: [
                    (AuthorityName("enfield")!, .answered(LookupAnswer(authority: AuthorityName("enfield")!, lookupID: id, hits: enfieldHits))),
                    (AuthorityName("haringey")!, .refused("peer:camden has looked up 30 names in the last minute")),
                    (AuthorityName("islington")!, .noAnswer("timeout")),
                ])
        }
        for (id, hits) in [("a1b2c3d4", [hit]), ("e5f6a7b8", []), ("c9d0e1f2", [hit])] {
            let event = AuditEvent(
                time: context().time, actor: "j.okafor", action: .lookup, justification: "missing child enquiry", detail: "lookup \(id)")
            try store.recordLookup(event, names: 1, report: report(id, enfieldHits: hits))
        }
        let counts = try store.counts(today: today)
        #expect(
            counts.lookupsAsked == [
                AuthorityName("enfield")!: ["hit": 2, "no-hit": 1],
                AuthorityName("haringey")!: ["refused": 3],
                AuthorityName("islington")!: ["no-answer": 3],
            ])
        #expect(try store.auditEntries(action: .lookup).count == 3)
        #expect(try store.lookupCounts(actor: "j.okafor", at: context(1).time).lastMinute == 3)
    }

    @Test func anOutcomeTheTableDoesNotKnowIsRefused() throws {
        let store = try CaseStore.inMemory(node: camden)
        #expect(throws: StoreError.self) {
            try store.transaction { db in
                try db.execute(sql: "INSERT INTO lookup_asked(peer, outcome, asked) VALUES ('enfield', 'maybe', 1)")
            }
        }
        #expect(try store.counts(today: today).lookupsAsked.isEmpty)
    }
}
