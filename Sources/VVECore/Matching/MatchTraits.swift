/// What an answering node knows of one of its own names beyond the encoding, from the record
/// itself: the rules for a name that differs completely depend on it.
package struct MatchTraits: OptionSet, Sendable, Hashable {
    package let rawValue: Int

    package init(rawValue: Int) {
        self.rawValue = rawValue
    }

    /// The person's date of birth has a year, month and day.
    package static let fullDateOfBirth = MatchTraits(rawValue: 1)
    /// The forename is on `CommonForenames`.
    package static let commonForename = MatchTraits(rawValue: 2)
    /// No part of the person's date of birth is known.
    package static let noDateOfBirth = MatchTraits(rawValue: 4)

    /// The traits of a person as recorded.
    package init(of person: Person) {
        var traits: MatchTraits = []
        if person.dateOfBirth?.calendarDate != nil { traits.insert(.fullDateOfBirth) }
        if person.dateOfBirth == nil { traits.insert(.noDateOfBirth) }
        if let forenames = person.forenames, CommonForenames.contains(forenames) { traits.insert(.commonForename) }
        self = traits
    }
}
