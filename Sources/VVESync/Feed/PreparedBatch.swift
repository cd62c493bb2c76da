import Synchronization
import VVECore
import VVEStore

/// A batch built for a peer and not yet audited as disclosed: nothing of it may reach the
/// peer before `disclose()` returns.
package struct PreparedBatch: Sendable {
    /// The batch, as the peer will receive it.
    package let batch: ChangeBatch
    let store: CaseStore
    let peer: AuthorityName
    let copies: [RecordID]
    let writes: [RecordID]
    let deletions: [RecordID]
    let time: Timestamp
    /// Set once the disclosure has committed: a batch read ahead after this one is handed
    /// out only then.
    let disclosed = Disclosure()

    /// Audits the batch as disclosed to the peer, in one transaction with the peer as a
    /// holder of the copies it carries (`CaseStore.recordDisclosure`).
    package func disclose() throws {
        try store.recordDisclosure(to: peer, copies: copies, writes: writes, deletions: deletions, cursor: batch.cursor, at: time)
        disclosed.mark()
    }

    /// The same batch, to be audited as disclosed at `time`: one read ahead, handed out later.
    func stamped(_ time: Timestamp) -> PreparedBatch {
        PreparedBatch(batch: batch, store: store, peer: peer, copies: copies, writes: writes, deletions: deletions, time: time)
    }

    /// Whether a batch's disclosure has committed.
    final class Disclosure: Sendable {
        private let committed = Atomic<Bool>(false)

        var isCommitted: Bool { committed.load(ordering: .acquiring) }

        func mark() { committed.store(true, ordering: .releasing) }
    }
}
