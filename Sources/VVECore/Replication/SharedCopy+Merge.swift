// How a held copy takes a newer one from its owner, and what it shows and sends back.

extension SharedCopy {
    /// This copy updated by a newer one from the owner: registers merged, and the owner's
    /// current groups, review date and writable groups taken. Registers of groups the owner no
    /// longer sends are dropped, so a narrowed policy leaves nothing behind that it withholds.
    package func merged(with incoming: SharedCopy) -> SharedCopy {
        let allowed = Self.registerNames(of: replica.kind, groups: incoming.groups)
        let both = replica.merged(with: incoming.replica)
        var registers = both.registers.filter { allowed.contains($0.key) }
        // People are projected by the owner as match keys or names, as its grant says now:
        // its register replaces this copy's, whatever was held before.
        for name in registers.keys where name.hasPrefix("fields.") {
            guard PolicyProjection.dependsOnIdentity(String(name.dropFirst("fields.".count)), of: replica.kind) else { continue }
            registers[name] = incoming.replica.registers[name]
        }
        var kept = ReplicatedRecord(id: both.id, kind: both.kind, owner: both.owner, createdAt: both.createdAt, registers: registers)
        kept.erasure = both.erasure
        return SharedCopy(replica: kept, groups: incoming.groups, reviewDate: incoming.reviewDate, writable: incoming.writable)
    }

    /// Whether a copy of a `kind` record holding `groups` may have the register `name`: the
    /// same answer as `registerNames(of:groups:)`, without building the set for every copy.
    static func holds(_ name: String, kind: RecordKind, groups: Set<String>) -> Bool {
        if name == "status" { return groups.contains("status") }
        guard let group = registerGroups[kind][name] else { return false }
        return group.map(groups.contains) ?? true
    }

    /// The group of each `fields.MEMBER` register of a kind; nil for the person's, which
    /// travels with any group. Asked for every register of every copy received.
    private static let registerGroups = KindTable { kind in
        var groups: [String: String?] = [:]
        for group in kind.fieldGroups {
            for member in group.members { groups["fields." + member] = .some(group.name) }
        }
        if let person = kind.personMember { groups["fields." + person] = .some(nil) }
        return groups
    }

    /// The registers a copy holding `groups` may have.
    static func registerNames(of kind: RecordKind, groups: Set<String>) -> Set<String> {
        var allowed = Set(PolicyProjection.sentMembers(of: kind, groups: groups).map { "fields." + $0 })
        if groups.contains("status") { allowed.insert("status") }
        return allowed
    }

    /// What this copy shows: each register resolved by the merge rules.
    package var values: [String: JSONValue] { replica.resolved().values }

    /// The writes this node made, to send back to the owner: the registers where this node
    /// holds a write of its own.
    package func ownWrites(by node: AuthorityName) -> ReplicatedRecord {
        ReplicatedRecord(
            id: replica.id, kind: replica.kind, owner: replica.owner, createdAt: replica.createdAt,
            registers: replica.registers.filter { $0.value.writes.contains { $0.writer == node } })
    }
}
