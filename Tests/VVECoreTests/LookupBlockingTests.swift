import Testing
import VVECore

@Suite struct LookupBlockingTests {
    let key = LinkageKey(hex: String(repeating: "5a", count: 32))!
    let today = CalendarDate(year: 2026, month: 11, day: 25)!

    @Test func theCandidateProbabilityFollowsTheFormula() {
        let blocking = FuzzyBlocking.standard
        #expect(blocking.candidateProbability(dice: 1) == 1)
        #expect(blocking.candidateProbability(dice: 0.9) > 0.99)
        #expect(blocking.candidateProbability(dice: 0.66) < 0.01)
        // Every band samples distinct positions, and the bands differ.
        #expect(Set(FuzzyBlocking(bands: 8, bitsPerBand: 22).bandValues(of: MatchKeyEncoder(key: key).keys(for: Person(forenames: "Ann", surname: "Lee")).fuzzy)).count > 1)
    }

    /// Blocking loses (almost) nothing the full scan finds, and scores a small share of the
    /// population: the property that makes a lookup cost less than its peer's size.
    @Test(arguments: [21, 22] as [UInt64])
    func blockingFindsWhatTheFullScanFindsAndScoresFew(seed: UInt64) {
        let encoder = MatchKeyEncoder(key: key)
        var people = SyntheticRecords(seed: seed, owner: AuthorityName("camden")!, today: today)
        var index = MatchIndex()
        var next: Int64 = 0
        for _ in 0..<4000 {
            index.insert(id: next, fuzzy: encoder.keys(for: people.nextPerson(ageRange: 10...19)).fuzzy)
            next += 1
        }
        // The true people, each stored once as recorded; queries carry one recording error.
        let pairs = MatchQuality.pairs(seed: seed, positives: 350, negativesPerPositive: 0, today: today)
        var stored: [Person: Int64] = [:]
        for pair in pairs where stored[pair.candidate] == nil {
            stored[pair.candidate] = next
            index.insert(id: next, fuzzy: encoder.keys(for: pair.candidate).fuzzy)
            next += 1
        }
        var scanned = 0
        var blocked = 0
        var candidates = 0
        for pair in pairs {
            let query = encoder.keys(for: pair.query).fuzzy
            let full = Set(index.scanAll(query, threshold: MatchKeyEncoder.possibleMatchThreshold).map(\.id))
            let (found, scored) = index.matches(of: query, threshold: MatchKeyEncoder.possibleMatchThreshold)
            #expect(Set(found.map(\.id)).isSubset(of: full))
            scanned += full.count
            blocked += found.count
            candidates += scored
        }
        #expect(scanned > 300)
        #expect(Double(blocked) >= 0.99 * Double(scanned), "blocking kept \(blocked) of \(scanned) matches")
        let share = Double(candidates) / Double(pairs.count * index.count)
        #expect(share < 0.05, "scored \(share * 100)% of the index per query")
    }

    @Test func recentEntriesAreFoundBeforeAndAfterTheyAreMerged() {
        let encoder = MatchKeyEncoder(key: key)
        var index = MatchIndex()
        let ann = encoder.keys(for: Person(forenames: "Ann", surname: "Leeson", dateOfBirth: PartialDate("2009-03-04"))).fuzzy
        let anne = encoder.keys(for: Person(forenames: "Anne", surname: "Leeson", dateOfBirth: PartialDate("2009-03-04"))).fuzzy
        let bob = encoder.keys(for: Person(forenames: "Robert", surname: "Okafor", dateOfBirth: PartialDate("2011-12-01"))).fuzzy
        index.insert(id: 7, fuzzy: ann)
        index.insert(id: 8, fuzzy: bob)
        #expect(index.matches(of: anne, threshold: 0.9).matches.map(\.id) == [7])
        index.mergeRecent()
        #expect(index.matches(of: anne, threshold: 0.9).matches.map(\.id) == [7])
        #expect(index.matches(of: bob, threshold: 0.9).matches.map(\.id) == [8])
        #expect(index.matches(of: bob, threshold: 0.9).matches.first?.score == 1)
        index.insert(id: 9, fuzzy: ann)
        #expect(index.matches(of: ann, threshold: 0.9).matches.map(\.id) == [7, 9])
    }
}
