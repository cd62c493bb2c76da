import Synchronization
import Testing
import VVECore
import VVETestSupport

@testable import VVESync

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
        // More items than any batch may hold, however small each is.
        let flood = "{\"cursor\":9,\"hasMore\":false,\"items\":[" + Array(repeating: "0", count: 1001).joined(separator: ",") + "]}"
        #expect(refusal(flood) == "it has 1001 items; a batch holds at most 1000")
    }

    @Test func aRestartedLogIsToldFromAContinuingOne() throws {
        let incarnation = "0123456789abcdef0123456789abcdef"
        let other = "fedcba9876543210fedcba9876543210"
        func judged(_ text: String, recorded: String?) throws -> PeerLogContinuity {
            PeerLogContinuity(try read(text).get(), recordedIncarnation: recorded)
        }
        let continuing = #"{"cursor":9,"hasMore":false,"head":9,"incarnation":"\#(incarnation)","items":[]}"#
        #expect(try read(continuing).get().incarnation == incarnation)
        #expect(try judged(continuing, recorded: incarnation) == .continues)
        // Met for the first time, or from a peer that names none: nothing to compare.
        #expect(try judged(continuing, recorded: nil) == .continues)
        #expect(try judged(#"{"cursor":9,"hasMore":false,"head":9,"items":[]}"#, recorded: incarnation) == .continues)
        #expect(
            try judged(continuing, recorded: other)
                == .restarted("its store is a new incarnation (01234567, after fedcba98): it was restored from a backup or rebuilt"))
        // A log that ends before the cursor asked from (5) answers with nothing where it
        // was asked: read as a restart, not refused as malformed.
        let behind = #"{"cursor":5,"hasMore":false,"head":3,"incarnation":"\#(incarnation)","items":[]}"#
        #expect(try read(behind).get().logEndsBeforeCursor)
        #expect(
            try judged(behind, recorded: incarnation)
                == .restarted("its change log ends at 3, before this node's cursor 5: its store went back in time"))
        // Anything else with its head before its cursor is malformed still.
        #expect(refusal(#"{"cursor":5,"hasMore":false,"head":3,"items":[{"erase":{"id":"x"}}]}"#) == "its head 3 is before its cursor 5")
        #expect(refusal(#"{"cursor":5,"hasMore":true,"head":3,"items":[]}"#) == "its head 3 is before its cursor 5")
        for bad in [#""ABCDEF""#, #""0123""#, "7", #""0123456789abcdef0123456789abcdeg""#] {
            #expect(
                refusal(#"{"cursor":9,"hasMore":false,"head":9,"incarnation":"# + bad + #","items":[]}"#)
                    == "its incarnation is not 32 lowercase hex digits")
        }
    }

    @Test func aBatchCarriesItsSendersAuditHeadForTheCallerToKeep() throws {
        let hash = String(repeating: "9c", count: 32)
        let batch = ChangeBatch(
            items: [], cursor: 9, hasMore: false, head: 9, incarnation: String(repeating: "0", count: 32),
            auditHead: AuditAnchor(sequence: 41, hash: hash))
        // The bytes sent and the canonical JSON agree, and the caller reads the head back.
        #expect(batch.encoded() == JSONWriter.canonicalBytes(batch.jsonValue))
        #expect(try read(String(decoding: batch.encoded(), as: UTF8.self)).get().auditHead == AuditAnchor(sequence: 41, hash: hash))
        #expect(try read(#"{"cursor":9,"hasMore":false,"items":[]}"#).get().auditHead == nil)
        for bad in [
            #"{"sequence":0,"hash":"\#(hash)"}"#, #"{"sequence":4,"hash":"9C"}"#, #"{"sequence":4}"#,
            #"{"sequence":4,"hash":"\#(hash)","seenAt":"2026-11-26T10:00:00.000Z"}"#, #"{"sequence":4,"hash":"\#(hash)","extra":1}"#,
        ] {
            #expect(
                refusal(#"{"auditHead":"# + bad + #","cursor":9,"hasMore":false,"items":[]}"#)
                    == "its auditHead is not a sequence from 1 and a hash of 64 lowercase hex digits", "\(bad)")
        }
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
        // Logged to the hundredth of a second, not to 17 digits.
        #expect(Duration.nanoseconds(379_500_133).roundedSeconds == 0.38)
        #expect("\(Duration.milliseconds(375).roundedSeconds)" == "0.38")
        #expect("\(Duration.seconds(4).roundedSeconds)" == "4.0")
    }
}

