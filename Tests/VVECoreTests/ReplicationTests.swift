import Testing
import VVECore

/// The replicated record's merge: the laws that make replicas converge, the safety-first
/// rules, and a seeded simulation of a partitioned, lossy network.
@Suite struct ReplicationTests {
    static let nodes = ["camden", "haringey", "enfield", "hackney", "met-police"].map { AuthorityName($0)! }
    /// County lines link fields: a ranked one, the status, scalars, and a set.
    static let fields = ["fields.riskLevel", "status", "fields.lineName", "fields.importingAreas", "fields.firstSeen", "reviewDate"]
    let id = RecordID("01a214cd-e069-76a5-a31a-458bc69b14b5")!
    let created = Timestamp(millisecondsSinceEpoch: 1_764_000_000_000)

    func blank() -> ReplicatedRecord {
        ReplicatedRecord(id: id, kind: .countyLinesLink, owner: Self.nodes[0], createdAt: created)
    }

    static func randomValue(for field: String, _ random: inout SeededGenerator) -> JSONValue {
        switch field {
        case "fields.riskLevel": .string(RiskLevel.allCases.randomElement(using: &random)!.rawValue)
        case "status": .string(["active", "disrupted", "closed"].randomElement(using: &random)!)
        case "fields.importingAreas":
            .array(
                Array(["norfolk", "kent", "essex", "suffolk"].shuffled(using: &random).prefix(Int.random(in: 1...3, using: &random))).map {
                    .string($0)
                })
        case "fields.youngPerson": ["surname": "Okonjo", "aliases": .array([.string(["Tee", "T", "Tia O"].randomElement(using: &random)!)])]
        default: .string("2026-0\(Int.random(in: 1...9, using: &random))-1\(Int.random(in: 0...9, using: &random))")
        }
    }

    /// A replica after a random history of local writes and merges among `count` replicas.
    func randomReplicas(seed: UInt64, count: Int, steps: Int) -> [ReplicatedRecord] {
        var random = SeededGenerator(seed: seed)
        var replicas = Array(repeating: blank(), count: count)
        for _ in 0..<steps {
            let at = Int.random(in: 0..<count, using: &random)
            if Bool.random(using: &random) {
                let field = Self.fields.randomElement(using: &random)!
                replicas[at].write(field, Self.randomValue(for: field, &random), by: Self.nodes[at % Self.nodes.count])
            } else {
                replicas[at] = replicas[at].merged(with: replicas[Int.random(in: 0..<count, using: &random)])
            }
        }
        return replicas
    }

    @Test(arguments: 0..<40 as Range<UInt64>)
    func mergeIsCommutativeAssociativeAndIdempotent(seed: UInt64) {
        let replicas = randomReplicas(seed: seed, count: 3, steps: 30)
        let (a, b, c) = (replicas[0], replicas[1], replicas[2])
        #expect(a.merged(with: b) == b.merged(with: a), "seed \(seed)")
        #expect(a.merged(with: b).merged(with: c) == a.merged(with: b.merged(with: c)), "seed \(seed)")
        #expect(a.merged(with: a) == a, "seed \(seed)")
        #expect(a.merged(with: b).merged(with: b) == a.merged(with: b), "seed \(seed)")
    }

    @Test func concurrentRiskEditsTakeTheHigherLevel() {
        var camden = blank()
        camden.write("fields.riskLevel", "medium", by: Self.nodes[0])
        var haringey = camden
        camden.write("fields.riskLevel", "high", by: Self.nodes[0])
        haringey.write("fields.riskLevel", "low", by: Self.nodes[1])
        let merged = camden.merged(with: haringey)
        #expect(merged.registers["fields.riskLevel"]?.isConflicted == true)
        #expect(merged.resolved().values["fields.riskLevel"] == "high")
        #expect(merged.resolved().conflicts.isEmpty)
    }

    @Test func anOpenStatusBeatsAConcurrentCloseUnlessTheOwnerClosed() {
        var base = blank()
        base.write("status", "active", by: Self.nodes[0])
        var owner = base
        var receiving = base
        var police = base
        owner.write("status", "closed", by: Self.nodes[0])
        receiving.write("status", "disrupted", by: Self.nodes[1])
        police.write("status", "closed", by: Self.nodes[4])
        #expect(receiving.merged(with: police).resolved().values["status"] == "disrupted")
        #expect(owner.merged(with: receiving).resolved().values["status"] == "closed")
        #expect(owner.merged(with: receiving).merged(with: police).resolved().values["status"] == "closed")
    }

