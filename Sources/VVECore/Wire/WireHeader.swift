/// The HTTP headers vve's exchanges rely on beyond the usual ones: its own, and
/// `Server-Timing`. docs/protocol.md describes each.
package enum WireHeader {
    /// On a `GET /v1/changes` answer: the cursor its batch ends at, announced so the caller
    /// asks for the next batch before it reads this one.
    package static let cursor = "VVE-Cursor"
    /// On a `GET /v1/changes` answer: `true` when more changes follow the batch.
    package static let hasMore = "VVE-Has-More"
    /// On a `vve-gzip-keys` answer: how many bytes of match keys follow its gzip stream
    /// (`SplitMatchKeys`).
    package static let keyBytes = "VVE-Key-Bytes"
    /// On a `GET /v1/changes` answer: `nothing` when the node shares no kind of record with
    /// the caller, whose batch is then empty; the caller asks again only hourly.
    package static let shares = "VVE-Shares"
    /// On a `POST /v1/lookup` answer: how long the node took to answer, in milliseconds.
    package static let serverTiming = "Server-Timing"
}
