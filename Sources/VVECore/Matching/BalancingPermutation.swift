/// The order the fuzzy encoding's bits are written in, made from the linkage key, so that
/// only key holders can undo it.
///
/// Written out here, step by step, rather than left to the standard library: it is part of
/// the match-key scheme, and `shuffle(using:)` and `next(upperBound:)` promise no particular
/// sequence across Swift versions. It does exactly what they did when the scheme was fixed
/// (SplitMix64; Fisher-Yates from the front; Lemire's nearly divisionless bounded draw), and
/// the known-answer vectors in `MatchKeyVectorTests` hold it to that.
enum BalancingPermutation {
    /// The positions `0..<count`, shuffled by SplitMix64 from `seed`.
    static func make(count: Int, seed: UInt64) -> [Int] {
        var state = seed
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var mixed = state
            mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
            mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
            return mixed ^ (mixed >> 31)
        }
        /// A number in `0..<bound`, without modulo bias.
        func below(_ bound: UInt64) -> UInt64 {
            var product = next().multipliedFullWidth(by: bound)
            if product.low < bound {
                let threshold = (0 &- bound) % bound
                while product.low < threshold { product = next().multipliedFullWidth(by: bound) }
            }
            return product.high
        }
        var order = Array(0..<count)
        var remaining = count
        var index = 0
        while remaining > 1 {
            let offset = Int(below(UInt64(remaining)))
            remaining -= 1
            order.swapAt(index, index + offset)
            index += 1
        }
        return order
    }
}
