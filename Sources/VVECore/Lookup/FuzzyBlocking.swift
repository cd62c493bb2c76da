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
    /// How many bands.
    package let bands: Int
    /// Positions sampled per band, at most 32.
    package let bitsPerBand: Int
    /// The sampled positions, band by band.
    let positions: [[Int]]

    /// The region's blocking: 48 bands of 22 positions. At the `possible` threshold (Dice 0.90)
    /// a pair becomes a candidate with probability 0.993, at 0.92 with 0.9996. Unrelated
    /// synthetic people score 0.60-0.75 against each other, with a tail to 0.9 (siblings,
    /// shared birth years), and about 2.6% of them become candidates: each costs one Dice
    /// score, 32 words. Measured on synthetic people by `LookupBlockingTests` and
    /// `Tools/bench-lookup.sh`.
    package static let standard = FuzzyBlocking(bands: 48, bitsPerBand: 22)

    /// Bands of positions drawn, without repeats within a band, from a fixed seed.
    package init(bands: Int, bitsPerBand: Int) {
        precondition(bands > 0 && (1...32).contains(bitsPerBand))
        self.bands = bands
        self.bitsPerBand = bitsPerBand
        var generator = SeededGenerator(seed: 0x5656_454C_5348_0001)
        var all = Array(0..<FuzzyEncoding.encodedBits)
        positions = (0..<bands).map { _ in
            all.shuffle(using: &generator)
            return Array(all.prefix(bitsPerBand)).sorted()
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

    /// The probability that a pair with this Dice score becomes a candidate.
    package func candidateProbability(dice: Double) -> Double {
        1 - power(1 - power(dice, bitsPerBand), bands)
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
