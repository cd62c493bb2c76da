import Foundation
import VVECore
import VVEStore
import VVESync

// The values, policies and helpers a run draws from its seed.
extension Simulation {
    // MARK: - Values

    static let dealLines = (0..<8).map { PhoneNumber("07700 900\(100 + $0)")! }
    static let lineNames = ["Bando line", "Sparks line", "Tiger line", "Zed line", "Kash line"]
    static let contactNames = ["Ama Boateng", "Tom Reilly", "Priya Shah", "Ola Nowak", "Sam Carter", "Lee Wong"]

    /// The fields a holder may write, by the group the owner must accept for it.
    static func holderFields(_ kind: RecordKind) -> [(field: String, group: String)] {
        switch kind {
        case .relocation:
            [
                ("fields.receivingSpoc", "follow-up"), ("fields.acknowledgement", "follow-up"), ("fields.allocatedWorker", "follow-up"),
                ("fields.followUps", "follow-up"), ("status", "status"),
            ]
        case .countyLinesLink:
            [("fields.riskLevel", "activity"), ("fields.nrmReferral", "activity"), ("fields.dealLines", "line"), ("fields.lineName", "line")]
        case .sharedPerpetrator:
            [("fields.disruptions", "disruptions")]
        case .missingEpisode:
            [("fields.interviewOffers", "interview"), ("fields.interviewResponse", "interview"), ("status", "status")]
        }
    }

    func holderValue(_ field: String, kind: RecordKind, holder: Int) -> JSONValue {
        switch field {
        case "fields.receivingSpoc", "fields.allocatedWorker": contact(at: holder)
        case "fields.acknowledgement":
            Acknowledgement(by: "Duty manager, \(names[holder])", date: Self.today.adding(days: -random.below(3))).jsonValue
        case "fields.followUps": followUps()
        case "status": random.pick(kind == .missingEpisode ? ["missing", "returned", "closed"] : ["active", "closed"])
        case "fields.interviewOffers": interviewOffers()
        case "fields.interviewResponse": random.pick(InterviewResponse.allCases).jsonValue
        case "fields.riskLevel": random.pick(RiskLevel.allCases).jsonValue
        case "fields.nrmReferral": .bool(random.chance(0.5))
        case "fields.dealLines": subset(Self.dealLines.map(\.jsonValue))
        case "fields.lineName": .string(random.pick(Self.lineNames))
        case "fields.disruptions": disruptions()
        default: preconditionFailure("no value for \(field)")
        }
    }

    /// A merge patch an operator at the owner might make: one or two changes among risk,
    /// status, review date, the audience, a text field, a set field and a scalar.
    func ownerPatch(_ record: Record) -> JSONValue {
        var envelope = JSONObject()
        var fields = JSONObject()
        for _ in 0..<(1 + random.below(2)) {
            switch random.below(7) {
            case 0 where record.kind == .missingEpisode: fields["riskGrading"] = random.pick(MissingRiskGrading.allCases).jsonValue
            case 0: fields["riskLevel"] = random.pick(RiskLevel.allCases).jsonValue
            case 1: envelope["status"] = random.pick(record.kind.allowedStatuses).jsonValue
            case 2: envelope["reviewDate"] = Self.today.adding(days: 30 + random.below(700)).jsonValue
            case 3:
                switch record.kind {
                case .relocation: fields["receivingAuthority"] = names[randomOther(than: record.owner)].jsonValue
                case .countyLinesLink: fields["importingAreas"] = .array(randomOthers(than: record.owner).map(\.jsonValue))
                case .sharedPerpetrator:
                    fields["areasOfActivity"] = .array(([names[record.owner]] + randomOthers(than: record.owner)).map(\.jsonValue))
                case .missingEpisode: fields["homeAuthority"] = names[randomOther(than: record.owner)].jsonValue
                }
            case 4:
                switch record.kind {
                case .relocation: fields["originatingSpoc"] = contact(at: record.owner)
                case .countyLinesLink: fields["lineName"] = .string(random.pick(Self.lineNames))
                case .sharedPerpetrator: fields["associatedLines"] = subset(Self.lineNames.map { .string($0) })
                case .missingEpisode: fields["policeReference"] = .string("CAD-\(100_000 + random.below(900_000))")
                }
            case 5:
                switch record.kind {
                case .relocation: fields["followUps"] = followUps()
                case .countyLinesLink: fields["dealLines"] = subset(Self.dealLines.map(\.jsonValue))
                case .sharedPerpetrator: fields["disruptions"] = disruptions()
                case .missingEpisode: fields["interviewOffers"] = interviewOffers()
                }
            default:
                switch record.kind {
                // The owner writes the receiving side's fields too, so they conflict.
                case .relocation: fields["allocatedWorker"] = random.chance(0.3) ? .null : contact(at: record.owner)
                case .countyLinesLink: fields["nrmReferral"] = .bool(random.chance(0.5))
                case .sharedPerpetrator: fields["role"] = random.pick(PerpetratorRole.allCases).jsonValue
                case .missingEpisode: fields["interviewResponse"] = random.pick(InterviewResponse.allCases).jsonValue
                }
            }
        }
        if !fields.isEmpty { envelope["fields"] = .object(fields) }
        return .object(envelope)
    }

    func contact(at node: Int) -> JSONValue {
        Contact(
            name: random.pick(Self.contactNames), organisation: "\(names[node]) council", role: "SPOC",
            phone: PhoneNumber("020 7946 0\(100 + random.below(800))")
        ).jsonValue
    }

