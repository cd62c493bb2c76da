/// The names of the node's metrics (docs/guide/operations.md), in one place so the recorder,
/// the scrape and the dashboard in `Tools/` agree. Labels carry peer names, routes and
/// reasons, never a record id or a person.
package enum MetricName {
    // Counted as it happens, per peer (`peer`).
    /// Batches pulled from the peer and applied.
    package static let batchesApplied = "vve_pull_batches_applied_total"
    /// Items of those batches, by `outcome`: applied, unchanged, set-aside or retried.
    package static let items = "vve_pull_items_total"
    /// Bytes of change-feed answers received from the peer, as they came over the wire.
    package static let pulledBytes = "vve_pull_bytes_total"
    /// Pulls from the peer that failed.
    package static let pullFailures = "vve_pull_failures_total"
    /// Lookups this node answered for the peer, by `outcome`: hit, no-hit, refused or
    /// over-limit.
    package static let lookupsAnswered = "vve_lookups_answered_total"
    /// Refused connections and requests, by `reason` (the label the audit log gives).
    package static let refusals = "vve_refusals_total"
    /// Batches the peer sent that were refused whole because they were malformed:
    /// nothing of them was applied, and the next pull asks again from the same cursor.
    package static let batchesRefused = "vve_pull_batches_refused_total"
    /// When the peer's certificate expires, in seconds since 1970, as it last presented it in
    /// a handshake either way.
    package static let peerCertificateExpiry = "vve_peer_certificate_expiry_timestamp_seconds"

    // Read from the store and the certificates at each scrape.
    /// The peer's cursor: the last change of its log this node applied.
    package static let peerCursor = "vve_peer_cursor"
    /// Changes of the peer's log this node had not read at its last pull.
    package static let peerLagChanges = "vve_peer_lag_changes"
    /// Seconds since this node last caught up with the peer.
    package static let peerBehindSeconds = "vve_peer_behind_seconds"
    /// When the last pull from the peer succeeded, in seconds since 1970.
    package static let peerLastSuccess = "vve_peer_last_success_timestamp_seconds"
    /// The peer's items set aside here.
    package static let peerSetAside = "vve_peer_set_aside_items"
    /// Live records this node owns.
    package static let records = "vve_store_records"
    /// Copies of peers' records held here.
    package static let copies = "vve_store_copies"
    /// Entries in the audit log.
    package static let auditEntries = "vve_store_audit_entries"
    /// Records and copies past their review date.
    package static let overdueReviews = "vve_store_overdue_reviews"
    /// Whole days until the node's own certificate expires (`certificate`: `own`).
    package static let certificateDays = "vve_certificate_days_to_expiry"
    /// The peers asked by this node's lookups (`vve lookup`, counted from the store), by
    /// `peer` and `outcome`: hit, no-hit, refused or no-answer.
    package static let lookupsAsked = "vve_lookups_asked_total"

    // Hummingbird's own, per `http_route` and `http_response_status_code`.
    /// Requests served, and their duration.
    package static let requestDuration = "http_server_request_duration"
}
