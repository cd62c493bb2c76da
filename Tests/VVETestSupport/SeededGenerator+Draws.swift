import VVECore

extension SeededGenerator {
    /// A number in `0..<bound`; written out rather than `Int.random(in:using:)`, whose
    /// algorithm the standard library may change, which would change every seed's run.
    package mutating func below(_ bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }

    /// True with probability `probability`.
    package mutating func chance(_ probability: Double) -> Bool {
        Double(next() >> 11) / Double(1 << 53) < probability
    }

    /// One element of a non-empty array.
    package mutating func pick<Element>(_ options: [Element]) -> Element {
        options[below(options.count)]
    }
}
