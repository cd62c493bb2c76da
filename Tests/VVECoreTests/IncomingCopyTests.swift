import Testing

@testable import VVECore

extension SharedCopyEditTests {
    /// `IncomingCopy.receive` stores an implicit copy without building its registers; it must
    /// decide every document as `SharedCopy.receive` does. Compared over projections of every
    /// kind, implicit and in register form, and over every member of each broken in turn.
    @Test func anIncomingCopyIsRefusedAndStoredExactlyAsSharedCopyReceiveDecides() throws {
        var generator = SyntheticRecords(seed: 23, owner: camden, today: today)
        var random = SeededGenerator(seed: 23)
        var documents: [JSONValue] = []
        for kind in RecordKind.allCases {
            let groups = kind.fieldGroups.map(\.name)
            for index in 0..<(groups.count + 3) {
                let record = CaseRecord(
                    draft: generator.nextDraft(kind: kind), id: RecordID.make(at: time, owner: camden, using: &random), node: camden, at: time)
                // Every group alone, then all of them, then all but identity (match keys).
                let held: Set<String> =
                    index < groups.count ? [groups[index]] : index == groups.count ? Set(groups) : Set(groups).subtracting(["identity"])
                let policy = SharingPolicy(
                    share: [kind: KindGrant(audience: [.all], groups: held)], reviewDays: 30, accept: [kind: held.subtracting(["identity"])],
                    lookups: false, aggregates: false)
                let document = try #require(
                    PolicyProjection.project(
                        record, replica: ReplicatedRecord(implicit: record), to: haringey, role: .borough, policy: policy, encoder: encoder,
                        today: today
                    ).document)
                documents.append(document)
                // In register form too, with a concurrent write by the holder.
                let copy = try SharedCopy.read(from: document)
                documents.append(
                    copy.withRegisters { registers in
                        for (name, register) in registers {
                            registers[name] = FieldRegister(
                                normalising: register.writes + [
                                    FieldWrite(value: register.writes[0].value, version: VersionVector(counters: [haringey: 1]), writer: haringey)
                                ])
                        }
                    }.jsonValue)
            }
        }
        let brokenValues: [JSONValue] = [.null, "catastrophic", 7, [], [:], true]
        var decided: [JSONValue] = []
        for document in documents {
            let members = try #require(document.objectValue)
            decided.append(document)
            for (member, _) in members {
                var without = members
                without[member] = nil
                decided.append(.object(without))
                for broken in brokenValues {
                    var changed = members
                    changed[member] = broken
                    decided.append(.object(changed))
                }
            }
            var extra = members
            extra["eyeColour"] = "brown"
            decided.append(.object(extra))
            for group in ["placement", "identity", "nonsense"] {
                var groups = members
                groups["groups"] = .array((members["groups"]?.arrayValue ?? []) + [.string(group)])
                decided.append(.object(groups))
                var writable = members
                writable["writable"] = .array((members["writable"]?.arrayValue ?? []) + [.string(group)])
                decided.append(.object(writable))
            }
            guard let fields = members["fields"]?.objectValue else { continue }
            for (member, _) in fields {
                for broken in brokenValues {
                    var changed = fields
                    changed[member] = broken
                    var document = members
                    document["fields"] = .object(changed)
                    decided.append(.object(document))
                }
            }
            for member in ["eyeColour", "riskLevel", "youngPerson", "linkedPeople", "receivingSpoc"] where fields[member] == nil {
                var added = fields
                added[member] = "medium"
                var document = members
                document["fields"] = .object(added)
                decided.append(.object(document))
            }
        }

        var accepted = (implicit: 0, registers: 0)
        var refused = 0
        for document in decided {
            let incoming = Result { () throws(ValidationError) -> IncomingCopy in try IncomingCopy.receive(document) }
            let expected = Result { () throws(ValidationError) -> SharedCopy in try SharedCopy.receive(document) }
            switch (incoming, expected) {
            case (.success(let incoming), .success(let copy)):
                #expect(incoming.sharedCopy == copy)
                #expect(incoming.storedBytes == copy.storedBytes)
                #expect(incoming.isConflicted == copy.replica.registers.values.contains(where: \.isConflicted))
                #expect(incoming.id == copy.id && incoming.owner == copy.owner && incoming.kind == copy.replica.kind)
                #expect(incoming.groups == copy.groups && incoming.reviewDate == copy.reviewDate)
                if copy.jsonValue["implicit"] == true { accepted.implicit += 1 } else { accepted.registers += 1 }
            case (.failure(let incoming), .failure(let copy)):
                #expect(incoming.issues == copy.issues)
                refused += 1
            default:
                Issue.record("IncomingCopy and SharedCopy disagree on \(JSONWriter.canonical(document))")
            }
        }
        // Every way through was taken, many times.
        #expect(accepted.implicit > 100 && accepted.registers > 100 && refused > 1000, "\(accepted), \(refused) refused")
    }
}