/// Batches fetched ahead: handed out in order, never more than `depth` beyond the one
/// handed out, none asked for after the last, and a failure reaching the caller at its batch.
@Suite struct BatchPrefetchTests {
    /// A peer with batches of one change each up to `last`, failing at `failAt`, which
    /// records every cursor asked from.
    final class Peer: Sendable {
        let last: Int64
        let failAt: Int64?
        private let asked = Mutex<[Int64]>([])

        /// How long the first fetch is held open, as a long-poll is.
        let holdFirst: Duration
        private let cancelledFetches = Mutex(0)
        /// Yields once for every fetch that has begun, so a test waits for one without a clock.
        let fetchesBegun: AsyncStream<Void>
        private let fetchBegun: AsyncStream<Void>.Continuation

        init(last: Int64, failAt: Int64? = nil, holdFirst: Duration = .zero) {
            (fetchesBegun, fetchBegun) = AsyncStream<Void>.makeStream()
            self.last = last
            self.failAt = failAt
            self.holdFirst = holdFirst
        }

        /// Fetches that saw their caller cancel them.
        var cancelled: Int { cancelledFetches.withLock { $0 } }

        var askedFrom: [Int64] { asked.withLock { $0 } }

        func fetch(after cursor: Int64) async throws -> AnnouncedBatch {
            asked.withLock { $0.append(cursor) }
            fetchBegun.yield()
            struct Refused: Error {}
            if cursor == failAt { throw Refused() }
            if holdFirst > .zero, asked.withLock({ $0.count }) == 1 {
                do {
                    try await Task.sleep(for: holdFirst)
                } catch {
                    cancelledFetches.withLock { $0 += 1 }
                    throw error
                }
            }
            let end = cursor + 1
            let more = end < last
            return AnnouncedBatch(cursor: end, hasMore: more) { IncomingBatch(items: [], cursor: end, hasMore: more, head: self.last) }
        }
    }

    func prefetch(_ peer: Peer, from start: Int64, depth: Int) -> BatchPrefetch {
        BatchPrefetch(depth: depth, first: { try await peer.fetch(after: start) }, next: { try await peer.fetch(after: $0) })
    }

    @Test func batchesComeInOrderAndNoneIsAskedForAfterTheLast() async throws {
        let peer = Peer(last: 7)
        var batches = prefetch(peer, from: 0, depth: 2)
        var cursors: [Int64] = []
        while let batch = try await batches.nextBatch() {
            cursors.append(batch.cursor)
            if !batch.hasMore { break }
        }
        #expect(cursors == [1, 2, 3, 4, 5, 6, 7])
        // Give any stray fetch time to show itself.
        try await Task.sleep(for: .milliseconds(50))
        #expect(peer.askedFrom == [0, 1, 2, 3, 4, 5, 6])
    }

    @Test func atMostDepthBatchesAreFetchedBeyondTheOneHandedOut() async throws {
        let peer = Peer(last: 100)
        var batches = prefetch(peer, from: 10, depth: 2)
        #expect(try await batches.nextBatch()?.cursor == 11)
        #expect(await eventually { peer.askedFrom.count >= 3 })
        // The one handed out, and two ahead of it: 10, 11 and 12 asked from; no more.
        #expect(peer.askedFrom == [10, 11, 12])
        batches.cancel()
    }

    @Test func aFailureReachesTheCallerAtItsBatchAfterTheOnesBeforeIt() async throws {
        let peer = Peer(last: 100, failAt: 3)
        var batches = prefetch(peer, from: 0, depth: 3)
        #expect(try await batches.nextBatch()?.cursor == 1)
        #expect(try await batches.nextBatch()?.cursor == 2)
        #expect(try await batches.nextBatch()?.cursor == 3)
        await #expect(throws: (any Error).self) { try await batches.nextBatch() }
        batches.cancel()
        try await Task.sleep(for: .milliseconds(50))
        #expect(peer.askedFrom == [0, 1, 2, 3])
    }

    /// Stopping a pull loop stops a long-poll it is waiting on at once.
    @Test func aCancelledCallerCancelsTheFetchItWaitsOn() async throws {
        // Held far longer than any test runs, so only the cancellation can end the fetch.
        let peer = Peer(last: 100, holdFirst: .seconds(600))
        let consumer = Task {
            var batches = prefetch(peer, from: 0, depth: 2)
            return try await batches.nextBatch()
        }
        // The held fetch has begun: only the cancellation can end it now.
        for await _ in peer.fetchesBegun { break }
        consumer.cancel()
        await #expect(throws: CancellationError.self) { try await consumer.value }
        #expect(peer.cancelled == 1)
        #expect(peer.askedFrom == [0])
    }
}
