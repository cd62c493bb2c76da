import Testing
import VVECore

/// Quarters, the only periods aggregates count over, and the age bands they count people in.
@Suite struct QuarterAndAgeBandTests {
    func date(_ text: String) -> CalendarDate { CalendarDate(text)! }

    @Test func aQuarterReadsWritesAndSpansItsDays() throws {
        let quarter = try #require(Quarter("2026q3"))
        #expect(quarter.description == "2026Q3")
        #expect(quarter.first == date("2026-07-01") && quarter.last == date("2026-09-30"))
        #expect(Quarter("2026Q4")!.next == Quarter("2027Q1") && Quarter("2027Q1")!.previous == Quarter("2026Q4"))
        #expect(Quarter(containing: date("2024-02-29")) == Quarter("2024Q1"))
        #expect(Quarter(containing: date("2024-12-31")).last == date("2024-12-31"))
        #expect(["2026Q5", "2026Q0", "26Q1", "2026-Q1", "2026Q", "Q3", ""].allSatisfy { Quarter($0) == nil })
        #expect(
            Quarter("2026Q3")!.trend(of: 8).map(\.description) == ["2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3"])
    }

    /// A quarter is reported once it has been closed for the lag, never while it is open.
    @Test func onlyClosedQuartersPastTheLagAreReportable() {
        let q3 = Quarter("2026Q3")!
        #expect(!q3.isReportable(on: date("2026-09-30"), lagDays: 0))
        #expect(q3.isReportable(on: date("2026-10-01"), lagDays: 0))
        #expect(!q3.isReportable(on: date("2026-10-14"), lagDays: 14))
        #expect(q3.isReportable(on: date("2026-10-15"), lagDays: 14))
        #expect(Quarter.latestReportable(on: date("2026-10-14"), lagDays: 14) == Quarter("2026Q2"))
        #expect(Quarter.latestReportable(on: date("2026-10-15"), lagDays: 14) == q3)
        #expect(Quarter.latestReportable(on: date("2026-12-05"), lagDays: 365) == Quarter("2025Q3"))
    }

    @Test(
        arguments: [
            ("2016-06-01", "2026-05-31", AgeBand.under10), ("2016-06-01", "2026-06-01", .from10To13), ("2012-06-02", "2026-06-01", .from10To13),
            ("2012-06-01", "2026-06-01", .from14To15), ("2010-01-01", "2026-06-01", .from16To17), ("2008-06-02", "2026-06-01", .from16To17),
            ("2008-06-01", "2026-06-01", .from18To25), ("2000-06-02", "2026-06-01", .from18To25), ("2000-06-01", "2026-06-01", .over25),
            // Known in part: a band only when every date it allows gives the same one.
            ("2010", "2026-12-31", .from16To17), ("2010", "2026-06-01", .unknown), ("2010-03", "2026-06-01", .from16To17),
            ("2010-06", "2026-06-15", .unknown),
            // Born after the date: not an age.
            ("2027-01-01", "2026-06-01", .unknown),
        ] as [(String, String, AgeBand)])
    func anAgeBandIsTheAgeOnTheDate(birth: String, on day: String, band: AgeBand) {
        #expect(AgeBand(dateOfBirth: PartialDate(birth)!, on: date(day)) == band)
    }

    @Test func noDateOfBirthIsUnknown() {
        #expect(AgeBand(dateOfBirth: nil, on: date("2026-06-01")) == .unknown)
        #expect(AgeBand.allCases.map(\.rawValue) == ["under-10", "10-13", "14-15", "16-17", "18-25", "over-25", "unknown"])
    }
}
