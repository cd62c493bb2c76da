/// An in-memory index of fuzzy encodings for lookups: each entry's encoding, and per band of
/// `FuzzyBlocking` a sorted table of band values, so a query reads only the entries that
/// collide with it in some band.
///
/// Entries are only added. A store-backed owner confirms every hit against the store, where
/// removed entries are gone, and rebuilds the index when too many entries have died; that
/// keeps this type a plain value with no deletion bookkeeping.
package struct MatchIndex: Sendable {
    /// The blocking every table follows.
    package let blocking: FuzzyBlocking
    /// The caller's id of each slot.
    package private(set) var ids: [Int64] = []
    /// Every slot's encoding, 32 words each, back to back.
    private var words: [UInt64] = []
    /// Per band: `value << 32 | slot`, sorted, for the slots before `sortedCount`.
    private var tables: [[UInt64]]
    /// Slots below this are in `tables`; later ones are scanned by their band values.
    private var sortedCount = 0
    /// Band values of the slots from `sortedCount` on, `bands` per slot.
    private var recentValues: [UInt32] = []

    /// The most recent (unsorted) entries kept before they are merged into the tables.
    package static let recentLimit = 4096

    /// An empty index.
    package init(blocking: FuzzyBlocking = .standard) {
        self.blocking = blocking
        tables = Array(repeating: [], count: blocking.bands)
    }

    /// How many entries the index holds.
    package var count: Int { ids.count }

    /// Adds an entry. Cheap: the band tables are re-sorted only once enough entries wait.
    package mutating func insert(id: Int64, fuzzy: FuzzyEncoding) {
        ids.append(id)
        words.append(contentsOf: fuzzy.words)
        recentValues.append(contentsOf: blocking.bandValues(of: fuzzy))
        if ids.count - sortedCount > Self.recentLimit { mergeRecent() }
    }

    /// Moves the waiting entries into the sorted band tables.
    package mutating func mergeRecent() {
        guard sortedCount < ids.count else { return }
        let bands = blocking.bands
        for band in 0..<bands {
            var table = tables[band]
            table.reserveCapacity(ids.count)
            for offset in 0..<(ids.count - sortedCount) {
                table.append(UInt64(recentValues[offset * bands + band]) << 32 | UInt64(sortedCount + offset))
            }
            table.sort()
            tables[band] = table
        }
        sortedCount = ids.count
        recentValues.removeAll(keepingCapacity: true)
    }

    /// The slots that collide with `fuzzy` in at least one band, each once, ascending.
    package func candidates(of fuzzy: FuzzyEncoding) -> [Int] {
        let values = blocking.bandValues(of: fuzzy)
        var found: [Int] = []
        for (band, value) in values.enumerated() {
            let table = tables[band]
            let key = UInt64(value) << 32
            var low = 0
            var high = table.count
            while low < high {
                let middle = (low + high) / 2
                if table[middle] < key { low = middle + 1 } else { high = middle }
            }
            while low < table.count, table[low] >> 32 == UInt64(value) {
                found.append(Int(table[low] & 0xFFFF_FFFF))
                low += 1
            }
        }
        let bands = blocking.bands
        for offset in 0..<(ids.count - sortedCount) {
            for band in 0..<bands where recentValues[offset * bands + band] == values[band] {
                found.append(sortedCount + offset)
                break
            }
        }
        found.sort()
        var unique: [Int] = []
        unique.reserveCapacity(found.count)
        for slot in found where unique.last != slot { unique.append(slot) }
        return unique
    }

    /// The Dice score of the query against one slot.
    package func dice(_ fuzzy: FuzzyEncoding, slot: Int) -> Double {
        var shared = 0
        var total = 0
        let base = slot * 32
        for index in 0..<32 {
            let stored = words[base + index]
            let query = fuzzy.words[index]
            shared += (stored & query).nonzeroBitCount
            total += stored.nonzeroBitCount + query.nonzeroBitCount
        }
        return total == 0 ? 0 : 2 * Double(shared) / Double(total)
    }

    /// A scored entry.
    package struct Scored: Sendable, Hashable {
        package var id: Int64
        package var score: Double
    }

    /// The entries scoring at least `threshold` among the candidates, best first.
    package func matches(of fuzzy: FuzzyEncoding, threshold: Double) -> (matches: [Scored], candidates: Int) {
        let slots = candidates(of: fuzzy)
        var scored: [Scored] = []
        for slot in slots {
            let score = dice(fuzzy, slot: slot)
            if score >= threshold { scored.append(Scored(id: ids[slot], score: score)) }
        }
        return (scored.sorted { ($0.score, $1.id) > ($1.score, $0.id) }, slots.count)
    }

    /// Every entry scoring at least `threshold`, by comparing all of them: the baseline the
    /// blocking is measured against.
    package func scanAll(_ fuzzy: FuzzyEncoding, threshold: Double) -> [Scored] {
        var scored: [Scored] = []
        for slot in 0..<ids.count {
            let score = dice(fuzzy, slot: slot)
            if score >= threshold { scored.append(Scored(id: ids[slot], score: score)) }
        }
        return scored.sorted { ($0.score, $1.id) > ($1.score, $0.id) }
    }
}
