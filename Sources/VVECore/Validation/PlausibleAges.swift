/// The ages at which the people of each kind are plausible, so that a mistyped year of birth
/// (2031 for 2013, 1931 for 2013) is caught when it is written rather than matched wrongly
/// for years: a person's match keys are made from the date of birth.
///
/// A date of birth in the future is always refused. An age outside the range is refused
/// unless the writer confirms it (`--allow-unusual-ages`), and the audit entry then says so.
/// A partial date of birth (a year, or a year and month) is plausible when any day it may
/// stand for gives an age in the range.
package enum PlausibleAges {
    /// A relocated young person's age at the move: 8 to 25.
    package static let relocation = 8...25
    /// A person linked to a county line, or a perpetrator, today: 8 to 100.
    package static let person = 8...100
    /// A missing child's age at the report: 5 to 25, for care leavers stay in view to 25.
    package static let missingEpisode = 5...25

    /// A date of birth the record holds that is in the future, or gives an age outside its range.
    package struct Finding: Sendable, Hashable {
        /// Where: `fields.youngPerson.dateOfBirth`.
        package var path: String
        package var dateOfBirth: PartialDate
        /// False for a date in the future, which no confirmation makes right.
        package var unusualAge: Bool
        /// What is wrong, and the fix.
        package var rule: String
    }

    /// Every date of birth in `fields` that is in the future or implausible, against `today`.
    package static func findings(in fields: RecordFields, today: CalendarDate) -> [Finding] {
        var found: [Finding] = []
        func check(_ person: Person, at path: String, on day: CalendarDate, range: ClosedRange<Int>, who: String, when: String) {
            guard let birth = person.dateOfBirth else { return }
            let path = path + ".dateOfBirth"
            if birth.earliest > today {
                found.append(
                    Finding(
                        path: path, dateOfBirth: birth, unusualAge: false,
                        rule: "is in the future; a date of birth is \(today) or earlier"))
                return
            }
            let oldest = years(from: birth.earliest, to: day)
            let youngest = years(from: birth.latest, to: day)
            guard oldest < range.lowerBound || youngest > range.upperBound else { return }
            let age = oldest == youngest ? "\(oldest)" : "\(youngest) to \(oldest)"
            found.append(
                Finding(
                    path: path, dateOfBirth: birth, unusualAge: true,
                    rule:
                        "makes \(who) \(age) \(when); \(who) is \(range.lowerBound) to \(range.upperBound) then as a rule: check the date, or pass --allow-unusual-ages if it is right"
                ))
        }
        switch fields {
        case .relocation(let relocation):
            check(
                relocation.youngPerson, at: "fields.youngPerson", on: relocation.moveDate, range: Self.relocation, who: "the young person",
                when: "at the move (\(relocation.moveDate))")
        case .sharedPerpetrator(let perpetrator):
            check(perpetrator.person, at: "fields.person", on: today, range: Self.person, who: "the person", when: "today")
        case .missingEpisode(let episode):
            let reported = episode.reportedMissingAt.calendarDate
            check(
                episode.person, at: "fields.person", on: reported, range: Self.missingEpisode, who: "the child",
                when: "when reported missing (\(reported))")
        case .countyLinesLink(let link):
            for (index, linked) in link.linkedPeople.enumerated() {
                check(linked.person, at: "fields.linkedPeople[\(index)].person", on: today, range: Self.person, who: "the person", when: "today")
            }
        }
        return found
    }

    /// Whole years from `birth` to `day`: an age.
    static func years(from birth: CalendarDate, to day: CalendarDate) -> Int {
        let years = day.year - birth.year
        return (day.month, day.day) < (birth.month, birth.day) ? years - 1 : years
    }
}

extension PartialDate {
    /// The first day this date may stand for.
    package var earliest: CalendarDate {
        CalendarDate(year: year, month: month ?? 1, day: day ?? 1)!
    }

    /// The last day this date may stand for.
    package var latest: CalendarDate {
        let lastMonth = month ?? 12
        return CalendarDate(year: year, month: lastMonth, day: day ?? CalendarDate.daysInMonth(year: year, month: lastMonth))!
    }
}
