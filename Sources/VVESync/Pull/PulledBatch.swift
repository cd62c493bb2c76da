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

extension CaseStore {
    /// Applies a batch pulled from `peer`, unless it shows the peer's log restarted: then
    /// nothing of it is applied (it was built for a cursor that no longer means anything),
    /// and the cursor goes back to the start.
    package func applyPulled(
        _ batch: IncomingBatch, from peer: AuthorityName, policy: SharingPolicy, at time: Timestamp
    ) async throws
        -> PulledBatch
    {
        if case .restarted(let reason) = PeerLogContinuity(batch, recordedIncarnation: try incarnation(of: peer)) {
            try restartPull(from: peer, incarnation: batch.incarnation, reason: reason, at: time)
            return .restarted(reason)
        }
        return .applied(
            try await applyBatch(
                batch.items, from: peer, policy: policy, cursor: batch.cursor, incarnation: batch.incarnation, auditHead: batch.auditHead, at: time))
    }
}
