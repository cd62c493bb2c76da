import VVECore

/// A peer to pull from, with the policy its batches are checked against.
package struct PullTarget: Sendable, Equatable {
    /// The peer.
    package var name: AuthorityName
    /// What this node shares with it and accepts from it.
    package var policy: SharingPolicy

    package init(name: AuthorityName, policy: SharingPolicy) {
        self.name = name
        self.policy = policy
    }
}