    @Test func setsAreUnionedAndOtherFieldsGetOneWinnerAndAConflict() {
        var base = blank()
        base.write("fields.importingAreas", ["norfolk"], by: Self.nodes[0])
        base.write("fields.youngPerson", ["surname": "Okonjo", "aliases": ["Tee"]], by: Self.nodes[0])
        var a = base
        var b = base
        a.write("fields.importingAreas", ["norfolk", "kent"], by: Self.nodes[0])
        b.write("fields.importingAreas", ["essex", "norfolk"], by: Self.nodes[1])
        a.write("fields.moveDate", "2026-05-01", by: Self.nodes[0])
        b.write("fields.moveDate", "2026-05-02", by: Self.nodes[1])
        a.write("fields.youngPerson", ["surname": "Okonjo", "aliases": ["T"]], by: Self.nodes[0])
        b.write("fields.youngPerson", ["surname": "Okonjo-Bell", "aliases": ["Tee"]], by: Self.nodes[1])
        let (values, conflicts) = a.merged(with: b).resolved()
        #expect(values["fields.importingAreas"] == ["essex", "kent", "norfolk"])
        #expect(values["fields.youngPerson"]?["aliases"] == ["T", "Tee"])
        #expect(b.merged(with: a).resolved().values == values)
        #expect(conflicts.map(\.field) == ["fields.moveDate", "fields.youngPerson"])
        let moveDate = conflicts[0]
        #expect(values["fields.moveDate"] == moveDate.chosen.value)
        #expect(moveDate.others.map(\.value) == [moveDate.chosen.value == "2026-05-01" ? "2026-05-02" : "2026-05-01"])
        // A person resolving the conflict writes a version that dominates both sides.
        var resolved = a.merged(with: b)
        resolved.write("fields.moveDate", "2026-05-02", by: Self.nodes[0])
        #expect(resolved.registers["fields.moveDate"]?.isConflicted == false)
        #expect(resolved.merged(with: b).merged(with: a).resolved().values["fields.moveDate"] == "2026-05-02")
    }

    @Test func aUnionOverTheFieldsLimitIsTrimmedAndKeptForReview() {
        var a = blank()
        var b = blank()
        let lines: (Int) -> JSONValue = { start in .array((start..<start + 12).map { .string("07700 900\(100 + $0)") }) }
        a.write("fields.dealLines", lines(0), by: Self.nodes[0])
        b.write("fields.dealLines", lines(50), by: Self.nodes[1])
        let (values, conflicts) = a.merged(with: b).resolved()
        // 24 concurrent lines would break the limit of 20 on every node: 20 are shown, all
        // 24 stay in the register, and a person is asked to choose.
        #expect(values["fields.dealLines"]?.arrayValue?.count == 20)
        #expect(conflicts.map(\.field) == ["fields.dealLines"])
        #expect(a.merged(with: b).registers["fields.dealLines"]?.writes.count == 2)
        #expect(b.merged(with: a).resolved().values == values)
    }

    @Test func erasureIsFinalAndBeatsLaterEdits() {
        var a = blank()
        a.write("fields.riskLevel", "high", by: Self.nodes[0])
        var b = a
        a.erase(at: created, by: Self.nodes[0])
        b.write("fields.riskLevel", "very-high", by: Self.nodes[1])
        let merged = b.merged(with: a)
        #expect(merged.erasure != nil)
        #expect(merged.registers.isEmpty)
        #expect(merged == a.merged(with: b))
        var late = merged
        late.write("fields.riskLevel", "low", by: Self.nodes[1])
        #expect(late == merged)
    }

