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
    /// The key's date mask, with which dates are compared token by token.
    package let dateFilterMask: [UInt64]
    /// The caller's id of each slot.
    package private(set) var ids: [Int64] = []
    /// Every slot's encoding, 32 words each, back to back.
    private var words: [UInt64] = []
    /// Every slot's traits, from its record.
    private var traits: [MatchTraits] = []
    /// Whether each slot is an alias's name.
    private var aliases: [Bool] = []
    /// Per band: `value << 32 | slot`, sorted, for the slots before `sortedCount`.
    private var tables: [[UInt64]]
    /// Slots below this are in `tables`; later ones are scanned by their band values.
    private var sortedCount = 0
    /// Band values of the slots from `sortedCount` on, `bands` per slot.
    private var recentValues: [UInt32] = []

    /// The most recent (unsorted) entries kept before they are merged into the tables.
    package static let recentLimit = 4096

    /// An empty index of encodings made by `encoder`.
    package init(for encoder: MatchKeyEncoder, blocking: FuzzyBlocking = .standard) {
        self.init(dateFilterMask: encoder.dateFilterMask, blocking: blocking)
    }

    /// An empty index of encodings made under a key with this date mask.
    package init(dateFilterMask: [UInt64], blocking: FuzzyBlocking = .standard) {
        self.dateFilterMask = dateFilterMask
        self.blocking = blocking
        tables = Array(repeating: [], count: blocking.bands)
    }

    /// How many entries the index holds.
    package var count: Int { ids.count }

    /// Adds an entry. Cheap: the band tables are re-sorted only once enough entries wait.
    package mutating func insert(id: Int64, fuzzy: FuzzyEncoding, traits: MatchTraits = [], isAlias: Bool = false) {
        ids.append(id)
        words.append(contentsOf: fuzzy.words)
        self.traits.append(traits)
        aliases.append(isAlias)
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

    /// A reported entry.
    package struct Found: Sendable, Hashable {
        package var id: Int64
        package var finding: MatchRules.Finding
    }

    /// The entries `rules` report against a query's name, among the candidates of the query
    /// and of the query with its names exchanged, best first; and how many were scored.
    package func matches(of fuzzy: FuzzyEncoding, isAlias: Bool = false, rules: MatchRules) -> (matches: [Found], candidates: Int) {
        let exchanged = fuzzy.namesExchanged
        var slots = candidates(of: fuzzy)
        // An alias counts only when identical, so its names are never tried the other way round.
        if !isAlias { slots = Self.union(slots, candidates(of: exchanged)) }
        return (judge(fuzzy, exchanged: exchanged, isAlias: isAlias, slots: slots, rules: rules), slots.count)
    }

    /// Every entry `rules` report, by scoring all of them: the baseline the blocking is
    /// measured against.
    package func scanAll(_ fuzzy: FuzzyEncoding, isAlias: Bool = false, rules: MatchRules) -> [Found] {
        judge(fuzzy, exchanged: fuzzy.namesExchanged, isAlias: isAlias, slots: Array(0..<ids.count), rules: rules)
    }

    private func judge(_ fuzzy: FuzzyEncoding, exchanged: FuzzyEncoding, isAlias: Bool, slots: [Int], rules: MatchRules) -> [Found] {
        var found: [Found] = []
        words.withUnsafeBufferPointer { words in
            fuzzy.words.withUnsafeBufferPointer { query in
                exchanged.words.withUnsafeBufferPointer { exchanged in
                    dateFilterMask.withUnsafeBufferPointer { mask in
                        for slot in slots {
                            let stored = UnsafeBufferPointer(rebasing: words[(slot * 32)..<(slot * 32 + 32)])
                            let direct = PartScores(query, stored, dateFilterMask: mask)
                            if let finding = rules.judge(
                                direct: direct, exchanged: PartScores(exchanged, stored, dateFilterMask: mask), traits: traits[slot],
                                alias: isAlias || aliases[slot])
                            {
                                found.append(Found(id: ids[slot], finding: finding))
                            }
                        }
                    }
                }
            }
        }
        return found.sorted {
            ($0.finding.reason.band, -$0.finding.score, $0.id) < ($1.finding.reason.band, -$1.finding.score, $1.id)
        }
    }

    /// Two ascending lists of slots as one, each once.
    private static func union(_ left: [Int], _ right: [Int]) -> [Int] {
        var merged: [Int] = []
        merged.reserveCapacity(left.count + right.count)
        var (i, j) = (0, 0)
        while i < left.count || j < right.count {
            let next = j == right.count || (i < left.count && left[i] <= right[j]) ? left[i] : right[j]
            if i < left.count && left[i] == next { i += 1 }
            if j < right.count && right[j] == next { j += 1 }
            merged.append(next)
        }
        return merged
    }
}
