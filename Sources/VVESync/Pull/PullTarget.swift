import VVECore

/// A peer to pull from, with the policy its batches are checked against.
package struct PullTarget: Sendable, Equatable {
    /// The peer.
    package var name: AuthorityName
    /// What this node shares with it and accepts from it.
    package var policy: SharingPolicy
    /// Changes, within one process, whenever the peer's file does: a loop waiting out a quiet
    /// peer asks again at once when its file changes.
    package var revision: Int

    package init(name: AuthorityName, policy: SharingPolicy, revision: Int = 0) {
        self.name = name
        self.policy = policy
        self.revision = revision
    }
}
