import VVECore

/// Settings of the lookup responder, with the defaults `vve serve` uses.
package struct LookupConfiguration: Sendable {
    /// How many lookups one asking peer may make. Default `LookupLimits.peerDefault`.
    package var limits: LookupLimits = .peerDefault
    /// Whom to call about a hit when the record names nobody on this node's side (a county
    /// lines link, a copy of a peer's record): `lookup-contact:` in node.yaml.
    package var contact: String?
    /// When a name that is not the same is reported, and why. Default `MatchRules.standard`:
    /// every node of a region should use the same rules, so an officer's answer does not
    /// depend on which node holds the child.
    package var rules: MatchRules = .standard

    /// Settings with these limits and contact, and the standard rules.
    package init(limits: LookupLimits = .peerDefault, contact: String? = nil) {
        self.limits = limits
        self.contact = contact
    }
}
