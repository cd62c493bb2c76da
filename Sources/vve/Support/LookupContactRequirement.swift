import VVEConfig

/// A node that answers lookups must say whom to call: a hit on a copy or a county lines link
/// names the node's `lookup-contact:`, and without one the officer has a reference and no one
/// to ring.
enum LookupContactRequirement {
    /// The problem with `configuration` while `peers` are what it serves; nil when there is
    /// none.
    static func problem(_ configuration: NodeConfiguration, peers: [PeerConfiguration], directory: String) -> String? {
        guard configuration.lookupContact == nil else { return nil }
        let answered = peers.filter { $0.policy.lookups != .no }.map(\.name.rawValue).sorted()
        guard !answered.isEmpty else { return nil }
        return
            "\(directory)/node.yaml has no `lookup-contact:`, and this node answers lookups from \(answered.joined(separator: ", ")): a hit on a copy or a county lines link would give no one to call; add a line such as `lookup-contact: MASH duty desk, 020 7946 0000`"
    }
}
