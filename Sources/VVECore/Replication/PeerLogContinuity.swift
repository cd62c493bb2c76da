/// Whether a peer's batch continues the change log this node has been reading from it, or
/// the peer's store started the log again: restored from a backup, or rebuilt from an
/// export. Sequence numbers then mean other changes than before, so the log is read again
/// from the start; applying a batch twice changes nothing, so nothing is lost either way.
package enum PeerLogContinuity: Sendable, Equatable {
    case continues
    /// Read the log again from the start, for this reason.
    case restarted(String)

    /// Judges `batch` against the incarnation recorded with this node's cursor for the peer.
    /// A peer that names no incarnation, or one met for the first time, is judged by its
    /// log's end alone.
    package init(_ batch: IncomingBatch, recordedIncarnation: String?) {
        if let recorded = recordedIncarnation, let incarnation = batch.incarnation, incarnation != recorded {
            self = .restarted(
                "its store is a new incarnation (\(incarnation.prefix(8)), after \(recorded.prefix(8))): it was restored from a backup or rebuilt")
        } else if batch.logEndsBeforeCursor, let head = batch.head {
            self = .restarted("its change log ends at \(head), before this node's cursor \(batch.since): its store went back in time")
        } else {
            self = .continues
        }
    }
}
