import Foundation
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
        #expect(
            Set(
                FuzzyBlocking(bands: 8, bitsPerBand: 22).bandValues(
                    of: MatchKeyEncoder(key: key).keys(for: Person(forenames: "Ann", surname: "Lee")).fuzzy)
            ).count > 1)
    }

    /// Blocking loses (almost) nothing the full scan finds, and scores a small share of the
    /// population: the property that makes a lookup cost less than its peer's size.
    @Test(arguments: [21, 22] as [UInt64])
    func blockingFindsWhatTheFullScanFindsAndScoresFew(seed: UInt64) {
        let encoder = MatchKeyEncoder(key: key)
        var people = SyntheticRecords(seed: seed, owner: AuthorityName("camden")!, today: today)
        var index = MatchIndex(for: encoder)
        var next: Int64 = 0
        func insert(_ person: Person) {
            index.insert(id: next, fuzzy: encoder.keys(for: person).fuzzy, traits: MatchTraits(of: person))
            next += 1
        }
        for _ in 0..<4000 { insert(people.nextPerson(ageRange: 10...19)) }
        // The true people, each stored once as recorded; queries carry one recording error of
        // every kind, names in the other order and another forename included.
        let pairs = MatchQuality.realisticPairs(seed: seed, positives: 350, negativesPerPositive: 0, today: today)
        var stored: [Person: Int64] = [:]
        for pair in pairs where stored[pair.candidate] == nil {
            stored[pair.candidate] = next
            insert(pair.candidate)
        }
        var scanned = 0
        var blocked = 0
        var candidates = 0
        for pair in pairs {
            let query = encoder.keys(for: pair.query).fuzzy
            let full = Set(index.scanAll(query, rules: .standard).map(\.id))
            let (found, scored) = index.matches(of: query, rules: .standard)
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
        var index = MatchIndex(for: encoder)
        let ann = encoder.keys(for: Person(forenames: "Ann", surname: "Leeson", dateOfBirth: PartialDate("2009-03-04"))).fuzzy
        let anne = encoder.keys(for: Person(forenames: "Anne", surname: "Leeson", dateOfBirth: PartialDate("2009-03-04"))).fuzzy
        let bob = encoder.keys(for: Person(forenames: "Robert", surname: "Okafor", dateOfBirth: PartialDate("2011-12-01"))).fuzzy
        index.insert(id: 7, fuzzy: ann)
        index.insert(id: 8, fuzzy: bob)
        #expect(index.matches(of: anne, rules: .standard).matches.map(\.id) == [7])
        index.mergeRecent()
        #expect(index.matches(of: anne, rules: .standard).matches.map(\.id) == [7])
        #expect(index.matches(of: bob, rules: .standard).matches.map(\.id) == [8])
        #expect(index.matches(of: bob, rules: .standard).matches.first?.finding == MatchRules.Finding(reason: .close, score: 1))
        index.insert(id: 9, fuzzy: ann)
        #expect(index.matches(of: ann, rules: .standard).matches.map(\.id) == [7, 9])
    }
}

@Suite struct LookupWireTests {
    let encoder = MatchKeyEncoder(key: LinkageKey(hex: String(repeating: "5a", count: 32))!)

    func query() throws -> LookupQuery {
        let person = Person(forenames: "Tia", surname: "Okonjo", dateOfBirth: PartialDate("2011-03-04"), aliases: ["Tee Jay", "Smudge"])
        return LookupQuery(
            lookupID: "a1b2c3d4-0001", variants: person.lookupKeys(encoder), reason: try Justification("missing child enquiry, cross-border"),
            caseReference: "CAD-4471/26")
    }

    @Test func aQueryCarriesKeysOnlyAndReadsBackWhole() throws {
        let sent = try query()
        #expect(sent.variants.map(\.isAlias) == [false, true, true])
        let text = JSONWriter.canonical(sent.jsonValue)
        #expect(!text.contains("Okonjo") && !text.contains("Tia") && !text.contains("Smudge") && !text.contains("2011"))
        #expect(try LookupQuery.read(try JSONParser.parse(text)) == sent)
        // Without a full date of birth, aliases are not matched on: too many people share one.
        #expect(Person(forenames: "Tia", surname: "Okonjo", dateOfBirth: PartialDate("2011"), aliases: ["Smudge"]).lookupVariants.count == 1)
        #expect(Person(forenames: nil, surname: nil, dateOfBirth: nil, aliases: ["Smudge"]).lookupVariants.map(\.surname) == ["Smudge"])
    }

