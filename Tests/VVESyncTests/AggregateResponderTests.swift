import Logging
import Testing
import VVECore
import VVEStore
import VVESync
import VVETestSupport

/// The answering side of an aggregate query against real (in-memory) stores: answers come
/// from counts kept once per quarter, which later edits and erasures leave as they were; every
/// refusal is audited and changes nothing else; people are sent as padded tokens, once a day.
@Suite struct AggregateResponderTests {
    let vru = AuthorityName("vru")!
    let encoder = MatchKeyEncoder(key: LinkageKey(bytes: Array(repeating: 7, count: 32))!)

    func responder(_ store: CaseStore, limits: AggregateLimits = .peerDefault) -> AggregateResponder {
        AggregateResponder(store: store, configuration: AggregateConfiguration(limits: limits), encoder: encoder, logger: Logger(label: "test"))
    }

    func query(
        _ measure: Measure = .relocations, id: String, quarter: String = "2026Q3", quarters: Int = 4, tables: [String]? = nil
    ) -> AggregateQuery {
        AggregateQuery(
            queryID: id, measure: measure, quarter: Quarter(quarter)!, quarterCount: quarters, tables: tables, analyst: try! OperatorName("a.khan"),
            purpose: try! Justification("quarterly board pack preparation"))
    }

    /// The fixtures' instant, plus `days`.
    func time(days: Int = 0) -> Timestamp { context(Int64(days) * 86_400_000).time }

    func answer(_ reply: AggregateReply) throws -> AggregateAnswer {
        guard case .answered(let answer) = reply else { throw Refused(reply: "\(reply)") }
        return answer
    }

    func refusal(_ reply: AggregateReply) -> String? {
        if case .refused(_, let reason) = reply { return reason }
        return nil
    }