    /// Up to three follow-ups; none is written as a removal (null), as the store itself writes
    /// an emptied list, because records leave empty lists out.
    func followUps() -> JSONValue {
        let visits = (0..<random.below(3)).map { _ in
            FollowUp(date: Self.today.adding(days: -random.below(20)), note: "visit \(random.below(9))").jsonValue
        }
        return visits.isEmpty ? .null : .array(visits)
    }

    /// Offers from a pool of six, all after any simulated episode's return (at least eight
    /// days before `today`), so that their union is too.
    func interviewOffers() -> JSONValue {
        let end = Int64(Self.today.daysSinceEpoch) * 86_400_000
        return subset((1...6).map { InterviewOffer(offeredAt: Timestamp(millisecondsSinceEpoch: end - Int64($0) * 20 * 3_600_000)).jsonValue })
    }

    func disruptions() -> JSONValue {
        let pool = (0..<8).map { Disruption(type: DisruptionType.allCases[$0], date: Self.today.adding(days: -1 - 10 * $0)).jsonValue }
        return subset(pool)
    }

    /// A random non-empty subset, in the pool's order; pools are small enough that any union
    /// of them stays within the fields' maximum sizes.
    func subset(_ pool: [JSONValue]) -> JSONValue {
        var chosen = pool.filter { _ in random.chance(0.35) }
        if chosen.isEmpty { chosen = [random.pick(pool)] }
        return .array(chosen)
    }

    /// An owner redraws what it shares with one peer; what it accepts stays, so writes the
    /// holder made under the old policy are still accepted.
    func changePolicy() {
        let (owner, peer) = randomPair()
        var next = randomPolicy()
        next.accept = policies[owner][peer].accept
        if random.chance(0.3) { next.share[.relocation] = nil }
        if random.chance(0.2) { next.share[.countyLinesLink] = KindGrant(audience: [.importingAreas, .exportingArea], groups: ["areas", "status"]) }
        policies[owner][peer] = next
        note("\(names[owner]) changes its policy for \(names[peer])")
    }

    func randomPolicy() -> SharingPolicy {
        var relocationGroups: Set<String> = ["placement", "follow-up", "status"]
        if random.chance(0.3) { relocationGroups.insert("identity") }
        if random.chance(0.5) { relocationGroups.insert("contacts") }
        var linkGroups: Set<String> = ["line", "areas", "activity", "status"]
        if random.chance(0.3) { linkGroups.insert("people") }
        var share: [RecordKind: KindGrant] = [
            .relocation: KindGrant(audience: [.receivingAuthority], groups: relocationGroups),
            .countyLinesLink: KindGrant(audience: [.importingAreas], groups: linkGroups),
        ]
        var accept: [RecordKind: Set<String>] = [
            .relocation: random.chance(0.7) ? ["follow-up", "status"] : ["follow-up"],
            .countyLinesLink: random.pick([["line", "activity"], ["activity"], []]),
        ]
        if random.chance(0.75) {
            share[.missingEpisode] = KindGrant(audience: [.homeAuthority], groups: ["episode", "interview", "link", "status"])
            accept[.missingEpisode] = random.chance(0.7) ? ["interview", "status"] : ["interview"]
        }
        if random.chance(0.75) {
            share[.sharedPerpetrator] = KindGrant(audience: [.areasOfActivity], groups: ["profile", "disruptions", "status"])
            accept[.sharedPerpetrator] = random.chance(0.7) ? ["disruptions"] : []
        }
        return SharingPolicy(share: share, reviewDays: random.pick([30, 90, 365]), accept: accept, lookups: false, aggregates: false)
    }

    // MARK: - Helpers

    func randomPair() -> (Int, Int) {
        let puller = random.below(nodes.count)
        return (puller, randomOther(than: puller))
    }

    func randomOther(than node: Int) -> Int {
        (node + 1 + random.below(nodes.count - 1)) % nodes.count
    }

    /// A non-empty set of other nodes, in name order: two of five, or about three of a larger
    /// region, as a record names a few areas and never more than a list may hold.
    func randomOthers(than node: Int) -> [AuthorityName] {
        let chance = min(0.4, 3 / Double(nodes.count))
        var chosen = nodes.filter { $0 != node && random.chance(chance) }
        if chosen.isEmpty { chosen = [randomOther(than: node)] }
        return chosen.map { names[$0] }.sorted()
    }

    /// A batch's items as `copy R3, withdraw R5`, for the trace.
    func describe(_ items: [JSONValue]) -> String {
        items.map { item in
            let kind = item.objectValue?.keys.first ?? "?"
            let id = (item[kind]?["id"]?.stringValue).flatMap(RecordID.init)
            return "\(kind) " + (id.flatMap { indexByID[$0] }.map { "R\($0)" } ?? "?")
        }.joined(separator: ", ")
    }

    func lastSequence(_ store: CaseStore) throws -> Int64 {
        try store.changes(after: 0, limit: 1_000_000).last?.sequence ?? 0
    }

    /// A logical clock: every operation a millisecond after the last, never the wall clock.
    func now() -> Timestamp {
        tick += 1
        return Timestamp(millisecondsSinceEpoch: 1_795_460_340_000 + tick)
    }

    func context() -> OperationContext {
        OperationContext(actor: Self.actor, time: now())
    }

    func note(_ line: String) {
        trace.append("[\(step)] \(line)")
    }

    func problem(_ line: String) {
        problems.append(line)
        note("PROBLEM \(line)")
    }
}
