/// What one asked peer gave back.
package enum PeerLookupResult: Sendable, Hashable {
    case answered(LookupAnswer)
    /// The peer answered but would not search: its policy, or a rate limit. Not a miss.
    case refused(String)
    /// Nothing usable in time: unreachable, a certificate problem, a timeout, a malformed
    /// answer. Never counted as a miss.
    case noAnswer(String)
}
