import VVECore

/// The exact match keys of the people of every live record a node owns, one for each mention
/// of a person with a full name and date of birth: what `known-in-several-areas` tokens are
/// made from.
package struct OwnExactKeys: Sendable, Hashable {
    /// Where the keys were read from.
    package enum Source: Sendable, Hashable {
        /// The match index, current with every record: its keys were computed when the
        /// records were written.
        case matchIndex
        /// The records themselves, when the index is behind or built under another key.
        case documents
    }

    package var keys: [[UInt8]]
    /// Mentions of people without a full name and date of birth, who have no exact key.
    package var uncounted: Int
    package var source: Source
}
