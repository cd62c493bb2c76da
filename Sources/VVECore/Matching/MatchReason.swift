/// Why a lookup hit matched: which parts of the person agreed. Every hit carries one, so the
/// officer and the SPOC know what to check before they treat it as the child sought.
package enum MatchReason: String, Sendable, CaseIterable, JSONEnumeration {
    /// The exact keys agreed: the same normalised names and full date of birth.
    case sameNameAndDate = "same-name-and-date"
    /// An alias on one side, identical to a name on the other with the same date of birth.
    case alias
    /// Names and date of birth close: a slip in a name, day and month transposed, no date
    /// of birth on one side, half a double-barrelled surname.
    case close
    /// Names close, and no date of birth on one side.
    case noDateOfBirth = "no-date-of-birth"
    /// Forename and surname recorded the other way round.
    case namesInOtherOrder = "names-in-other-order"
    /// Names close and a date of birth that differs in one of its parts: a mistyped year or
    /// month.
    case dateDiffers = "date-differs"
    /// Another forename, with the same surname and full date of birth: an anglicised name, a
    /// middle name used as the first, a slip, or a twin.
    case otherForename = "other-forename"
    /// Another surname, with the same uncommon forename and full date of birth.
    case otherSurname = "other-surname"

    /// The reason in words, as `vve lookup` shows it.
    package var text: String {
        switch self {
        case .sameNameAndDate: "same names and date of birth"
        case .alias: "through an alias"
        case .close: "names and date of birth close"
        case .noDateOfBirth: "names close, no date of birth on one side"
        case .namesInOtherOrder: "names in the other order"
        case .dateDiffers: "names close, date of birth differs"
        case .otherForename: "another forename, same surname and date of birth"
        case .otherSurname: "another surname, same forename and date of birth"
        }
    }

    /// The band a hit of this reason is listed in: 1 `match`, 2 `possible`, 3 a weaker
    /// `possible`, listed below every other: one name alone differs completely, which is as
    /// often another person (a twin, a stranger with the same birthday) as the one sought.
    package var band: Int {
        switch self {
        case .sameNameAndDate: 1
        case .alias, .close, .noDateOfBirth, .namesInOtherOrder, .dateDiffers: 2
        case .otherForename, .otherSurname: 3
        }
    }
}
