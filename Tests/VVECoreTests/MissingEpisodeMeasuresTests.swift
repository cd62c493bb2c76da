import Testing
import VVECore
import VVETestSupport

/// The `missing-episodes` and `return-interviews` measures: what each episode counts as, the
/// children counted by their episodes at the node, and the 72-hour edges of the interview.
@Suite struct MissingEpisodeMeasuresTests {
    static let police = AuthorityName("met-police")!
    static let camden = AuthorityName("camden")!
    static let haringey = AuthorityName("haringey")!
    static let hour: Int64 = 3_600_000

    static func at(_ text: String, plus milliseconds: Int64 = 0) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: Timestamp(text)!.millisecondsSinceEpoch + milliseconds)
    }

    static func episode(
        _ forenames: String? = "Ethan", _ surname: String? = "Begum", born: String? = "2011-04-02", home: AuthorityName = camden,
        host: AuthorityName? = nil, reported: String = "2026-07-10T21:00:00.000Z", returnedAfterHours: Int64? = 20,
        offersAfterMilliseconds: [Int64] = [], heldAfterMilliseconds: Int64? = nil, response: InterviewResponse? = nil,
        grading: MissingRiskGrading = .medium
    ) -> MissingEpisode {
        let reportedAt = at(reported)
        let returned = returnedAfterHours.map { Timestamp(millisecondsSinceEpoch: reportedAt.millisecondsSinceEpoch + $0 * hour) }
        func after(_ milliseconds: Int64) -> Timestamp { Timestamp(millisecondsSinceEpoch: returned!.millisecondsSinceEpoch + milliseconds) }
        return MissingEpisode(
            person: Person(forenames: forenames, surname: surname, dateOfBirth: born.flatMap { PartialDate($0) }), homeAuthority: home,
            hostArea: host, reportedMissingAt: reportedAt, returnedAt: returned, riskGrading: grading, policeReference: "CAD-1",
            interviewOffers: offersAfterMilliseconds.map { InterviewOffer(offeredAt: after($0)) }, interviewResponse: response,
            interviewHeldAt: heldAfterMilliseconds.map(after))
    }

    static func records(_ episodes: [MissingEpisode]) -> [CaseRecord] {
        var random = SeededGenerator(seed: 5)
        let time = Timestamp("2026-11-01T00:00:00.000Z")!
        return episodes.enumerated().map { index, episode in
            let fields = RecordFields.missingEpisode(episode)
            let draft = RecordDraft(kind: .missingEpisode, reviewDate: CalendarDate("2027-06-01")!, status: fields.defaultStatus, fields: fields)
            return CaseRecord(draft: draft, id: RecordID.make(at: time, sequence: index, owner: police, using: &random), node: police, at: time)
        }
    }

    /// One trend table's counts for one quarter, by column.
    static func row(_ measure: Measure, _ table: String, _ quarter: String, _ episodes: [MissingEpisode], countedAt: Timestamp) -> [String: Int] {
        let quarters = [Quarter(quarter)!]
        let counted = measure.countTables(records(episodes), quarters: quarters, countedAt: countedAt).first { $0.labels.name == table }!
        return Dictionary(uniqueKeysWithValues: zip(counted.labels.columns, counted.counts[0]).filter { $0.1 > 0 })
    }

    static let later = Timestamp("2026-11-01T00:00:00.000Z")!

    @Test func eachEpisodeCountsOnceByTheQuarterOfItsReport() {
        let episodes = [
            Self.episode(host: Self.haringey, grading: .high),
            Self.episode("Amira", "Khan", born: nil, reported: "2026-09-30T23:59:59.999Z"),
            Self.episode("Leon", "Price", born: "2007-01-01", home: Self.haringey, reported: "2026-08-01T12:00:00.000Z", grading: .noApparentRisk),
            // Reported in the quarter before: counted there, not here.
            Self.episode("Zara", "Ali", reported: "2026-06-30T23:59:59.999Z"),
        ]
        let count = { (table: String) in Self.row(.missingEpisodes, table, "2026Q3", episodes, countedAt: Self.later) }
        #expect(count("by-home-authority") == ["camden": 2, "haringey": 1])
        #expect(count("by-host-area") == ["haringey": 1, "none": 2])
        #expect(count("by-age-band") == ["14-15": 1, "unknown": 1, "18-25": 1])
        #expect(count("by-risk-grading") == ["high": 1, "medium": 1, "no-apparent-risk": 1])
        #expect(count("by-child-identified") == ["yes": 2, "no": 1])
        let flow = Measure.missingEpisodes.countTables(Self.records(episodes), quarters: [Quarter("2026Q3")!], countedAt: Self.later).last!
        #expect(flow.labels.name == "host-area-by-home-authority")
        #expect(flow.labels.rows == ["haringey", "none"] && flow.labels.columns == ["camden", "haringey"])
        #expect(flow.counts == [[1, 0], [1, 1]])
    }

    @Test func childrenAreCountedByTheirEpisodesInTheQuarterAsTheNodeTellsThemApart() {
        var episodes: [MissingEpisode] = []
        // Ethan three times, written three ways that normalise alike; Amira twice; Leon once.
        for (day, forenames, surname) in [("2026-07-01", "Ethan", "Begum"), ("2026-08-01", "ETHAN", "Begum"), ("2026-09-01", "ethan", "begum")] {
            episodes.append(Self.episode(forenames, surname, reported: day + "T10:00:00.000Z"))
        }
        episodes.append(Self.episode("Amira", "Khan", born: "2012-02-03", reported: "2026-07-05T10:00:00.000Z"))
        episodes.append(Self.episode("Amira", "Khan", born: "2012-02-03", reported: "2026-07-25T10:00:00.000Z"))
        episodes.append(Self.episode("Leon", "Price", born: "2010-05-06", reported: "2026-07-06T10:00:00.000Z"))
        // Another Amira Khan, born on another day: another child.
        episodes.append(Self.episode("Amira", "Khan", born: "2012-02-04", reported: "2026-07-07T10:00:00.000Z"))
        // Without a full date of birth, or a surname, a child cannot be told apart: in no band.
        episodes.append(Self.episode("Leon", "Price", born: "2010", reported: "2026-07-08T10:00:00.000Z"))
        episodes.append(Self.episode("Leon", nil, born: "2010-05-06", reported: "2026-07-09T10:00:00.000Z"))
        // Ethan again in the next quarter: once there.
        episodes.append(Self.episode(reported: "2026-10-02T10:00:00.000Z"))
        #expect(Self.row(.missingEpisodes, "children-by-episodes", "2026Q3", episodes, countedAt: Self.later) == ["1": 2, "2": 1, "3-5": 1])
        #expect(Self.row(.missingEpisodes, "by-child-identified", "2026Q3", episodes, countedAt: Self.later) == ["yes": 7, "no": 2])
        #expect(Self.row(.missingEpisodes, "children-by-episodes", "2026Q4", episodes, countedAt: Self.later) == ["1": 1])
        #expect(RepeatEpisodes.Band.allCases.map(\.rawValue) == ["1", "2", "3-5", "6-or-more"])
        #expect([1, 2, 3, 5, 6, 40].map { RepeatEpisodes.Band(episodes: $0).rawValue } == ["1", "2", "3-5", "3-5", "6-or-more", "6-or-more"])
    }

    @Test func anOfferAtExactly72HoursIsInTimeAndOneMillisecondLaterIsNot() {
        let window = ReturnInterviewClock.window
        let episodes = [
            Self.episode(offersAfterMilliseconds: [window]),
            Self.episode(offersAfterMilliseconds: [window + 1, window + 2 * Self.hour]),
            // Offers recorded out of order: the earliest decides.
            Self.episode(offersAfterMilliseconds: [window + 5 * Self.hour, Self.hour]),
            // Held with no offer recorded: held is offered, at the time it was held.
            Self.episode(heldAfterMilliseconds: 10 * Self.hour, response: .accepted),
            Self.episode(offersAfterMilliseconds: [Self.hour], heldAfterMilliseconds: window + 1, response: .accepted),
            Self.episode(offersAfterMilliseconds: [Self.hour], response: .declined),
            Self.episode(),
        ]
        let count = { (table: String) in Self.row(.returnInterviews, table, "2026Q3", episodes, countedAt: Self.later) }
        #expect(count("by-offer") == ["offered-within-72-hours": 5, "offered-later": 1, "not-offered": 1])
        #expect(count("by-interview") == ["held-within-72-hours": 1, "held-later": 1, "not-held": 5])
        #expect(count("by-response") == ["accepted": 2, "declined": 1, "no-response": 4])
        #expect(
            Measure.returnInterviews.tables.map(\.name) == ["by-offer", "by-response", "by-interview", "home-authority-by-offer"])
    }

    @Test func aChildWithinTheir72HoursWhenCountedIsNotYetDueNotUnoffered() {
        let returned = Self.at("2026-07-10T21:00:00.000Z", plus: 20 * Self.hour)
        let deadline = Timestamp(millisecondsSinceEpoch: returned.millisecondsSinceEpoch + ReturnInterviewClock.window)
        let episodes = [Self.episode()]
        #expect(Self.row(.returnInterviews, "by-offer", "2026Q3", episodes, countedAt: deadline) == ["not-yet-due": 1])
        let after = Timestamp(millisecondsSinceEpoch: deadline.millisecondsSinceEpoch + 1)
        #expect(Self.row(.returnInterviews, "by-offer", "2026Q3", episodes, countedAt: after) == ["not-offered": 1])
    }

    @Test func onlyReturnedChildrenWithTheStatutoryDutyAreCountedByTheQuarterOfTheReturn() {
        let episodes = [
            // Reported in 2026Q2, returned in 2026Q3: counted in 2026Q3.
            Self.episode(reported: "2026-06-30T22:00:00.000Z", returnedAfterHours: 3, offersAfterMilliseconds: [Self.hour]),
            // Still missing: no interview is due.
            Self.episode("Amira", "Khan", returnedAfterHours: nil),
            // 18 at the report: the interview is voluntary, so not counted.
            Self.episode("Leon", "Price", born: "2008-07-10"),
            // 17, the day before the 18th birthday: counted.
            Self.episode("Zara", "Ali", born: "2008-07-11", home: Self.haringey),
            // An unknown date of birth counts as under 18.
            Self.episode("Kai", "Smith", born: nil, home: Self.haringey),
        ]
        #expect(
            Self.row(.returnInterviews, "by-offer", "2026Q3", episodes, countedAt: Self.later) == ["offered-within-72-hours": 1, "not-offered": 2])
        #expect(Self.row(.returnInterviews, "by-offer", "2026Q2", episodes, countedAt: Self.later).isEmpty)
        let flow = Measure.returnInterviews.countTables(Self.records(episodes), quarters: [Quarter("2026Q3")!], countedAt: Self.later).last!
        #expect(flow.labels.rows == ["camden", "haringey"])
        #expect(flow.labels.columns == ["offered-within-72-hours", "offered-later", "not-offered", "not-yet-due"])
        #expect(flow.counts == [[1, 0, 0, 0], [0, 0, 2, 0]])
    }

    @Test func aSeriesBreakHasOneLineOfTextAndFallsInTheQuartersOfItsDate() throws {
        let date = CalendarDate("2025-04-01")!
        #expect(SeriesBreak(date: date, note: "  Police recording changed.  ")?.note == "Police recording changed.")
        #expect(SeriesBreak(date: date, note: " ") == nil)
        #expect(SeriesBreak(date: date, note: "two\nlines") == nil)
        #expect(SeriesBreak(date: date, note: String(repeating: "x", count: 201)) == nil)
        let breaks = [
            SeriesBreak(date: CalendarDate("2025-06-30")!, note: "b")!, SeriesBreak(date: date, note: "a")!,
            SeriesBreak(date: CalendarDate("2025-07-01")!, note: "c")!,
        ]
        #expect(SeriesBreak.within(Quarter("2025Q2")!.trend(of: 2), breaks).map(\.note) == ["a", "b"])
        #expect(SeriesBreak.within([], breaks).isEmpty)
        #expect(breaks[1].quarter == Quarter("2025Q2")!)
    }
}
