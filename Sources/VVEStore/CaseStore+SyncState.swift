import GRDB
import VVECore

/// What this node last saw of pulling from one peer.
package struct PeerSyncState: Sendable, Equatable {
    /// The peer pulled from.
    package var peer: AuthorityName
    /// How far into the peer's change log this node has applied.
    package var cursor: Int64
    /// When a pull was last tried.
    package var lastAttempt: Timestamp?
    /// When a pull last succeeded.
    package var lastSuccess: Timestamp?
    /// When this node last had everything the peer had logged.
    package var caughtUpAt: Timestamp?
    /// Change-log entries of the peer's not yet scanned for this node, at the last success.
    package var lagChanges: Int64?
    /// Why the last failed pull failed; nil once a pull succeeds again.
    package var lastError: String?
    /// When the last failure happened.
    package var lastErrorAt: Timestamp?
    /// Failures in a row since the last success.
    package var failures: Int
    /// When the peer last said it shares nothing with this node; nil once it sends a batch.
    package var nothingSharedAt: Timestamp?

    /// Whether the peer has answered a pull at least once, with a batch or with "nothing
    /// shared": until then, a peer that cannot be reached is tried ever more rarely, up to hourly.
    package var hasAnswered: Bool { lastSuccess != nil || nothingSharedAt != nil }

    package init(peer: AuthorityName, cursor: Int64 = 0) {
        self.peer = peer
        self.cursor = cursor
        self.failures = 0
    }

    /// Seconds this node may be behind the peer: 0 when caught up at the last success,
    /// otherwise the time since it last was; nil if it never was.
    package func lagSeconds(now: Timestamp) -> Int64? {
        if lagChanges == 0, lastSuccess != nil, lastError == nil { return 0 }
        guard let caughtUpAt else { return nil }
        return max(0, (now.millisecondsSinceEpoch - caughtUpAt.millisecondsSinceEpoch) / 1000)
    }
}

extension CaseStore {
    /// The last change-log sequence; 0 for an empty log.
    package func latestChangeSequence() throws -> Int64 {
        try reading { db in try Int64.fetchOne(db, sql: "SELECT max(seq) FROM change_log") ?? 0 }
    }

    /// Records a successful pull from `peer`: `lag` log entries were left behind the cursor.
    package func recordPullSuccess(from peer: AuthorityName, lag: Int64, at time: Timestamp) throws {
        try transaction { db in
            try db.execute(
                sql: """
                    INSERT INTO peer_sync_state(peer, last_attempt, last_success, caught_up_at, lag_changes, failures)
                    VALUES (:peer, :time, :time, CASE WHEN :lag = 0 THEN :time END, :lag, 0)
                    ON CONFLICT(peer) DO UPDATE SET last_attempt = :time, last_success = :time,
                        caught_up_at = CASE WHEN :lag = 0 THEN :time ELSE caught_up_at END,
                        lag_changes = :lag, last_error = NULL, last_error_at = NULL, failures = 0, nothing_shared_at = NULL
                    """,
                arguments: ["peer": peer.rawValue, "time": time.description, "lag": lag])
        }
    }

    /// Records that `peer` answered a pull by saying it shares nothing with this node.
    package func recordNothingShared(by peer: AuthorityName, at time: Timestamp) throws {
        try transaction { db in
            try db.execute(
                sql: """
                    INSERT INTO peer_sync_state(peer, last_attempt, nothing_shared_at, failures)
                    VALUES (:peer, :time, :time, 0)
                    ON CONFLICT(peer) DO UPDATE SET last_attempt = :time, nothing_shared_at = :time,
                        last_error = NULL, last_error_at = NULL, failures = 0
                    """,
                arguments: ["peer": peer.rawValue, "time": time.description])
        }
    }

    /// Records a failed pull from `peer`. `reason` must name no person: it is shown by `vve status`.
    package func recordPullFailure(from peer: AuthorityName, reason: String, at time: Timestamp) throws {
        try transaction { db in
            try db.execute(
                sql: """
                    INSERT INTO peer_sync_state(peer, last_attempt, last_error, last_error_at, failures)
                    VALUES (:peer, :time, :reason, :time, 1)
                    ON CONFLICT(peer) DO UPDATE SET last_attempt = :time, last_error = :reason, last_error_at = :time,
                        failures = failures + 1
                    """,
                arguments: ["peer": peer.rawValue, "time": time.description, "reason": reason])
        }
    }

    /// The pull state of every peer this node has a cursor or a pull record for, by name.
    package func peerSyncStates() throws -> [AuthorityName: PeerSyncState] {
        try reading { db in
            var states: [AuthorityName: PeerSyncState] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT peer, cursor FROM peer_cursor") {
                guard let peer = AuthorityName(row["peer"] as String) else { continue }
                states[peer] = PeerSyncState(peer: peer, cursor: row["cursor"])
            }
            for row in try Row.fetchAll(db, sql: "SELECT * FROM peer_sync_state") {
                guard let peer = AuthorityName(row["peer"] as String) else { continue }
                var state = states[peer] ?? PeerSyncState(peer: peer)
                state.lastAttempt = (row["last_attempt"] as String?).flatMap(Timestamp.init)
                state.lastSuccess = (row["last_success"] as String?).flatMap(Timestamp.init)
                state.caughtUpAt = (row["caught_up_at"] as String?).flatMap(Timestamp.init)
                state.lagChanges = row["lag_changes"]
                state.lastError = row["last_error"]
                state.lastErrorAt = (row["last_error_at"] as String?).flatMap(Timestamp.init)
                state.failures = row["failures"]
                state.nothingSharedAt = (row["nothing_shared_at"] as String?).flatMap(Timestamp.init)
                states[peer] = state
            }
            return states
        }
    }
}
