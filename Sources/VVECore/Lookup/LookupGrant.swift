/// Whether, and to whom, this node answers a peer's lookups (`lookups:` in the peer file).
package enum LookupGrant: String, Sendable, Hashable, CaseIterable, ExpressibleByBooleanLiteral {
    case no
    case yes
    /// Only while the peer's role is `police`: a borough's file saying `police` never answers
    /// that borough, even if its role is changed by mistake later.
    case police

    /// `true` is `yes`, `false` is `no`.
    package init(booleanLiteral value: Bool) {
        self = value ? .yes : .no
    }

    /// Whether a peer of `role` is answered.
    package func answers(role: PeerRole) -> Bool {
        switch self {
        case .no: false
        case .yes: true
        case .police: role == .police
        }
    }
}
