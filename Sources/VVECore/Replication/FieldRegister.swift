/// One write of one field: the value, the version it was written at, and who wrote it.
package struct FieldWrite: Sendable, Hashable {
    /// The value; JSON null means the field was removed.
    package var value: JSONValue
    /// Unique to this write: the join of every version its writer had seen, incremented by it.
    package var version: VersionVector
    package var writer: AuthorityName

    package init(value: JSONValue, version: VersionVector, writer: AuthorityName) {
        self.value = value
        self.version = version
        self.writer = writer
    }

    /// A total order on writes that depends only on the writes themselves, so every node
    /// picks the same winner whatever order it merged in: more edits seen first, then the
    /// writer's name, then the value's canonical bytes.
    static func deterministicallyBefore(_ lhs: FieldWrite, _ rhs: FieldWrite) -> Bool {
        let left = lhs.version.nodes.reduce(UInt64(0)) { $0 + lhs.version[$1] }
        let right = rhs.version.nodes.reduce(UInt64(0)) { $0 + rhs.version[$1] }
        if left != right { return left < right }
        if lhs.writer != rhs.writer { return lhs.writer < rhs.writer }
        return JSONWriter.canonicalBytes(lhs.value).lexicographicallyPrecedes(JSONWriter.canonicalBytes(rhs.value))
    }
}

/// A multi-value register: the writes of one field that no other known write supersedes.
///
/// Merging is set union followed by dropping every write another one dominates, which makes
/// it commutative, associative and idempotent: replicas that have seen the same writes hold
/// the same register, whatever the order, delay or duplication of what they exchanged. More
/// than one write left means concurrent edits; `MergeRules` decides what a reader sees, and
/// the next write at any node supersedes them all.
package struct FieldRegister: Sendable, Hashable {
    /// The surviving writes, mutually concurrent, in a canonical order.
    package private(set) var writes: [FieldWrite]

    /// A register holding one write.
    package init(_ write: FieldWrite) {
        writes = [write]
    }

    init(normalising writes: [FieldWrite]) {
        var survivors: [FieldWrite] = []
        for write in writes {
            if survivors.contains(where: { $0.version == write.version || $0.version.dominates(write.version) }) { continue }
            survivors.removeAll { write.version.dominates($0.version) }
            survivors.append(write)
        }
        self.writes = survivors.sorted(by: FieldWrite.deterministicallyBefore)
    }

    /// Both registers' writes, less every dominated one.
    package func merged(with other: FieldRegister) -> FieldRegister {
        FieldRegister(normalising: writes + other.writes)
    }

    /// The version that has seen every write here.
    package var version: VersionVector {
        writes.reduce(VersionVector.empty) { $0.joined(with: $1.version) }
    }

    /// A new write by `node` that supersedes every write this register holds.
    package func writing(_ value: JSONValue, by node: AuthorityName) -> FieldRegister {
        FieldRegister(FieldWrite(value: value, version: version.incremented(by: node), writer: node))
    }

    /// Whether concurrent writes are waiting for the merge rules or a person.
    package var isConflicted: Bool { writes.count > 1 }
}
