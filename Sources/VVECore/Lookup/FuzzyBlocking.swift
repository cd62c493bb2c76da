/// Bit-sampling locality-sensitive hashing over fuzzy encodings: which stored people are worth
/// scoring against a query, so a lookup scores a few hundred people instead of every one.
///
/// On balanced encodings (exactly half of the 2048 bits set) the share of positions where two
/// encodings agree equals their Dice score. A band is `bitsPerBand` fixed positions; two
/// encodings collide in a band when they agree on all of them, which happens with probability
/// `dice^bitsPerBand`. A pair becomes a candidate when any band collides:
/// `1 - (1 - dice^bitsPerBand)^bands`. The positions are fixed and public: they carry nothing
/// secret, since the encoding is already keyed and shuffled.
package struct FuzzyBlocking: Sendable, Hashable {
    /// Bands of one kind: how many, how many positions each samples, and from which parts.
    package struct BandSet: Sendable, Hashable {
        package var count: Int
        /// Positions sampled per band, at most 32.
        package var bitsPerBand: Int
        /// The parts the positions are drawn from.
        package var parts: [FuzzyEncoding.Part]

        package init(count: Int, bitsPerBand: Int, parts: [FuzzyEncoding.Part] = FuzzyEncoding.Part.allCases) {
            precondition(count > 0 && (1...32).contains(bitsPerBand))
            self.count = count
            self.bitsPerBand = bitsPerBand
            self.parts = parts
        }
    }

    /// The band sets, the whole encoding's first.
    package let sets: [BandSet]
    /// How many bands, over every set.
    package var bands: Int { positions.count }
    /// The sampled positions, band by band.
    let positions: [[Int]]

    /// The region's blocking.
    ///
    /// - 48 bands of 22 positions over the whole encoding: at the `close` threshold (Dice
    ///   0.92) a pair becomes a candidate with probability 0.9996. Unrelated synthetic
    ///   people score 0.60-0.80 against each other, with a tail to 0.9 (siblings, shared
    ///   birth years), and a few percent of them become candidates: each costs one score.
    /// - 4 bands of 28 positions over each pair of parts: a person whose two parts are the
    ///   query's (the surname and date of birth of `otherForename`, the forename and date of
    ///   `otherSurname`, the names of `dateDiffers`) collides in all of them, whatever the
    ///   third part, and few others collide in any.
    ///
    /// Names in the other order are found by looking up the query with its names exchanged.
    /// Measured on synthetic people by `LookupBlockingTests` and `Tools/bench-lookup.sh`.
    package static let standard = FuzzyBlocking(sets: [
        BandSet(count: 48, bitsPerBand: 22),
        BandSet(count: 4, bitsPerBand: 28, parts: [.surname, .dateOfBirth]),
        BandSet(count: 4, bitsPerBand: 28, parts: [.forename, .dateOfBirth]),
        BandSet(count: 4, bitsPerBand: 28, parts: [.forename, .surname]),
    ])

    /// `bands` bands of `bitsPerBand` positions over the whole encoding.
    package init(bands: Int, bitsPerBand: Int) {
        self.init(sets: [BandSet(count: bands, bitsPerBand: bitsPerBand)])
    }

    /// Bands of positions drawn, without repeats within a band, from a fixed seed.
    package init(sets: [BandSet]) {
        precondition(!sets.isEmpty)
        self.sets = sets
        var generator = SeededGenerator(seed: 0x5656_454C_5348_0002)
        positions = sets.flatMap { set in
            var pool = set.parts.flatMap { part in part.firstBit..<(part.firstBit + part.encodedBits) }
            return (0..<set.count).map { _ in
                pool.shuffle(using: &generator)
                return Array(pool.prefix(set.bitsPerBand)).sorted()
            }
        }
    }

    /// The value of each band: its sampled bits packed into an integer.
    package func bandValues(of encoding: FuzzyEncoding) -> [UInt32] {
        positions.map { bandPositions in
            var value: UInt32 = 0
            for position in bandPositions {
                value = value << 1 | UInt32(truncatingIfNeeded: encoding.words[position / 64] >> UInt64(position % 64) & 1)
            }
            return value
        }
    }

    /// The probability that a pair with this Dice score becomes a candidate in the bands
    /// over the whole encoding.
    package func candidateProbability(dice: Double) -> Double {
        1 - power(1 - power(dice, sets[0].bitsPerBand), sets[0].count)
    }
}

/// `base^exponent` for a whole exponent, without Foundation.
private func power(_ base: Double, _ exponent: Int) -> Double {
    precondition(exponent >= 0)
    var result = 1.0
    var factor = base
    var remaining = exponent
    while remaining > 0 {
        if remaining & 1 == 1 { result *= factor }
        factor *= factor
        remaining >>= 1
    }
    return result
}
