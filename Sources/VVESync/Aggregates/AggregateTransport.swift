import VVECore

/// Sends one aggregate query to one peer and reports what came back; never throws: every
/// failure is a `noAnswer` or a `refused` with its reason.
package protocol AggregateTransport: Sendable {
    func ask(_ query: AggregateQuery, at peer: AuthorityName, timeout: Duration) async -> PeerAggregateResult
}
