/// How two versions of a record relate in causal order.
package enum VersionOrder: String, Sendable, CaseIterable {
    /// Both versions have seen exactly the same edits.
    case equal
    /// The left version has seen every edit of the right one, and more.
    case dominates
    /// The right version has seen every edit of the left one, and more.
    case dominated
    /// Each has seen an edit the other has not: a conflict to merge.
    case concurrent
}

/// A version vector: for each node, how many edits of a record that node has made.
///
/// Zero counters are never stored, so two vectors that mean the same are `==` and encode to
/// the same bytes.
package struct VersionVector: Sendable, Hashable, CustomStringConvertible {
    /// The highest counter a vector read from outside may hold: 2^40, a million edits a
    /// second for twelve days. It is far below where arithmetic on a counter could overflow,
    /// so no counter a peer sends, nor any edit after it, can trap the process.
    package static let maximumCounter: UInt64 = 1 << 40
    /// The most nodes a vector read from outside may name: more than a region has.
    package static let maximumNodes = 64

    private(set) var counters: [AuthorityName: UInt64]

    /// The vector of a record nobody has edited.
    package static let empty = VersionVector(counters: [:])

    /// Builds a vector from counters, dropping zeros.
    package init(counters: [AuthorityName: UInt64] = [:]) {
        self.counters = counters.filter { $0.value > 0 }
    }

    /// The number of edits `node` has made.
    package subscript(node: AuthorityName) -> UInt64 {
        counters[node] ?? 0
    }

    /// The nodes with at least one edit, in name order.
    package var nodes: [AuthorityName] { counters.keys.sorted() }

    /// This vector after one more edit by `node`. Counters are read no higher than
    /// `maximumCounter`, so this cannot overflow; it saturates rather than trap if it could.
    package func incremented(by node: AuthorityName) -> VersionVector {
        var copy = self
        let (next, overflow) = self[node].addingReportingOverflow(1)
        copy.counters[node] = overflow ? UInt64.max : next
        return copy
    }

    /// The pointwise maximum: the least vector that has seen everything both have seen.
    package func joined(with other: VersionVector) -> VersionVector {
        VersionVector(counters: counters.merging(other.counters, uniquingKeysWith: max))
    }

    /// How this vector relates to `other`.
    package func compare(to other: VersionVector) -> VersionOrder {
        var someGreater = false
        var someLess = false
        for node in Set(counters.keys).union(other.counters.keys) {
            let mine = self[node]
            let theirs = other[node]
            if mine > theirs { someGreater = true }
            if mine < theirs { someLess = true }
            if someGreater && someLess { return .concurrent }
        }
        switch (someGreater, someLess) {
        case (false, false): return .equal
        case (true, false): return .dominates
        case (false, true): return .dominated
        case (true, true): return .concurrent
        }
    }

    /// Whether this vector has seen strictly more than `other`.
    package func dominates(_ other: VersionVector) -> Bool {
        compare(to: other) == .dominates
    }

    /// Whether each vector has seen something the other has not.
    package func isConcurrent(with other: VersionVector) -> Bool {
        compare(to: other) == .concurrent
    }

    package var description: String {
        "{" + nodes.map { "\($0):\(self[$0])" }.joined(separator: ",") + "}"
    }
}

extension VersionVector: JSONFieldValue {
    package static func read(from value: JSONValue, at path: FieldPath, issues: inout IssueCollector) -> VersionVector? {
        guard let members = value.objectValue else {
            issues.add(path, value, "is \(value.typeName); expected an object of node names to edit counts")
            return nil
        }
        guard members.count <= maximumNodes else {
            issues.add(path, nil, "names \(members.count) nodes; a version vector names at most \(maximumNodes)")
            return nil
        }
        var counters: [AuthorityName: UInt64] = [:]
        for (key, count) in members {
            guard let node = AuthorityName(key) else {
                issues.add(path.appending(key), .string(key), "is not a node name: \(AuthorityName.rule)")
                continue
            }
            guard case .integer(let number) = count, number > 0, UInt64(number) <= maximumCounter else {
                issues.add(path.appending(key), count, "is not a whole number of edits from 1 to \(maximumCounter)")
                continue
            }
            counters[node] = UInt64(number)
        }
        return VersionVector(counters: counters)
    }

    package var jsonValue: JSONValue {
        .object(JSONObject(counters.map { ($0.key.rawValue, JSONValue.integer(Int64(clamping: $0.value))) }))
    }
}
