/// What one asked peer gave back.
package enum PeerLookupResult: Sendable, Hashable {
    case answered(LookupAnswer)
    /// The peer answered but would not search: its policy, or a rate limit. Not a miss.
    case refused(String)
    /// Nothing usable in time: unreachable, a certificate problem, a timeout, a malformed
    /// answer. Never counted as a miss.
    case noAnswer(String)

    /// The result as the asking node counts it (`vve_lookups_asked_total`): `hit`, `no-hit`,
    /// `refused` or `no-answer`.
    package var outcome: String {
        switch self {
        case .answered(let answer): answer.hits.isEmpty ? "no-hit" : "hit"
        case .refused: "refused"
        case .noAnswer: "no-answer"
        }
    }
}
