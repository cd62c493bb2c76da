/// A record as replicas hold it: a register per field, so concurrent edits to different
/// fields both survive and a partial holder's write never touches fields it never saw.
///
/// Registers are named `status`, `reviewDate` and `fields.NAME`. An erasure is final: once
/// any replica has it, the merge keeps it and every register is dropped.
public struct ReplicatedRecord: Sendable, Hashable {
    public let id: RecordID
    public let kind: RecordKind
    public let owner: AuthorityName
    public let createdAt: Timestamp
    /// The registers, by name.
    public private(set) var registers: [String: FieldRegister]
    /// When and by whom the record was erased; nil while it lives.
    public internal(set) var erasure: FieldWrite?

    /// The most registers one record may keep in conflict for review before the oldest
    /// conflicts are resolved by the rules alone.
    public static let conflictCap = 16

    public init(id: RecordID, kind: RecordKind, owner: AuthorityName, createdAt: Timestamp, registers: [String: FieldRegister] = [:]) {
        self.id = id
        self.kind = kind
        self.owner = owner
        self.createdAt = createdAt
        self.registers = registers
    }

    /// The version that has seen every write to the record.
    public var version: VersionVector {
        registers.values.reduce(erasure?.version ?? .empty) { $0.joined(with: $1.version) }
    }

    /// Writes `value` to a field at `node`, superseding every write of it seen so far.
    /// A write to an erased record is ignored: erasure is final.
    public mutating func write(_ field: String, _ value: JSONValue, by node: AuthorityName) {
        guard erasure == nil else { return }
        if let register = registers[field] {
            registers[field] = register.writing(value, by: node)
        } else {
            registers[field] = FieldRegister(FieldWrite(value: value, version: VersionVector.empty.incremented(by: node), writer: node))
        }
    }

    /// Erases the record at `node`.
    public mutating func erase(at time: Timestamp, by node: AuthorityName) {
        guard erasure == nil else { return }
        erasure = FieldWrite(value: .string(time.description), version: version.incremented(by: node), writer: node)
        registers = [:]
    }

    /// Both replicas' knowledge of the record: registers merged field by field.
    public func merged(with other: ReplicatedRecord) -> ReplicatedRecord {
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

    /// What a reader sees: each field resolved by the merge rules, JSON null (removed)
    /// fields left out; and the conflicts kept for review.
    public func resolved() -> (values: [String: JSONValue], conflicts: [FieldConflict]) {
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
