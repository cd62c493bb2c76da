/// Repeat missing episodes, counted by child at the node that holds the episodes: how many
/// children were reported missing in a quarter, by how many times each was.
///
/// A child is told apart by the normalised surname, forenames and full date of birth, the
/// parts an exact match key is made of: the same child recorded twice the same way is one
/// child. The key lives only while the count is made; what leaves the node is the protected
/// count of children in each band. An episode whose child has no surname, forenames or full
/// date of birth is counted in no band here, since guessing would merge or split children;
/// `by-child-identified` counts those episodes, so a reader sees what this table leaves out.
package enum RepeatEpisodes {
    /// How many episodes a child had in the quarter.
    package enum Band: String, Sendable, CaseIterable {
        case once = "1"
        case twice = "2"
        case threeToFive = "3-5"
        case sixOrMore = "6-or-more"

        package init(episodes: Int) {
            switch episodes {
            case ...1: self = .once
            case 2: self = .twice
            case 3...5: self = .threeToFive
            default: self = .sixOrMore
            }
        }
    }

    /// Who the child of `episode` is, as this node tells children apart; nil when the record
    /// does not say enough.
    package static func child(of episode: MissingEpisode) -> String? {
        let person = episode.person
        guard let forenames = person.forenames, let surname = person.surname, let born = person.dateOfBirth?.calendarDate else { return nil }
        let forename = NameNormaliser.forename(forenames)
        let family = NameNormaliser.surname(surname)
        guard !forename.isEmpty, !family.isEmpty else { return nil }
        return "\(family)|\(forename)|\(born)"
    }

    /// Each identified child's band in each quarter they were reported missing in.
    package static func children(_ episodes: [MissingEpisode]) -> [(quarter: Quarter, band: Band)] {
        var counts: [Quarter: [String: Int]] = [:]
        for episode in episodes {
            guard let child = child(of: episode) else { continue }
            counts[Quarter(containing: episode.reportedMissingAt.calendarDate), default: [:]][child, default: 0] += 1
        }
        return counts.flatMap { quarter, children in children.values.map { (quarter, Band(episodes: $0)) } }
    }
}
