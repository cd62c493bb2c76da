import Foundation
import VVECore
import VVEStore
import VVESync

// What a run checks at its end: every copy converged, no acknowledged write lost.
extension Simulation {
    // MARK: - Checks

    func checkConvergence() throws {
        // Every pull ended on the source's last change.
        for puller in nodes {
            for source in nodes where source != puller {
                let cursor = try stores[puller].cursor(for: names[source])
                let last = try lastSequence(stores[source])
                if cursor != last { problem("\(names[puller])'s cursor for \(names[source]) is \(cursor), its log ends at \(last)") }
            }
        }
        var finalReplicas: [Int: ReplicatedRecord] = [:]
        for (index, record) in records.enumerated() {
            guard case .own(let owned, let stored)? = try stores[record.owner].syncSources([record.id])[record.id] else {
                problem("R\(index): its owner \(names[record.owner]) no longer has it")
                continue
            }
            let replica = stored.replica(of: owned)
            finalReplicas[index] = replica
            // What sync projects from the stored document is what the typed record says.
            let typed = try stores[record.owner].reading { db in try stores[record.owner].fetchRecord(records[index].id, db) }
            if typed.map(ProjectionSource.init) != owned {
                problem("R\(index): its stored document reads for sync unlike its typed record")
            }
            if owned.isErased != record.erased {
                problem("R\(index): erased is \(owned.isErased) at its owner, the test erased it: \(record.erased)")
            }
            if owned.version != replica.version {
                problem("R\(index): the owner's record is at \(owned.version), its registers at \(replica.version)")
            }
            if !owned.isErased, owned.registerValues != replica.resolved().values {
                problem("R\(index): the owner's record does not show what its registers resolve to")
                let a = owned.registerValues, b = replica.resolved().values
                for key in Set(a.keys).union(b.keys).sorted() where a[key] != b[key] {
                    note(
                        "  \(key): record \(a[key].map(JSONWriter.canonical) ?? "-") registers \(b[key].map(JSONWriter.canonical) ?? "-") writes \(replica.registers[key]?.writes.map { "\($0.writer)@\($0.version)=\(JSONWriter.canonical($0.value))" } ?? [])"
                    )
                }
            }
            for holder in nodes where holder != record.owner {
                try checkCopy(index, owned, replica, at: holder)
            }
        }
        for write in writes {
            let record = records[write.record]
            guard !record.erased, let replica = finalReplicas[write.record] else { continue }
            counts.checkedWrites += 1
            let kept = replica.registers[write.field]?.writes.contains { $0.version == write.version || $0.version.dominates(write.version) } ?? false
            if kept { continue }
            if write.orphaned {
                counts.orphanedWrites += 1
                note("R\(write.record): \(names[write.writer])'s write of \(write.field) at \(write.version) died with its erased copy")
                continue
            }
            let held = replica.registers[write.field]?.writes.map(\.version.description) ?? []
            problem("R\(write.record): \(names[write.writer])'s write of \(write.field) at \(write.version) is lost: the owner holds \(held)")
        }
        for store in stores {
            if case .broken(let broken) = try store.verifyAudit() { problem("\(store.node)'s audit chain is broken: \(broken)") }
            counts.conflictsAtEnd += try store.conflicts(context: context()).count
        }
    }

    /// The holder's copy is byte for byte what the owner's feed would send it now, or it
    /// holds none when the owner would send none.
    func checkCopy(_ index: Int, _ owned: ProjectionSource, _ replica: ReplicatedRecord, at holder: Int) throws {
        let record = records[index]
        let projection = PolicyProjection.project(
            owned, stored: .registers(replica), to: names[holder], role: .borough, policy: policies[record.owner][holder], encoder: Self.encoder,
            today: Self.today)
        let held: SharedCopy?
        if case .copy(let copy, _)? = try stores[holder].syncSources([record.id])[record.id] { held = copy } else { held = nil }
        switch (projection.document, held) {
        case (nil, nil):
            return
        case (nil, _?):
            problem("R\(index): \(names[holder]) still holds a copy its owner would not send (\(owned.isErased ? "erased" : "withdrawn"))")
        case (_?, nil):
            problem("R\(index): \(names[holder]) holds no copy, and its owner would send one")
        case (let document?, let copy?):
            let expected: SharedCopy
            do {
                expected = try SharedCopy.read(from: document)
            } catch {
                problem("R\(index): the owner's projection for \(names[holder]) does not read as a copy: \(error)")
                return
            }
            let heldBytes = JSONWriter.canonical(copy.jsonValue)
            let sentBytes = JSONWriter.canonical(expected.jsonValue)
            if heldBytes != sentBytes {
                let names = Set(copy.replica.registers.keys).union(expected.replica.registers.keys).sorted()
                let differing = names.filter { copy.replica.registers[$0] != expected.replica.registers[$0] }
                let place = differing.isEmpty ? "its envelope" : differing.joined(separator: ", ")
                problem("R\(index): \(names[holder])'s copy differs from what its owner sends, in \(place)")
                note("  held \(heldBytes)\n  sent \(sentBytes)")
            }
            // What the holder shows agrees with the fields the owner shows it (the record-level
            // projection: a projection with registers leaves the fields to be derived).
            let recordLevel = PolicyProjection.project(
                owned, stored: nil, to: names[holder], role: .borough, policy: policies[record.owner][holder], encoder: Self.encoder,
                today: Self.today)
            var shown: [String: JSONValue] = [:]
            for (member, value) in recordLevel.document?["fields"]?.objectValue ?? JSONObject() { shown["fields." + member] = value }
            let values = copy.values.filter { $0.key.hasPrefix("fields.") }
            for field in Set(shown.keys).union(values.keys).sorted() where shown[field] != values[field] {
                problem("R\(index): \(names[holder]) shows \(field) unlike its owner")
            }
        }
    }
}
