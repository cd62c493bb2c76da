/// One name of a person as the match index holds it: what a lookup's keys are compared with.
///
/// A name of a record this node owns, or of a copy shared with `identity`, has both keys,
/// computed here from the name. A person in a copy shared without `identity` has its exact
/// key alone (`SharedPersonKey`), or nothing a lookup could match when it has none.
package struct IndexedName: Sendable, Hashable {
    /// Found through the store's index of exact keys.
    package var exact: [UInt8]?
    /// Scored by the in-memory index; nil for a copy's person sent without `identity`.
    package var fuzzy: FuzzyEncoding?
    /// Whether the name is an alias (`NameKeys.isAlias`).
    package var isAlias: Bool
    /// What the record says of the person behind the name.
    package var traits: MatchTraits

    /// A name with both its keys, of a person with these traits.
    package init(_ name: NameKeys, traits: MatchTraits) {
        exact = name.keys.exact
        fuzzy = name.keys.fuzzy
        isAlias = name.isAlias
        self.traits = traits
    }

    /// A copy's person by its exact key; nil when it has none.
    package init?(_ key: SharedPersonKey) {
        guard let exact = key.exact else { return nil }
        self.exact = exact
        fuzzy = nil
        isAlias = false
        traits = []
    }
}