    /// Five nodes edit one record while the network partitions, drops, duplicates and
    /// reorders what they send, and one node crashes and replays a batch it had applied.
    /// When the network heals every node holds the same record, and no write is lost unless
    /// a write that had seen it replaced it.
    @Test(arguments: 0..<60 as Range<UInt64>)
    func aLossyPartitionedNetworkConverges(seed: UInt64) {
        var random = SeededGenerator(seed: seed ^ 0xC0FFEE)
        let count = 5
        var replicas = Array(repeating: blank(), count: count)
        var inFlight: [(to: Int, state: ReplicatedRecord)] = []
        var written: [(field: String, write: FieldWrite)] = []
        var partitioned = Set<Int>()
        for step in 0..<200 {
            if step % 40 == 0 { partitioned = Set((0..<count).filter { _ in Int.random(in: 0..<3, using: &random) == 0 }) }
            let at = Int.random(in: 0..<count, using: &random)
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<4:
                let field = Self.fields.randomElement(using: &random)!
                replicas[at].write(field, Self.randomValue(for: field, &random), by: Self.nodes[at])
                if let register = replicas[at].registers[field], replicas[at].erasure == nil { written.append((field, register.writes[0])) }
            case 4..<8:
                let to = Int.random(in: 0..<count, using: &random)
                guard partitioned.contains(at) == partitioned.contains(to) else { continue }
                inFlight.append((to, replicas[at]))
                if Int.random(in: 0..<5, using: &random) == 0 { inFlight.append((to, replicas[at])) }  // duplicated
            default:
                guard !inFlight.isEmpty else { continue }
                let message = inFlight.remove(at: Int.random(in: 0..<inFlight.count, using: &random))  // reordered
                if Int.random(in: 0..<6, using: &random) == 0 { continue }  // dropped
                let before = replicas[message.to]
                replicas[message.to] = before.merged(with: message.state)
                if Int.random(in: 0..<10, using: &random) == 0 {
                    // Crash after applying, before the cursor moved: the batch comes again.
                    replicas[message.to] = replicas[message.to].merged(with: message.state)
                }
            }
            if step == 150, Int.random(in: 0..<2, using: &random) == 0 {
                replicas[at].erase(at: created, by: Self.nodes[at])
            }
        }
        // Heal: everyone exchanges with everyone until nothing changes.
        for _ in 0..<2 {
            for from in 0..<count {
                for to in 0..<count { replicas[to] = replicas[to].merged(with: replicas[from]) }
            }
        }
        for replica in replicas.dropFirst() {
            #expect(replica == replicas[0], "seed \(seed): replicas differ after healing")
        }
        let (values, _) = replicas[0].resolved()
        #expect(replicas.allSatisfy { $0.resolved().values == values }, "seed \(seed)")
        guard replicas[0].erasure == nil else { return }
        // No write lost: each is still held, or a write that had seen it superseded it.
        #expect(written.count > 20)
        for (field, write) in written {
            let survivors = replicas[0].registers[field]?.writes ?? []
            let kept = survivors.contains(write) || survivors.contains { $0.version.dominates(write.version) }
            #expect(kept, "seed \(seed): a write of \(field) by \(write.writer) was lost")
        }
    }
}

@Suite struct ReplicatedRecordCodingTests {
    @Test(arguments: 0..<10 as Range<UInt64>)
    func recordsRoundTripThroughJSON(seed: UInt64) throws {
        let replicas = ReplicationTests().randomReplicas(seed: seed, count: 3, steps: 40)
        for replica in replicas {
            let bytes = JSONWriter.canonicalBytes(replica.jsonValue)
            let read = try ReplicatedRecord.read(from: try JSONParser.parse(bytes))
            #expect(read == replica, "seed \(seed)")
        }
        var erased = replicas[0]
        erased.erase(at: Timestamp(millisecondsSinceEpoch: 1_764_000_000_000), by: AuthorityName("camden")!)
        #expect(try ReplicatedRecord.read(from: try JSONParser.parse(JSONWriter.canonicalBytes(erased.jsonValue))) == erased)
    }

    func problems(_ text: String) -> [String] {
        do {
            _ = try ReplicatedRecord.read(from: try JSONParser.parse(Array(text.utf8)))
            return []
        } catch let error as ValidationError {
            return error.issues.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }

    @Test func malformedReplicasAreRefusedWithTheirPaths() {
        let head = #""id": "01a214cd-e069-76a5-a31a-458bc69b14b5", "kind": "relocation", "owner": "camden", "createdAt": "2026-01-01T00:00:00.000Z""#
        #expect(
            problems("{\(head), \"registers\": {\"fields.lineName\": [{\"value\": \"x\", \"version\": {\"camden\": 1}, \"writer\": \"camden\"}]}}")
                == [
                    "registers.fields.lineName: is not a field of relocation"
                ])
        #expect(problems("{\(head), \"registers\": {\"status\": []}}") == ["registers.status: [] must be a non-empty array of writes"])
        #expect(
            problems("{\(head), \"registers\": {\"status\": [{\"value\": \"active\", \"version\": {}, \"writer\": \"camden\"}]}}") == [
                "registers.status[0].version: {} is empty; every write has a version"
            ])
        #expect(problems("{\(head), \"registers\": {\"status\": [{\"version\": {\"camden\": 1}, \"writer\": \"Camden Council\"}]}}").count == 2)
        let many = (1...65).map { "{\"value\": \"active\", \"version\": {\"n\($0)\": 1}, \"writer\": \"camden\"}" }.joined(separator: ",")
        #expect(
            problems("{\(head), \"registers\": {\"status\": [\(many)]}}") == [
                "registers.status: has 65 concurrent writes; at most 64 are accepted"
            ])
    }
}
