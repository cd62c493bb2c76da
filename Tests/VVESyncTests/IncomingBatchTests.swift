import Testing
import VVECore
import VVESync

/// A peer's answer is checked for shape before anything of it is applied.
@Suite struct IncomingBatchTests {
    func read(_ text: String, since: Int64 = 5) -> Result<IncomingBatch, IncomingBatch.Malformed> {
        Result { () throws(IncomingBatch.Malformed) -> IncomingBatch in
            try IncomingBatch.read((try? JSONParser.parse(text))?.objectValue ?? JSONObject(), since: since)
        }
    }

    func refusal(_ text: String, since: Int64 = 5) -> String? {
        if case .failure(let malformed) = read(text, since: since) { return malformed.description }
        return nil
    }

    @Test func aWellFormedBatchIsReadWithItsLag() throws {
        let batch = try read(#"{"cursor":9,"hasMore":true,"head":20,"items":[{"erase":{"id":"x"}}]}"#).get()
        #expect(batch.cursor == 9 && batch.hasMore && batch.head == 20 && batch.lag == 11 && batch.items.count == 1)
        // A peer that does not say its head: no lag beyond the cursor.
        #expect(try read(#"{"cursor":9,"hasMore":false,"items":[]}"#).get().lag == 0)
    }

    @Test func aMalformedBatchIsRefusedSayingWhy() {
        #expect(refusal(#"{"cursor":9,"hasMore":false}"#) == "it has no items array")
        #expect(refusal(#"{"cursor":"9","hasMore":false,"items":[]}"#) == "it has no integer cursor")
        #expect(refusal(#"{"cursor":4,"hasMore":false,"items":[]}"#) == "its cursor 4 is before the one asked from, 5")
        #expect(refusal(#"{"cursor":9,"items":[]}"#) == "it has no hasMore flag")
        #expect(refusal(#"{"cursor":9,"hasMore":false,"head":8,"items":[]}"#) == "its head 8 is before its cursor 9")
        #expect(refusal("not json") == "it has no items array")
    }

    /// The next batch is asked for from the cursor the answer's headers announce, before the
    /// body is read; a body that ends elsewhere is refused, whatever it holds.
    @Test func aBatchMustEndWhereItsHeadersAnnounced() throws {
        let batch = try read(#"{"cursor":9,"hasMore":true,"head":20,"items":[]}"#).get()
        #expect(throws: Never.self) { try batch.matching(announcedCursor: 9, hasMore: true) }
        #expect(throws: IncomingBatch.Malformed.self) { try batch.matching(announcedCursor: 10, hasMore: true) }
        do {
            _ = try batch.matching(announcedCursor: 9, hasMore: false)
            Issue.record("a batch announced as the last was taken with more to come")
        } catch {
            #expect(error.description == "it ends at 9 (more: true) after its headers announced 9 (more: false)")
        }
    }

    @Test func backoffDoublesWithJitterUpToItsCeilingAndResets() {
        var backoff = Backoff(initial: .milliseconds(500), maximum: .seconds(4))
        #expect(backoff.nextDelay(unit: 1) == .milliseconds(500))
        #expect(backoff.nextDelay(unit: 0) == .milliseconds(500))
        #expect(backoff.nextDelay(unit: 1) == .seconds(2))
        #expect(backoff.nextDelay(unit: 1) == .seconds(4))
        #expect(backoff.nextDelay(unit: 1) == .seconds(4))
        #expect(backoff.failures == 5)
        backoff.reset()
        #expect(backoff.nextDelay(unit: 0.5) == .milliseconds(375))
    }
}
