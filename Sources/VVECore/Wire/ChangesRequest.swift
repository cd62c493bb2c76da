/// A `GET /v1/changes` request's query: `since`, `ack`, `limit` and `wait`, each checked.
package struct ChangesRequest: Sendable, Hashable {
    /// The most changes one request scans.
    package static let maximumBatch = 1000
    /// The longest a request may ask the server to hold on for a change: below the server's
    /// idle timeout, so a waiting connection is never closed as idle.
    package static let maximumWaitSeconds = 55
    /// The rule, for the refusal of a query that breaks it.
    package static let rule =
        "since must be a change-log sequence (0 or more), ack one at most since, limit 1-\(maximumBatch) and wait 0-\(maximumWaitSeconds) seconds"

    /// The cursor to send changes after. Default 0.
    package var since: Int64
    /// The cursor the caller has committed, at most `since`. Default `since`.
    package var acknowledged: Int64
    /// Changes to scan at most. Default 500.
    package var limit: Int
    /// Seconds to wait for a change when there is nothing to send. Default 0.
    package var waitSeconds: Int

    package init(since: Int64, acknowledged: Int64, limit: Int, waitSeconds: Int) {
        self.since = since
        self.acknowledged = acknowledged
        self.limit = limit
        self.waitSeconds = waitSeconds
    }

    /// Reads the query's values (nil where absent); nil when any breaks `rule`.
    package init?(since: String?, acknowledged: String?, limit: String?, wait: String?) {
        guard let since = Int64(since ?? "0"), since >= 0,
            let limit = Int(limit ?? "500"), (1...Self.maximumBatch).contains(limit),
            let wait = Int(wait ?? "0"), (0...Self.maximumWaitSeconds).contains(wait),
            let acknowledged = Int64(acknowledged ?? "\(since)"), (0...since).contains(acknowledged)
        else { return nil }
        self.init(since: since, acknowledged: acknowledged, limit: limit, waitSeconds: wait)
    }

    /// The request's path and query, as a client sends it.
    package var path: String { "/v1/changes?since=\(since)&ack=\(acknowledged)&limit=\(limit)&wait=\(waitSeconds)" }
}
