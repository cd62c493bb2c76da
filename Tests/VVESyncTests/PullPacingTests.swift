import Testing
import VVESync

/// How long a pull loop waits before asking a peer again. `QuietPeerTests` runs the loop
/// against real nodes; this is the decision itself, without clocks.
@Suite struct PullPacingTests {
    let configuration = PullConfiguration()

    /// The ceilings a run of failures reaches, with the jitter at its top.
    func ceilings(_ pacing: inout PullPacing, failures: Int, refused: Bool = false) -> [Duration] {
        (0..<failures).map { _ in pacing.afterFailure(refused: refused, unit: 1) }
    }

    @Test func aPeerNeverReachedIsRetriedEverMoreRarelyUpToTheQuietInterval() {
        var pacing = PullPacing(configuration: configuration, hasAnswered: false)
        let delays = ceilings(&pacing, failures: 16)
        #expect(delays.prefix(3) == [.milliseconds(500), .seconds(1), .seconds(2)])
        #expect(delays[7] == .seconds(64), "past the usual minute")
        #expect(delays.suffix(3) == [.seconds(3600), .seconds(3600), .seconds(3600)])
        #expect(!pacing.hasAnswered)
    }

    @Test func aPeerThatAnsweredOnceIsRetriedAtLeastEveryMinute() {
        var known = PullPacing(configuration: configuration, hasAnswered: true)
        #expect(ceilings(&known, failures: 12).suffix(4) == Array(repeating: .seconds(60), count: 4))
        // A refusal is an answer: the peer is there.
        var refusing = PullPacing(configuration: configuration, hasAnswered: false)
        #expect(ceilings(&refusing, failures: 12, refused: true).suffix(4) == Array(repeating: .seconds(60), count: 4))
        #expect(refusing.hasAnswered)
        // A batch is an answer too: later failures keep the usual ceiling.
        var answering = PullPacing(configuration: configuration, hasAnswered: false)
        _ = ceilings(&answering, failures: 9)
        #expect(answering.afterBatch(sharesNothing: false, thisNodeSharesNothing: true) == nil)
        answering.applied()
        #expect(ceilings(&answering, failures: 12).first == .milliseconds(500))
        #expect(answering.afterFailure(refused: false, unit: 1) == .seconds(60))
    }

    @Test func aBatchThatFailsToApplyKeepsBackingOff() {
        var pacing = PullPacing(configuration: configuration, hasAnswered: true)
        var delays: [Duration] = []
        for _ in 0..<4 {
            #expect(pacing.afterBatch(sharesNothing: false, thisNodeSharesNothing: false) == nil)
            delays.append(pacing.afterFailure(refused: false, unit: 1))
        }
        #expect(delays == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4)])
    }

    @Test func nothingSharedEitherWayWaitsTheQuietIntervalAndNothingElseDoes() {
        var pacing = PullPacing(configuration: configuration, hasAnswered: false)
        #expect(pacing.afterBatch(sharesNothing: true, thisNodeSharesNothing: true) == .seconds(3600))
        #expect(pacing.hasAnswered)
        // This node shares with the peer, which may hold copies and write back: keep pulling.
        #expect(pacing.afterBatch(sharesNothing: true, thisNodeSharesNothing: false) == nil)
        #expect(pacing.afterBatch(sharesNothing: false, thisNodeSharesNothing: true) == nil)
        #expect(pacing.afterBatch(sharesNothing: false, thisNodeSharesNothing: false) == nil)
    }
}