    func keptRows(_ store: CaseStore) throws -> Int {
        try store.reading { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM kept_count") ?? -1 }
    }

    @Test func keptCountsStandWhenRecordsAreEditedOrErasedAfterwards() throws {
        let store = try CaseStore.inMemory(node: camden)
        let records = try store.importDrafts(drafts(400, seed: 3, kind: .relocation), context: context())
        let first = try answer(try responder(store).answer(query(id: "query-first"), from: vru, grant: .every, at: time()))
        let quarters = Quarter("2026Q3")!.trend(of: 4)
        let direct = Measure.relocations.countTables(records, quarters: quarters, countedAt: countedAt).compactMap {
            ProtectedTableAnswer($0, rules: .floor)
        }
        #expect(first.tables == direct)
        // Records of 2026Q3 erased, and others' risk raised, after the quarter was kept.
        let inQuarter = records.filter { record in
            if case .relocation(let fields)? = record.fields { return Quarter(containing: fields.moveDate) == quarters[3] }
            return false
        }
        #expect(inQuarter.count > 20)
        for record in inQuarter.prefix(20) {
            _ = try store.erase(id: record.id, justification: try Justification("entered in error, wrong child"), context: context(1000))
        }
        let now = try store.records(matching: RecordFilter(kind: .relocation), context: context(2000))
        #expect(
            Measure.relocations.countTables(now, quarters: quarters, countedAt: countedAt)
                != Measure.relocations.countTables(records, quarters: quarters, countedAt: countedAt))
        let second = try answer(try responder(store).answer(query(id: "query-second"), from: vru, grant: .every, at: time(days: 1)))
        #expect(second.tables == first.tables)
        #expect(second.notes.contains("Records of this kind were edited or erased after these quarters' counts were kept; the counts stand as kept."))
        #expect(!first.notes.contains { $0.hasPrefix("Records of this kind") })
        #expect(
            first.notes.contains(
                "2025Q4, 2026Q1, 2026Q2, 2026Q3 counted on 2026-11-23, after they closed, from the records held that day: records erased before then are not in them."
            ))
    }

    @Test func mediansLeaveOnlyFromQuartersWhoseDaysWereKept() throws {
        let records = try CaseStore.inMemory(node: camden).importDrafts(drafts(300, seed: 11, kind: .relocation), context: context())
        let briefing = query(.relocationBriefing, id: "briefing-one")
        let counts = QuarterCounts.counting(records, measure: .relocationBriefing, quarters: Set(briefing.quarters), countedAt: countedAt)
        let whole = AggregateResponder.protect(
            briefing, KeptCounts(counts: counts, kept: [], changedSinceKept: false), authority: camden, rules: .floor, lagDays: 14, seriesBreaks: [])
        let direct = Measure.relocationBriefing.countTables(records, quarters: briefing.quarters, countedAt: countedAt).compactMap {
            ProtectedTableAnswer($0, rules: .floor)
        }
        #expect(whole.tables == direct && whole.tables.first?.medians?.contains { $0 != nil } == true)
        #expect(!whole.notes.contains { $0.contains("medians withheld") })
        // 2026Q2 kept as a node did before it kept days: its medians, and the year's, withheld.
        var old = counts
        let q2 = Quarter("2026Q2")!
        old[q2] = QuarterCounts(measure: .relocationBriefing, quarter: q2, counts: counts[q2]!.counts.filter { !$0.key.table.hasPrefix("days") })
        let partial = AggregateResponder.protect(
            briefing, KeptCounts(counts: old, kept: [], changedSinceKept: false), authority: camden, rules: .floor, lagDays: 14, seriesBreaks: [])
        let trend = try #require(partial.tables.first)
        #expect(trend.medians == direct[0].medians?.enumerated().map { trend.labels.rows[$0.offset] == "2026Q2" ? nil : $0.element })
        #expect(partial.tables.last?.medians?.allSatisfy { $0 == nil } == true && partial.tables.last?.medians?.isEmpty == false)
        #expect(
            partial.notes.contains(
                "by-days-to-acknowledge: medians withheld for 2026Q2, whose counts were kept before this node kept days to acknowledgement."))
        #expect(partial.notes.contains { $0.hasPrefix("receiving-authority-by-days: medians withheld for ") })
        #expect(AggregateResponder.released(whole).contains("2026Q3/median="))
    }

    @Test func aNodeThatStartsWithoutKeptCountsKeepsEveryClosedQuarterBackToItsOldestRecord() async throws {
        let store = try CaseStore.inMemory(node: camden)
        let records = try store.importDrafts(drafts(200, seed: 4, kind: .relocation), context: context())
        let oldest = records.compactMap { record -> Quarter? in
            if case .relocation(let fields)? = record.fields { return Quarter(containing: fields.moveDate) }
            return nil
        }.min()!
        let service = QuarterKeepingService(store: store, reportLagDays: 14, clock: { self.time() }, logger: Logger(label: "test"))
        await service.keep()
        let kept = try store.keptQuarters(of: .relocations).map(\.quarter)
        #expect(kept.first == oldest && kept.last == Quarter("2026Q3"))
        #expect(kept == Quarter("2026Q3")!.trend(of: kept.count), "every quarter between, once")
        // Kept once: keeping again adds nothing.
        let rows = try keptRows(store)
        await service.keep()
        #expect(try keptRows(store) == rows)
    }

    @Test func everyRefusalIsAuditedAndChangesNothingElse() throws {
        let store = try CaseStore.inMemory(node: camden)
        _ = try store.importDrafts(drafts(100, seed: 5, kind: .relocation), context: context())
        let limited = responder(store, limits: AggregateLimits(tablesPerDay: 10))
        _ = try answer(try limited.answer(query(id: "query-allowed"), from: vru, grant: .every, at: time()))
        let counts = (try tableCounts(store), try keptRows(store))
        let refusals: [(AggregateReply, String)] = [
            (
                try limited.answer(query(id: "query-nogrant"), from: vru, grant: .none, at: time()),
                "this node answers no aggregate query from vru: Peers/vru.yaml says `aggregates: no`"
            ),
            (
                try limited.answer(query(id: "query-othergrant"), from: vru, grant: .measures([.countyLines]), at: time()),
                "this node does not answer relocations for vru: Peers/vru.yaml grants `aggregates: [county-lines]`"
            ),
            (
                try limited.answer(query(id: "query-open", quarter: "2026Q4"), from: vru, grant: .every, at: time()),
                "2026Q4 cannot be reported yet: a quarter is reported once it has been closed 14 days, so 2026Q4 from 2027-01-15; the latest now is 2026Q3"
            ),
            (
                try limited.answer(query(id: "query-allowed"), from: vru, grant: .every, at: time()),
                "query query-allowed was answered before; a node answers each query id once, so ask again with a new id"
            ),
            (
                try limited.answer(
                    query(id: "query-over", tables: ["by-reason", "by-risk-level", "by-age-band", "by-accommodation"]), from: vru, grant: .every,
                    at: time()),
                "vru has asked 7 tables in the last 24 hours and this query asks 4; the limit is 10 a day. Ask again tomorrow, or ask the node's admin to raise it"
            ),
        ]
        for (reply, reason) in refusals { #expect(refusal(reply) == reason) }
        let after = try tableCounts(store)
        #expect(after[0] == counts.0[0] && after[1] == counts.0[1] && after[2] == counts.0[2] + refusals.count)
        #expect(try keptRows(store) == counts.1)
        let audited = try store.auditEntries(action: .refuse).compactMap(\.event.detail)
        #expect(audited.count == refusals.count && zip(audited, refusals).allSatisfy { $0.hasSuffix($1.1) })
        // A day later the limit has room again.
        _ = try answer(try limited.answer(query(id: "query-tomorrow", tables: ["by-reason"]), from: vru, grant: .every, at: time(days: 1)))
    }

    @Test func tokensAreMadeFromTheMatchIndexOnlyWhenItIsCurrentAndGiveTheSameKeys() throws {
        let store = try CaseStore.inMemory(node: camden)
        var drafted = drafts(2, seed: 10, kind: .relocation) + drafts(60, seed: 8)
        // People the tokens cannot count: no date of birth, and no name at all.
        let unnamed = [Person(forenames: "Kai", surname: "Mensah"), Person(forenames: nil, surname: nil, aliases: ["Blade"])]
        for (index, person) in unnamed.enumerated() {
            guard case .relocation(var relocation) = drafted[index].fields else { Issue.record("not a relocation"); continue }
            relocation.youngPerson = person
            drafted[index].fields = .relocation(relocation)
        }
        _ = try store.importDrafts(drafted, context: context())
        let fromRecords = try store.ownExactKeys(encoder: encoder)
        #expect(fromRecords.source == .documents)
        while try store.refreshMatchEntries(encoder: encoder).more {}
        let fromIndex = try store.ownExactKeys(encoder: encoder)
        #expect(fromIndex.source == .matchIndex)
        func ordered(_ keys: [[UInt8]]) -> [String] { keys.map(Hex.encode).sorted() }
        #expect(ordered(fromIndex.keys) == ordered(fromRecords.keys) && fromIndex.uncounted == fromRecords.uncounted)
        #expect(fromIndex.uncounted >= 2 && fromIndex.keys.count > 60)
        // A record written since the index caught up: the records again, until it catches up.
        _ = try store.importDrafts(drafts(1, seed: 9), context: context())
        #expect(try store.ownExactKeys(encoder: encoder).source == .documents)
        // An index built under another key is never read.
        let other = MatchKeyEncoder(key: try #require(LinkageKey(bytes: Array(repeating: 9, count: 32))))
        #expect(try store.ownExactKeys(encoder: other).source == .documents)
    }

    @Test func peopleLeaveAsPaddedTokensOnceADayAndNeverWhenFew() throws {
        let store = try CaseStore.inMemory(node: camden)
        // Every kind: young people, linked people and perpetrators are all people.
        let records = try store.importDrafts(drafts(90, seed: 6), context: context())
        let people = PersonTokens(encoder: encoder, queryID: "tokens-one").population(records)
        let one = try answer(
            try responder(store).answer(query(.knownInSeveralAreas, id: "tokens-one", quarters: 1), from: vru, grant: .every, at: time()))
        let tokens = try #require(one.tokens?.tokens)
        #expect(tokens.count % 5 == 0 && tokens.count >= people.tokens.count && tokens.count < people.tokens.count + 5)
        #expect(people.tokens.isSubset(of: tokens) && tokens == tokens.sorted())
        #expect(one.tokens?.uncounted == ReleasedCount(protecting: people.uncounted, rules: .floor))
        #expect(try AggregateAnswer.read(one.jsonValue, answering: query(.knownInSeveralAreas, id: "tokens-one", quarters: 1)) == one)
        #expect(
            refusal(try responder(store).answer(query(.knownInSeveralAreas, id: "tokens-two", quarters: 1), from: vru, grant: .every, at: time()))?
                .hasPrefix("known-in-several-areas is answered once a day for each asker, and vru was answered at ") == true)
        // The next day, a new query's tokens share nothing with the first's.
        let next = try answer(
            try responder(store).answer(query(.knownInSeveralAreas, id: "tokens-three", quarters: 1), from: vru, grant: .every, at: time(days: 1)))
        let nextTokens = Set(next.tokens?.tokens ?? [])
        #expect(!nextTokens.isEmpty && nextTokens.isDisjoint(with: tokens))
        #expect(PersonTokens(encoder: encoder, queryID: "tokens-three").population(records).tokens.isSubset(of: nextTokens))

        let small = try CaseStore.inMemory(node: camden)
        _ = try small.importDrafts(drafts(5, seed: 7, kind: .relocation), context: context())
        let withheld = try answer(
            try responder(small).answer(query(.knownInSeveralAreas, id: "tokens-few", quarters: 1), from: vru, grant: .every, at: time()))
        #expect(withheld.tokens?.tokens == nil)
        #expect(withheld.notes.contains("Fewer than 8 people in this node's records: no tokens sent."))
    }

    @Test func linesLeaveAsPaddedTokenGroupsOnceADayAndOnlyWhenAsked() throws {
        let store = try CaseStore.inMemory(node: camden)
        let records = try store.importDrafts(drafts(60, seed: 8, kind: .countyLinesLink), context: context())
        let asked = query(.countyLines, id: "lines-one", quarters: 8, tables: ["by-status", "distinct-lines"])
        // The oracle: the lines first seen in the quarters asked, from the records themselves.
        let span = asked.quarters[0].first...asked.quarters[7].last
        let numbers = records.compactMap { record -> [PhoneNumber]? in
            guard case .countyLinesLink(let line)? = record.fields, span.contains(line.firstSeen) else { return nil }
            return line.dealLines
        }
        #expect(numbers.count > 8)
        let one = try answer(try responder(store).answer(asked, from: vru, grant: .every, at: time()))
        let lines = try #require(one.lines)
        let groups = try #require(lines.groups)
        var random = SystemRandomNumberGenerator()
        let own = LineTokens(encoder: encoder, queryID: "lines-one").groups(numbers, using: &random)
        #expect(lines.count == DisclosureRules.floor.rounded(numbers.count) && groups.count == lines.count! + 5)
        #expect(Set(own).isSubset(of: Set(groups)))
        #expect(try AggregateAnswer.read(one.jsonValue, answering: asked) == one)
        #expect(one.tables.map(\.labels.name) == ["by-status"])
        let audit = try #require(try store.auditEntries().last?.event.detail)
        #expect(audit.hasSuffix("; distinct-lines: released \(groups.count) groups of deal-line tokens for \(lines.count!) line records"))
        #expect(!groups.flatMap { $0 }.contains { audit.contains($0.hex) })

        // The same day: the tables again, but no tokens; without distinct-lines, no note.
        let again = try answer(
            try responder(store).answer(
                query(.countyLines, id: "lines-two", quarters: 8, tables: ["by-status", "distinct-lines"]), from: vru, grant: .every,
                at: time(days: 0)))
        #expect(again.lines == ReleasedLines(rules: .floor, count: nil, groups: nil) && again.tables == one.tables)
        #expect(again.notes.contains { $0.hasPrefix("distinct-lines: tokens of deal lines go to each asker once a day, and went to this one at ") })
        let plain = try answer(
            try responder(store).answer(
                query(.countyLines, id: "lines-three", quarters: 8, tables: ["by-status"]), from: vru, grant: .every, at: time()))
        #expect(plain.lines == nil && !plain.notes.contains { $0.hasPrefix("distinct-lines") })
        // A day later they go again, under the new query's key.
        let next = try answer(
            try responder(store).answer(
                query(.countyLines, id: "lines-four", quarters: 8, tables: ["distinct-lines"]), from: vru, grant: .every, at: time(days: 1)))
        let nextGroups = Set(try #require(next.lines?.groups).flatMap { $0 })
        #expect(nextGroups.isDisjoint(with: Set(groups.flatMap { $0 })))

        // A node without the linkage key sends its tables, and says why it sends no tokens.
        let keyless = AggregateResponder(store: store, configuration: AggregateConfiguration(), encoder: nil, logger: Logger(label: "test"))
        let without = try answer(
            try keyless.answer(
                query(.countyLines, id: "lines-five", quarters: 8, tables: ["by-status", "distinct-lines"]), from: vru, grant: .every,
                at: time(days: 3)))
        #expect(without.lines?.groups == nil && without.tables == one.tables)
        #expect(without.notes.last == "distinct-lines: this node has no linkage key to make tokens of its deal lines with.")
    }
}

/// A query refused where a test expected an answer.
struct Refused: Error {
    let reply: String
}
