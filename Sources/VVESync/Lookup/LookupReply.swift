import VVECore

/// What this node tells a peer that asked a lookup.
package enum LookupReply: Sendable, Hashable {
    case answered(LookupAnswer)
    /// Not answered: the peer's file does not grant lookups (`forbidden`) or the peer is over
    /// its limit (`tooManyRequests`). Audited either way.
    case refused(LookupRefusal, String)
}

/// Why a lookup was not answered.
package enum LookupRefusal: Sendable, Hashable {
    case forbidden
    case tooManyRequests
}
