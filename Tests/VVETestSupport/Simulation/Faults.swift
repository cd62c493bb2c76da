/// What may go wrong in one run: probabilities per pull or per step.
package struct Faults: Sendable, Equatable {
    /// A batch is built (and audited as disclosed) but its response never arrives.
    package var drop: Double
    /// The puller crashes before committing: nothing of the batch applied, cursor unmoved.
    package var crashBeforeCommit: Double
    /// The same response is delivered twice.
    package var duplicate: Double
    /// Per step: a batch delivered earlier arrives again, after newer ones.
    package var staleRedelivery: Double
    /// Per step: the nodes split in two for a while.
    package var partition: Double
    /// Per step: an owner changes what it shares with one peer (audiences, groups, review
    /// days, kinds), keeping what it accepts, so copies must be withdrawn, narrowed, widened
    /// or sent anew.
    package var policyChange: Double = 0
    /// Per step: a node resolves one of its open conflicts (`vve conflicts resolve`).
    package var conflictResolution: Double = 0
    /// Whether a batch carrying an erase or withdraw item may be dropped or lost in a crash.
    /// (Once a bug: a lost one was never sent again; see `SimulationTests.Regressions`.)
    package var deletionsMayBeLost: Bool
    /// Whether a stale batch may arrive after a deletion built later: an old erase or
    /// withdraw, or an old copy. (Once a bug: the old copy came back.)
    package var staleMayPassDeletions: Bool
    /// Whether owners may erase records their holders have written to, and holders write
    /// to copies whose owner has already erased them. (Once a bug: such a write made the
    /// owner refuse the holder's whole batch.)
    package var writesMayRaceErasure: Bool

    /// Every fault but the three that once led into bugs.
    package static let recoverable = Faults(
        drop: 0.15, crashBeforeCommit: 0.05, duplicate: 0.10, staleRedelivery: 0.04, partition: 0.03,
        deletionsMayBeLost: false, staleMayPassDeletions: false, writesMayRaceErasure: false)
    /// Every fault: what the main run uses.
    package static let all = Faults(
        drop: 0.15, crashBeforeCommit: 0.05, duplicate: 0.10, staleRedelivery: 0.04, partition: 0.03, policyChange: 0.03, conflictResolution: 0.05,
        deletionsMayBeLost: true, staleMayPassDeletions: true, writesMayRaceErasure: true)
}