    @Test func aMalformedQueryIsRefusedNamingEachProblem() throws {
        var object = try query().jsonValue.objectValue!
        object["lookupId"] = "Not Valid"
        object["reason"] = "test"
        object["caseReference"] = .integer(7)
        // The third: every bit set, which would agree with any date so far as it goes.
        object["variants"] = .array([
            ["fuzzy": "00ff", "alias": "yes"], ["exact": "zz"], ["fuzzy": .string(String(repeating: "f", count: FuzzyEncoding.encodedBits / 4))],
        ])
        object["extra"] = true
        do {
            _ = try LookupQuery.read(.object(object))
            Issue.record("a malformed query was read")
        } catch {
            #expect(
                error.issues.map(\.description) == [
                    "lookupId: \"Not Valid\" must be 8-64 lowercase letters, digits and hyphens",
                    "variants[0].alias: \"yes\" must be true or false",
                    "variants[1].exact: \"zz\" must be 64 lowercase hex digits (HMAC-SHA256)",
                    "variants[1].fuzzy: is required: the fuzzy encoding",
                    "variants[2].fuzzy: is not a match-key encoding: each of its parts must have exactly half its bits set",
                    "reason: \"test\" is too short: say why in at least 3 words, such as \"retention period ended, case closed\"",
                    "caseReference: 7 must be 1-64 printable characters on one line, such as CAD-4471/26",
                    "extra: is not a known field here; known fields are: caseReference, keyScheme, lookupId, reason, variants",
                ])
        }
    }

    @Test func theReportSaysWhetherAMissCanBeConcluded() throws {
        let camden = AuthorityName("camden")!
        let haringey = AuthorityName("haringey")!
        var random = SeededGenerator(seed: 3)
        let reference = RecordID.make(at: Timestamp(millisecondsSinceEpoch: 1_795_460_340_000), owner: camden, using: &random)
        let hit = LookupHit(
            kind: .relocation, owner: camden, label: .possible, score: 0.93149, reason: .namesInOtherOrder, riskLevel: .high, status: nil,
            contact: "Ada Brennan, 02079460001", reference: reference)
        #expect(hit.score == 0.931 && LookupHit.format(hit.score) == "0.931" && LookupHit.format(1) == "1.000" && LookupHit.format(0.9) == "0.900")
        let answered = LookupAnswer(authority: camden, lookupID: "a1b2c3d4", hits: [hit])
        #expect(try LookupAnswer.read(answered.jsonValue, expecting: "a1b2c3d4") == answered)
        // A hit naming haringey as the owner of camden's id is a false attribution.
        var misattributed = hit
        misattributed.owner = haringey
        #expect {
            try LookupAnswer.read(LookupAnswer(authority: camden, lookupID: "a1b2c3d4", hits: [misattributed]).jsonValue, expecting: "a1b2c3d4")
        } throws: { error in
            (error as? ValidationError)?.issues.map(\.description)
                == ["hits[0].reference: \"\(reference)\" is not an id haringey made; a hit names a record by its owner's id"]
        }
        #expect(throws: ValidationError.self) { try LookupAnswer.read(answered.jsonValue, expecting: "another-one") }
        // Only the same names and date of birth make a `match`, and a reason is one vve knows.
        var overclaimed = hit
        overclaimed.label = .match
        #expect {
            try LookupAnswer.read(LookupAnswer(authority: camden, lookupID: "a1b2c3d4", hits: [overclaimed]).jsonValue, expecting: "a1b2c3d4")
        } throws: { error in
            (error as? ValidationError)?.issues.map(\.description)
                == ["hits[0].reason: \"names-in-other-order\" does not fit the label match: only same-name-and-date makes a match"]
        }
        var unknownReason = answered.jsonValue
        unknownReason = try JSONParser.parse(JSONWriter.canonical(unknownReason).replacingOccurrences(of: "names-in-other-order", with: "a-hunch"))
        #expect(throws: ValidationError.self) { try LookupAnswer.read(unknownReason, expecting: "a1b2c3d4") }
        let miss = LookupAnswer(authority: haringey, lookupID: "a1b2c3d4", hits: [])

        let hits = LookupReport(lookupID: "a1b2c3d4", results: [(haringey, .answered(miss)), (camden, .answered(answered))])
        #expect(hits.results.map(\.peer) == [camden, haringey])
        #expect(hits.outcome == .hits && hits.exitCode == 0)
        #expect(LookupReport(lookupID: "a1b2c3d4", results: [(haringey, .answered(miss))]).exitCode == 1)
        let silent = LookupReport(lookupID: "a1b2c3d4", results: [(camden, .answered(answered)), (haringey, .noAnswer("timed out"))])
        // A hit while another peer is silent has a code of its own: a script that tests for a
        // hit must not be told of a miss.
        #expect(silent.outcome == .hitsIncomplete && silent.exitCode == 5)
        let silentMiss = LookupReport(lookupID: "a1b2c3d4", results: [(haringey, .answered(miss)), (camden, .noAnswer("timed out"))])
        #expect(silentMiss.outcome == .incomplete && silentMiss.exitCode == 2)
        #expect(LookupReport(lookupID: "a1b2c3d4", results: [(haringey, .refused("over its limit"))]).exitCode == 2)
        #expect(
            JSONWriter.canonical(silent.jsonValue)
                == #"{"lookupId":"a1b2c3d4","outcome":"hits-incomplete","peers":[{"hits":[{"contact":"Ada Brennan, 02079460001","kind":"relocation","label":"possible","owner":"camden","reason":"names-in-other-order","reference":"\#(reference)","riskLevel":"high","score":"0.931"}],"peer":"camden","state":"answered"},{"peer":"haringey","reason":"timed out","state":"no-answer"}]}"#
        )
    }

    @Test func limitsRefuseAtTheirCountAndNameTheFix() {
        let limits = LookupLimits(perMinute: 2, perDay: 10)
        #expect(limits.refusal(lastMinute: 1, lastDay: 9, asker: "x") == nil)
        #expect(limits.refusal(lastMinute: 0, lastDay: 8, names: 2, asker: "x") == nil)
        #expect(
            limits.refusal(lastMinute: 1, lastDay: 1, names: 2, asker: "x")?.hasPrefix(
                "x has looked up 1 names in the last minute and this lookup asks 2;") == true)
        #expect(
            limits.refusal(lastMinute: 2, lastDay: 2, asker: "x")
                == "x has looked up 2 names in the last minute; the limit is 2 a minute, each alias counting as a name. Wait a minute"
        )
        #expect(
            limits.refusal(lastMinute: 0, lastDay: 10, asker: "x")?.hasSuffix(
                "the limit is 10 a day, each alias counting as a name. Ask the node's admin if this is needed") == true
        )
    }
}
