/// The age bands every measure counts people in, as the scrutiny committees ask: under 10,
/// 10-13, 14-15, 16-17, 18-25 (the age range exploitation teams work with), over 25, and
/// unknown. A date of birth known only in part gives a band only when every date it allows
/// falls in the same band.
package enum AgeBand: String, Sendable, Hashable, CaseIterable {
    case under10 = "under-10"
    case from10To13 = "10-13"
    case from14To15 = "14-15"
    case from16To17 = "16-17"
    case from18To25 = "18-25"
    case over25 = "over-25"
    case unknown

    /// The band of someone born on `dateOfBirth` (nil: not known), on `date`.
    package init(dateOfBirth: PartialDate?, on date: CalendarDate) {
        guard let dateOfBirth else {
            self = .unknown
            return
        }
        let earliestMonth = dateOfBirth.month ?? 1
        let latestMonth = dateOfBirth.month ?? 12
        let earliest = CalendarDate(year: dateOfBirth.year, month: earliestMonth, day: dateOfBirth.day ?? 1)!
        let latest = CalendarDate(
            year: dateOfBirth.year, month: latestMonth,
            day: dateOfBirth.day ?? CalendarDate.daysInMonth(year: dateOfBirth.year, month: latestMonth))!
        guard latest <= date, let oldest = Self.band(age: Self.age(bornOn: earliest, on: date)),
            let youngest = Self.band(age: Self.age(bornOn: latest, on: date)), oldest == youngest
        else {
            self = .unknown
            return
        }
        self = oldest
    }

    /// Whole years from `birth` to `date`.
    static func age(bornOn birth: CalendarDate, on date: CalendarDate) -> Int {
        date.year - birth.year - ((date.month, date.day) < (birth.month, birth.day) ? 1 : 0)
    }

    static func band(age: Int) -> AgeBand? {
        switch age {
        case ..<0: nil
        case 0..<10: .under10
        case 10...13: .from10To13
        case 14...15: .from14To15
        case 16...17: .from16To17
        case 18...25: .from18To25
        default: .over25
        }
    }
}
