/// The people a record holds, as lookups match them: match keys for each name each person is
/// known by.
package enum LookupPeople {
    /// Every name of every person in an owned record, as the match index holds it.
    package static func names(of fields: RecordFields, encoder: MatchKeyEncoder) -> [IndexedName] {
        people(of: fields).flatMap { $0.indexedNames(encoder) }
    }

    /// The people of a record: the young person, the perpetrator, or each linked person.
    package static func people(of fields: RecordFields) -> [Person] {
        switch fields {
        case .relocation(let relocation): [relocation.youngPerson]
        case .sharedPerpetrator(let perpetrator): [perpetrator.person]
        case .missingEpisode(let episode): [episode.person]
        case .countyLinesLink(let link): link.linkedPeople.map(\.person)
        }
    }

    /// Names of every person in a shared copy's values (`fields.MEMBER` to value): both keys
    /// of each name when the owner granted `identity`, else the exact key it sent. A person
    /// that cannot be read gives nothing: a lookup must never match on a guess.
    package static func names(ofCopy values: [String: JSONValue], kind: RecordKind, encoder: MatchKeyEncoder) -> [IndexedName] {
        var found: [IndexedName] = []
        func add(_ value: JSONValue) {
            var issues = IssueCollector()
            if value["matchKeys"] != nil {
                if let name = SharedPersonKey.read(from: value, at: .root, issues: &issues).flatMap(IndexedName.init) { found.append(name) }
            } else if let person = Person.read(from: value, at: .root, issues: &issues) {
                found.append(contentsOf: person.indexedNames(encoder))
            }
        }
        if let member = kind.personMember, let value = values["fields." + member], value != .null { add(value) }
        if kind == .countyLinesLink, let linked = values["fields.linkedPeople"]?.arrayValue {
            for entry in linked { if let person = entry["person"], person != .null { add(person) } }
        }
        return found
    }

    /// Whether the policy shares a record's risk level and status with the peer: a lookup
    /// answer shows them only as a shared record would, so only when the peer is in the
    /// record's audience (`fields` decide who that is) and the grant holds their groups.
    package static func disclosure(
        of kind: RecordKind, fields: RecordFields, to peer: AuthorityName, role: PeerRole, under policy: SharingPolicy
    ) -> (riskLevel: Bool, status: Bool) {
        guard let grant = policy.share[kind], grant.audience.contains(where: { $0.admits(peer, role: role, record: fields) }) else {
            return (false, false)
        }
        let riskGroup = kind.fieldGroups.first { $0.members.contains(kind.riskMember) }?.name
        return (riskGroup.map(grant.groups.contains) ?? false, grant.groups.contains("status"))
    }
}
