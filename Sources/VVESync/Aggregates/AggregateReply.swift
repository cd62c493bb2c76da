import VVECore

/// What the aggregate responder gives back: the answer, or a refusal and why.
package enum AggregateReply: Sendable {
    /// Why a query was refused, as the route's status says it.
    package enum Refusal: Sendable {
        /// The peer's file grants it no such measure (403).
        case forbidden
        /// A query this node cannot answer: a quarter not closed long enough, a measure it
        /// does not count (400).
        case badRequest
        /// A query id answered before (409).
        case repeated
        /// Over the peer's daily limit (429).
        case tooManyRequests
    }

    case answered(AggregateAnswer)
    case refused(Refusal, String)
}
