/// Which measures of the federated view this node answers for a peer (`aggregates:` in the
/// peer file): none, a list, or every measure, those that later versions add included.
package enum AggregateGrant: Sendable, Hashable, ExpressibleByBooleanLiteral {
    /// `aggregates: no`, the default.
    case none
    /// `aggregates: yes`: every measure, today's and any a later version adds.
    case every
    /// `aggregates: [relocations, county-lines]`: these alone; never empty.
    case measures(Set<Measure>)

    /// `true` is every measure, `false` none.
    package init(booleanLiteral value: Bool) {
        self = value ? .every : .none
    }

    /// Whether `measure` is answered.
    package func grants(_ measure: Measure) -> Bool {
        switch self {
        case .none: false
        case .every: true
        case .measures(let measures): measures.contains(measure)
        }
    }

    /// Whether any measure is answered.
    package var grantsAny: Bool { self != .none }

    /// As a peer file writes it: `yes`, `no`, or the list in the catalogue's order.
    package var text: String {
        switch self {
        case .none: "no"
        case .every: "yes"
        case .measures(let measures): "[" + measures.sorted().map(\.rawValue).joined(separator: ", ") + "]"
        }
    }
}
