import VVECore

/// Audits refusals of requests from outside without letting a source that repeats one flood
/// the audit log, which cannot be pruned without breaking its chain: the first refusal of a
/// source for a reason in a window is audited in full, and the rest are counted in one entry
/// when the window closes. `vve serve`'s refusal log (`RefusalLog`) is one.
package protocol RefusalAuditor: Sendable {
    /// Audits `event`, a refusal of `source` (an actor, such as `peer:met-police`) for
    /// `reason` (a short label), in full or counted; never blocks on I/O.
    func refuse(_ event: AuditEvent, source: String, reason: String)
}
