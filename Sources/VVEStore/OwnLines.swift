import VVECore

/// What a `county-lines` answer that asks `distinct-lines` is made from.
package enum OwnLines: Sendable, Hashable {
    /// The deal lines of each of the node's own live county lines first seen in the quarters
    /// asked, a list a line.
    case lines([[PhoneNumber]])
    /// Tokens went to this asker at this time, less than a day ago: tokens are made from
    /// today's records, and two answers a day apart could be differenced, so none go now.
    case sentToday(String)
}
