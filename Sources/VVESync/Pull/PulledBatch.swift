import VVECore
import VVEStore

/// What became of a batch pulled from a peer.
package enum PulledBatch: Sendable, Equatable {
    /// Applied, with what it did.
    case applied(BatchOutcome)
    /// Not applied: the peer's log restarted (`PeerLogContinuity`), and the cursor went back
    /// to the start, for this reason. The caller asks again from there.
    case restarted(String)
}

/// A peer's log restarted again too soon after the last restart to follow: a restored store
/// restarts its log once, and a peer that keeps restarting it would have this node read
/// everything again, and audit it, at every batch.
package struct RestartTooSoon: Error, Sendable, CustomStringConvertible {
    package var peer: AuthorityName
    package var reason: String
    package var description: String {
        "\(peer)'s change log restarted again (\(reason)) within \(PulledBatch.restartInterval) of the last restart; not read again until then"
    }
}

extension PulledBatch {
    /// How soon after one restart of a peer's log another is followed.
    package static let restartInterval = Duration.seconds(600)
}

extension CaseStore {
    /// Applies a batch pulled from `peer`, unless it shows the peer's log restarted: then
    /// nothing of it is applied (it was built for a cursor that no longer means anything),
    /// and the cursor goes back to the start, if `mayRestart`; otherwise it throws
    /// `RestartTooSoon`, and the caller retries later.
    package func applyPulled(
        _ batch: IncomingBatch, from peer: AuthorityName, policy: SharingPolicy, mayRestart: Bool = true, at time: Timestamp
    ) async throws -> PulledBatch {
        if case .restarted(let reason) = PeerLogContinuity(batch, recordedIncarnation: try incarnation(of: peer)) {
            guard mayRestart else { throw RestartTooSoon(peer: peer, reason: reason) }
            try restartPull(from: peer, incarnation: batch.incarnation, reason: reason, at: time)
            return .restarted(reason)
        }
        return .applied(
            try await applyBatch(
                batch.items, from: peer, policy: policy, cursor: batch.cursor, incarnation: batch.incarnation, auditHead: batch.auditHead, at: time))
    }
}
