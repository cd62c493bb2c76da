/// A field whose concurrent writes could not all be kept: the value shown, and the others,
/// kept for a person to review (`vve conflicts`).
package struct FieldConflict: Sendable, Hashable {
    package var field: String
    package var chosen: FieldWrite
    package var others: [FieldWrite]
}

/// What a reader sees of concurrent writes to one field, favouring the child's safety:
/// - the risk level, and a missing episode's risk grading, take the highest value;
/// - a missing episode's `missing` beats any concurrent status, the owner's included: a
///   write of `returned` or `closed` that had not seen the child reported missing again
///   cannot settle it. A write made after seeing it supersedes it, as any later write does;
/// - otherwise an active (or any open) status beats a concurrent close, unless the owner
///   closed it;
/// - importing areas, deal lines, linked people, disruptions, interview offers, and a
///   person's aliases are unioned;
/// - any other value gets a deterministic winner, and the others are kept as a conflict.
/// Every rule is a function of the set of writes alone, so every node shows the same.
package enum MergeRules {
    /// Fields whose concurrent values are unioned.
    package static let unionFields: Set<String> = [
        "fields.importingAreas", "fields.dealLines", "fields.linkedPeople", "fields.disruptions", "fields.interviewOffers",
    ]
    /// The most elements a unioned field may hold: the validation limits. A union beyond one
    /// keeps the first elements in canonical order and is kept as a conflict for a person
    /// to trim, rather than making a record no node would accept.
    package static let unionLimits: [String: Int] = [
        "fields.importingAreas": 30, "fields.dealLines": 20, "fields.linkedPeople": 100, "fields.disruptions": 100,
        "fields.interviewOffers": MissingEpisode.maximumInterviewOffers,
    ]
    /// Fields holding a person, whose aliases are unioned.
    package static let personFields: Set<String> = ["fields.youngPerson", "fields.person"]

    /// The value shown for `field`, and the conflict to keep if the rules had to drop a write.
    package static func resolve(_ field: String, _ register: FieldRegister, owner: AuthorityName) -> (JSONValue, FieldConflict?) {
        let writes = register.writes
        guard writes.count > 1 else { return (writes[0].value, nil) }
        if Set(writes.map(\.value)).count == 1 { return (writes[0].value, nil) }
        switch field {
        case "fields.riskLevel":
            let highest = writes.max {
                RiskLevel(rawValue: $0.value.stringValue ?? "") ?? .low < RiskLevel(rawValue: $1.value.stringValue ?? "") ?? .low
            }!
            return (highest.value, nil)
        case "fields.riskGrading":
            func grading(_ write: FieldWrite) -> MissingRiskGrading {
                MissingRiskGrading(rawValue: write.value.stringValue ?? "") ?? .noApparentRisk
            }
            return (writes.max { grading($0) < grading($1) }!.value, nil)
        case "status":
            let missing = writes.filter { $0.value == .string(RecordStatus.missing.rawValue) }
            if !missing.isEmpty { return (missing[0].value, nil) }
            if let ownerClose = writes.last(where: { $0.writer == owner && $0.value == .string(RecordStatus.closed.rawValue) }) {
                return (ownerClose.value, nil)
            }
            let open = writes.filter { $0.value != .string(RecordStatus.closed.rawValue) }
            return winner(field, open.isEmpty ? writes : open, all: writes)
        case _ where unionFields.contains(field):
            var seen = Set<[UInt8]>()
            var elements: [(bytes: [UInt8], value: JSONValue)] = []
            for write in writes {
                for element in write.value.arrayValue ?? [] where seen.insert(JSONWriter.canonicalBytes(element)).inserted {
                    elements.append((JSONWriter.canonicalBytes(element), element))
                }
            }
            let union = elements.sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }.map(\.value)
            guard let limit = unionLimits[field], union.count > limit else { return (.array(union), nil) }
            let chosen = writes.max(by: FieldWrite.deterministicallyBefore)!
            return (.array(Array(union.prefix(limit))), FieldConflict(field: field, chosen: chosen, others: writes.filter { $0 != chosen }))
        case _ where personFields.contains(field):
            let (chosen, conflict) = winner(field, writes, all: writes)
            guard var person = chosen.objectValue else { return (chosen, conflict) }
            let aliases = Set(writes.flatMap { $0.value["aliases"]?.arrayValue ?? [] }.compactMap(\.stringValue)).sorted()
            person["aliases"] = aliases.isEmpty ? Optional<JSONValue>.none : .array(aliases.prefix(Person.maximumAliases).map { .string($0) })
            if aliases.count > Person.maximumAliases, conflict == nil {
                let chosenWrite = writes.max(by: FieldWrite.deterministicallyBefore)!
                return (.object(person), FieldConflict(field: field, chosen: chosenWrite, others: writes.filter { $0 != chosenWrite }))
            }
            return (.object(person), conflict)
        default:
            return winner(field, writes, all: writes)
        }
    }

    private static func winner(_ field: String, _ candidates: [FieldWrite], all: [FieldWrite]) -> (JSONValue, FieldConflict?) {
        let chosen = candidates.max(by: FieldWrite.deterministicallyBefore)!
        let others = all.filter { $0 != chosen && $0.value != chosen.value }
        return (chosen.value, others.isEmpty ? nil : FieldConflict(field: field, chosen: chosen, others: others))
    }
}
