/// What a mistyped name most likely meant, for errors that say "did you mean ...?".
package enum Spelling {
    /// The one candidate within two edits of `name` (one, for names of three letters or
    /// fewer), or nil when there is none or two are equally near: a guess must be unambiguous
    /// to be worth offering.
    package static func nearest(_ name: String, among candidates: [String]) -> String? {
        let limit = name.count <= 3 ? 1 : 2
        let near = candidates.map { ($0, distance($0, name)) }.filter { $0.1 <= limit && $0.1 > 0 }
        guard let best = near.map(\.1).min() else { return nil }
        let nearest = near.filter { $0.1 == best }
        return nearest.count == 1 ? nearest[0].0 : nil
    }

    /// The Levenshtein distance: insertions, deletions and substitutions.
    package static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
