/// A record as replicas hold it: a register per field, so concurrent edits to different
/// fields both survive and a partial holder's write never touches fields it never saw.
///
/// Registers are named `status`, `reviewDate` and `fields.NAME`. An erasure is final: once
/// any replica has it, the merge keeps it and every register is dropped.
package struct ReplicatedRecord: Sendable, Hashable {
    package let id: RecordID
    package let kind: RecordKind
    package let owner: AuthorityName
    package let createdAt: Timestamp
    /// The registers, by name.
    package private(set) var registers: [String: FieldRegister]
    /// When and by whom the record was erased; nil while it lives.
    package internal(set) var erasure: FieldWrite?

    /// The most registers one record may keep in conflict for review before the oldest
    /// conflicts are resolved by the rules alone.
    package static let conflictCap = 16

    package init(id: RecordID, kind: RecordKind, owner: AuthorityName, createdAt: Timestamp, registers: [String: FieldRegister] = [:]) {
        self.id = id
        self.kind = kind
        self.owner = owner
        self.createdAt = createdAt
        self.registers = registers
    }

    /// The version that has seen every write to the record.
    package var version: VersionVector {
        registers.values.reduce(erasure?.version ?? .empty) { $0.joined(with: $1.version) }
    }

    /// Writes `value` to a field at `node`, superseding every write of it seen so far.
    /// A write to an erased record is ignored: erasure is final.
    package mutating func write(_ field: String, _ value: JSONValue, by node: AuthorityName) {
        apply([(field, value)], by: node)
    }

    /// One edit at `node`: every changed field written at the record's version incremented by
    /// `node`, so the record's version moves by one per edit, as `CaseRecord.updated` does,
    /// and each new write dominates every write of its field this replica has seen.
    package mutating func apply(_ changes: [(field: String, value: JSONValue)], by node: AuthorityName) {
        guard erasure == nil, !changes.isEmpty else { return }
        let next = version.incremented(by: node)
        for (field, value) in changes {
            registers[field] = FieldRegister(FieldWrite(value: value, version: next, writer: node))
        }
    }

    /// Erases the record at `node`.
    package mutating func erase(at time: Timestamp, by node: AuthorityName) {
        guard erasure == nil else { return }
        erasure = FieldWrite(value: .string(time.description), version: version.incremented(by: node), writer: node)
        registers = [:]
    }

    /// Both replicas' knowledge of the record: registers merged field by field.
    package func merged(with other: ReplicatedRecord) -> ReplicatedRecord {
        precondition(id == other.id, "only replicas of one record merge")
        var result = self
        switch (erasure, other.erasure) {
        case (let mine?, let theirs?):
            // Two erasures: keep one, chosen the same way everywhere.
            result.erasure = FieldWrite.deterministicallyBefore(mine, theirs) ? theirs : mine
            result.registers = [:]
            return result
        case (_?, nil):
            return result
        case (nil, let theirs?):
            result.erasure = theirs
            result.registers = [:]
            return result
        case (nil, nil):
            for (field, register) in other.registers {
                result.registers[field] = result.registers[field].map { $0.merged(with: register) } ?? register
            }
            return result
        }
    }

    /// The register values a record holds: `status`, `reviewDate` and each `fields.MEMBER`.
    package static func registerValues(of record: CaseRecord) -> [String: JSONValue] {
        ProjectionSource(record).registerValues
    }

    /// The replica state of a record no peer and no later edit has touched: every register
    /// written by the owner at the record's version. The store keeps no registers for such a
    /// record, so a bulk import pays nothing for replication.
    package init(implicit record: CaseRecord) {
        self.init(implicit: ProjectionSource(record))
    }

    /// `init(implicit:)` of a record as the store reads it for sync.
    package init(implicit record: ProjectionSource) {
        self.init(id: record.id, kind: record.kind, owner: record.owner, createdAt: record.createdAt)
        if let time = record.erasedAt {
            erasure = FieldWrite(value: time.jsonValue, version: record.version, writer: record.owner)
            return
        }
        for (field, value) in record.registerValues {
            registers[field] = FieldRegister(FieldWrite(value: value, version: record.version, writer: record.owner))
        }
    }

    /// The changes from one local state of a record to the next, as register writes; a
    /// member that disappeared is written as JSON null.
    package static func changes(from current: CaseRecord, to updated: CaseRecord) -> [(field: String, value: JSONValue)] {
        let before = registerValues(of: current)
        let after = registerValues(of: updated)
        return Set(before.keys).union(after.keys).sorted().compactMap { field in
            let value = after[field] ?? .null
            return before[field] == value ? nil : (field, value)
        }
    }

    /// What a reader sees: each field resolved by the merge rules, JSON null (removed)
    /// fields left out; and the conflicts kept for review.
    package func resolved() -> (values: [String: JSONValue], conflicts: [FieldConflict]) {
        var values: [String: JSONValue] = [:]
        var conflicts: [FieldConflict] = []
        for field in registers.keys.sorted() {
            let (value, conflict) = MergeRules.resolve(field, registers[field]!, owner: owner)
            if value != .null { values[field] = value }
            if let conflict, conflicts.count < Self.conflictCap { conflicts.append(conflict) }
        }
        return (values, conflicts)
    }
}

/// A record's replica state as the store keeps it.
package enum StoredReplica: Sendable, Hashable {
    /// No registers kept: every register written by the owner at the record's version, as
    /// `ReplicatedRecord(implicit:)` spells out. Most records, after an import.
    case implicit
    /// The registers kept once a record was edited, written to by a peer, or erased.
    case registers(ReplicatedRecord)

    /// The replica this stands for, of `record`.
    package func replica(of record: ProjectionSource) -> ReplicatedRecord {
        switch self {
        case .implicit: ReplicatedRecord(implicit: record)
        case .registers(let replica): replica
        }
    }
}
