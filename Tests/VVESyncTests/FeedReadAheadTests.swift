import Logging
import Testing
import VVECore
import VVEStore
import VVETestSupport

@testable import VVESync

/// The owner's read-ahead: a catching-up peer's next batch, prepared while the one before it
/// is disclosed and sent, is handed out only while it is exactly what the request would get.
@Suite struct FeedReadAheadTests {
    let camden = AuthorityName("camden")!
    let haringey = AuthorityName("haringey")!
    let today = CalendarDate("2026-11-23")!
    let encoder = MatchKeyEncoder(key: LinkageKey(bytes: Array(repeating: 9, count: 32))!)
    /// Every relocation goes to haringey.
    let policy = SharingPolicy(
        share: [.relocation: KindGrant(audience: [.all], groups: ["placement", "follow-up", "status"])], reviewDays: 90, accept: [:],
        lookups: false, aggregates: false)

    func context(_ millis: Int64 = 0) -> OperationContext {
        OperationContext(actor: try! OperatorName("j.okafor"), time: Timestamp(millisecondsSinceEpoch: 1_795_460_340_000 + millis))
    }

    /// camden holding `count` relocations.
    func camdenStore(_ count: Int) throws -> (CaseStore, [CaseRecord]) {
        let store = try CaseStore.inMemory(node: camden)
        var generator = SyntheticRecords(seed: 11, owner: camden, today: today)
        let records = try (0..<count).map { _ in try store.add(generator.nextDraft(kind: .relocation), context: context()) }
        return (store, records)
    }

    func readAhead(_ store: CaseStore) -> FeedReadAhead<CollectingSink, CollectingSink.Encoding> {
        let time = context(10).time
        return FeedReadAhead(
            feed: ChangeFeed(store: store, encoder: encoder), signal: ChangeSignal(store: store, logger: Logger(label: "test")), clock: { time },
            makeSink: { _ in CollectingSink() })
    }

    func serve(
        _ feed: FeedReadAhead<CollectingSink, CollectingSink.Encoding>, after cursor: Int64, policy: SharingPolicy? = nil, compressed: Bool = true
    ) async throws
        -> FeedReadAhead<CollectingSink, CollectingSink.Encoding>.Served
    {
        try await feed.batch(
            for: haringey, role: .borough, policy: policy ?? self.policy, after: cursor, acknowledged: cursor, limit: 10, wait: .zero,
            encoding: compressed ? .collected : nil)
    }

    @Test func aCatchingUpPeerGetsEachNextBatchReadAheadAndExactlyAsPreparedOnRequest() async throws {
        let (store, records) = try camdenStore(35)
        let feed = readAhead(store)
        let onRequest = ChangeFeed(store: store, encoder: encoder)
        var served = try await serve(feed, after: 0)
        #expect(!served.wasReadAhead && served.batch.batch.hasMore)
        var sent: [String] = []
        var readAhead = 0
        while true {
            try served.batch.disclose()
            let batch = served.batch.batch
            sent += batch.items.compactMap { $0["copy"]?["id"]?.stringValue }
            #expect(served.sink?.bytes == batch.encoded())
            guard batch.hasMore else { break }
            let next = try await serve(feed, after: batch.cursor)
            // The same batch prepared now, on request, from the same store.
            let expected = try onRequest.prepare(
                for: haringey, role: .borough, policy: policy, after: batch.cursor, limit: 10, today: today, at: context(10).time)
            // Its audit head is the one when it was prepared: read ahead, that may be before the
            // previous batch's disclosures were audited, and any head is a valid anchor.
            var readied = next.batch.batch
            var prepared = expected.batch
            readied.auditHead = nil
            prepared.auditHead = nil
            #expect(readied.encoded() == prepared.encoded())
            if next.wasReadAhead { readAhead += 1 }
            served = next
        }
        #expect(readAhead == 3)
        #expect(sent == records.map(\.id.description))
        #expect(try store.auditEntries(action: .disclose).count == 4)
    }

    @Test func aBatchReadAheadIsDroppedWhenAnythingItWasPreparedUnderHasChanged() async throws {
        let (store, records) = try camdenStore(25)
        let feed = readAhead(store)

        // The batch before was never disclosed (its answer failed): prepared afresh.
        let undisclosed = try await serve(feed, after: 0)
        await feed.readAheadPrepared(for: haringey)
        #expect(try await serve(feed, after: undisclosed.batch.batch.cursor).wasReadAhead == false)

        // Asked from elsewhere, asked uncompressed, or under another policy: prepared afresh.
        var first = try await serve(feed, after: 0)
        try first.batch.disclose()
        #expect(try await serve(feed, after: first.batch.batch.cursor - 1).wasReadAhead == false)
        first = try await serve(feed, after: 0)
        try first.batch.disclose()
        #expect(try await serve(feed, after: first.batch.batch.cursor, compressed: false).wasReadAhead == false)
        first = try await serve(feed, after: 0)
        try first.batch.disclose()
        var narrower = policy
        narrower.share[.relocation]?.groups = ["placement"]
        #expect(try await serve(feed, after: first.batch.batch.cursor, policy: narrower).wasReadAhead == false)

        // A change logged after the batch read the log: prepared afresh, with the change.
        first = try await serve(feed, after: 0)
        try first.batch.disclose()
        await feed.readAheadPrepared(for: haringey)
        let erased = records[12].id
        _ = try store.erase(id: erased, justification: try Justification("entered in error by duty desk"), context: context(20))
        let next = try await serve(feed, after: first.batch.batch.cursor)
        #expect(!next.wasReadAhead)
        #expect(!next.batch.batch.items.contains { $0["copy"]?["id"]?.stringValue == erased.description })

        // Nothing changed: handed out.
        first = try await serve(feed, after: 0)
        try first.batch.disclose()
        #expect(try await serve(feed, after: first.batch.batch.cursor).wasReadAhead)
    }

    @Test func aBatchReadAheadDeletesACopyTheBatchBeforeItCarriesWhoseDisclosureHasNotCommitted() throws {
        let (store, records) = try camdenStore(5)
        let feed = ChangeFeed(store: store, encoder: encoder)
        let first = try feed.prepare(for: haringey, role: .borough, policy: policy, after: 0, limit: 5, today: today, at: context(10).time)
        #expect(first.copies.contains(records[2].id))
        // Erased after the first batch read it, before that batch's disclosure commits.
        _ = try store.erase(id: records[2].id, justification: try Justification("entered in error by duty desk"), context: context(20))
        let kinds: (PreparedBatch) -> [String] = { $0.batch.items.map { $0.objectValue?.keys.first ?? "?" } }
        let ahead = try feed.assemble(
            for: haringey, role: .borough, policy: policy, after: first.batch.cursor, limit: 5, today: today, at: context(30).time, sink: nil,
            heldToo: Set(first.copies))
        #expect(kinds(ahead) == ["erase"])
        #expect(ahead.batch.items.first?["erase"]?["id"]?.stringValue == records[2].id.description)
        // Counting only the holdings recorded, the erasure would be missed.
        let recordedOnly = try feed.assemble(
            for: haringey, role: .borough, policy: policy, after: first.batch.cursor, limit: 5, today: today, at: context(30).time, sink: nil)
        #expect(kinds(recordedOnly).isEmpty)
    }
}
