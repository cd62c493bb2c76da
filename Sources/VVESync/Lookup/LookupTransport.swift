import VVECore

/// Sends one lookup to one peer and reports what came back; never throws: every failure is
/// a `noAnswer` or a `refused` with its reason.
package protocol LookupTransport: Sendable {
    func lookup(_ query: LookupQuery, at peer: AuthorityName, timeout: Duration) async -> PeerLookupResult
}
