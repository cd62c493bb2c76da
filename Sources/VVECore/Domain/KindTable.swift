/// One value for each record kind, built once and found by a switch on the kind.
///
/// The per-kind tables (field groups, register names) are read for every member of every
/// record sent and received; a dictionary keyed by the kind hashed it on each read.
struct KindTable<Value: Sendable>: Sendable {
    private let countyLinesLink: Value
    private let relocation: Value
    private let sharedPerpetrator: Value
    private let missingEpisode: Value

    /// The table of `make(kind)` for every kind.
    init(_ make: (RecordKind) -> Value) {
        countyLinesLink = make(.countyLinesLink)
        relocation = make(.relocation)
        sharedPerpetrator = make(.sharedPerpetrator)
        missingEpisode = make(.missingEpisode)
    }

    /// The value for `kind`.
    subscript(kind: RecordKind) -> Value {
        switch kind {
        case .countyLinesLink: countyLinesLink
        case .relocation: relocation
        case .sharedPerpetrator: sharedPerpetrator
        case .missingEpisode: missingEpisode
        }
    }

    /// The table of `transform` applied to every value.
    func map<Other>(_ transform: (Value) -> Other) -> KindTable<Other> {
        KindTable<Other> { transform(self[$0]) }
    }
}
