/// What one asked peer gave back to an aggregate query.
package enum PeerAggregateResult: Sendable, Hashable {
    case answered(AggregateAnswer)
    /// The peer answered but would not count: its grant, its limit, its clock. Its cells are
    /// missing, never zero.
    case refused(String)
    /// Nothing usable in time: unreachable, a certificate problem, a timeout, an answer that
    /// failed the checks. Its cells are missing, never zero.
    case noAnswer(String)

    /// The answer, if any.
    package var answer: AggregateAnswer? {
        if case .answered(let answer) = self { return answer }
        return nil
    }
}
