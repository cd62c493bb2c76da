import GRDB
import VVECore

extension CaseStore {
    /// Checks a write a peer sent for a record against what this node accepts from that peer
    /// (`accept:` in its peer file). A write touching any field outside the accepted groups is
    /// refused whole: this audits the refusal (action `refuse`, actor `peer:NAME`) and throws
    /// `StoreError.writeRefused`, and nothing of the write is applied. Sync calls this before
    /// merging anything a peer sends.
    public func admitPeerWrite(
        from peer: AuthorityName, recordID: RecordID, kind: RecordKind, members: [String], changesStatus: Bool, policy: SharingPolicy,
        at time: Timestamp
    ) throws {
        guard let reason = PolicyProjection.refusal(ofWriteTo: kind, members: members, changesStatus: changesStatus, from: peer, policy: policy)
        else { return }
        try audit([
            AuditEvent(time: time, actor: "peer:\(peer)", action: .refuse, recordID: recordID, detail: "write refused: \(reason)")
        ])
        throw StoreError.writeRefused(peer: peer, recordID: recordID, reason: reason)
    }
}
