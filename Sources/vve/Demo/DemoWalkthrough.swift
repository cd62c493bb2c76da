import ArgumentParser
import Foundation
import ServiceLifecycle
import Synchronization
import VVEConfig
import VVECore
import VVENet
import VVEStore
import VVESync

/// The walkthrough, as a Service of the region's group: it waits for every node to listen,
/// writes the peer files, and tells what happens; then it waits for Ctrl-C, or ends the group.
final class DemoWalkthrough: Service, Sendable {
    let region: DemoRegionNodes
    let runUntilStopped: Bool
    let root: String
    let keep: Bool
    /// Why the walkthrough stopped early, for the command to report after the group stops.
    let failure = Mutex<CommandFailure?>(nil)
    let actor = try! OperatorName("demo.analyst")

    init(region: DemoRegionNodes, runUntilStopped: Bool, root: String, keep: Bool) {
        self.region = region
        self.runUntilStopped = runUntilStopped
        self.root = root
        self.keep = keep
    }

    func context() -> OperationContext { OperationContext(actor: actor, time: Clock.now()) }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            do {
                try await self.walk()
            } catch is CancellationError {
                return
            } catch let failure as CommandFailure {
                self.failure.withLock { $0 = failure }
                return
            } catch {
                self.failure.withLock { $0 = CommandFailure("the demo stopped: \(error)", status: .storeError) }
                return
            }
            guard self.runUntilStopped else { return }
            Output.line()
            Output.line("The region keeps running. Explore a node from another terminal, for example:")
            Output.line("  vve status --dir \(self.region["camden"].directory)")
            Output.line("  vve copy list --dir \(self.region["haringey"].directory) --operator your.name")
            Output.line("Press Ctrl-C to stop\(self.keep ? "" : " (the temporary folder is then removed)").")
            while !Task.isCancelled {
                do { try await Task.sleep(for: .seconds(3600)) } catch { break }
            }
        }
    }

    private func step(_ number: Int, _ title: String) {
        Output.line()
        Output.line("== \(number). \(title)")
    }

    /// Polls `condition` every 50 ms for up to `seconds`; whether it came true.
    private func eventually(_ seconds: Double = 15, _ condition: () throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try condition()
    }

    private func walk() async throws {
        let camden = region["camden"], haringey = region["haringey"], enfield = region["enfield"]
        step(1, "A region of five nodes on loopback, each with its own store, certificate and peer files")
        guard try await eventually(15, { region.nodes.allSatisfy { $0.port.value != nil } }) else {
            throw CommandFailure("the nodes did not start listening within 15 s", status: .storeError)
        }
        try region.writePeerFiles()
        Output.line("Region CA made just now in \(root)/ca; every node pins the other four (Peers/NAME.yaml).")
        var table = TextTable("NODE", "ROLE", "LISTENS", "CERTIFICATE")
        for node in region.nodes {
            table.add(node.name.rawValue, node.role.rawValue, "https://localhost:\(node.port.value ?? 0)", node.identity.fingerprint.short)
        }
        Output.line(table.rendered)
        Output.line("Boroughs share relocations with the receiving authority and county lines links with the areas they touch;")
        Output.line("the police get links and perpetrators, and send missing episodes to the areas they name; the VRU gets")
        Output.line("aggregates only (see Peers/examples/).")

        step(2, "camden records four cases (synthetic)")
        let today = Clock.today()
        var generator = SyntheticRecords(seed: 2026, owner: camden.name, today: today)
        func relocation(to receiving: AuthorityName, risk: RiskLevel) -> RecordDraft {
            var draft = generator.nextDraft(kind: .relocation)
            guard case .relocation(var fields) = draft.fields else { return draft }
            fields.originatingAuthority = camden.name
            fields.receivingAuthority = receiving
            fields.riskLevel = risk
            fields.accommodationType = .relatives
            fields.acknowledgement = nil
            draft.status = .active
            draft.fields = .relocation(fields)
            return draft
        }
        var link = generator.nextDraft(kind: .countyLinesLink)
        if case .countyLinesLink(var fields) = link.fields {
            fields.exportingArea = camden.name
            fields.importingAreas = [enfield.name]
            link.fields = .countyLinesLink(fields)
        }
        let drafts = [
            relocation(to: haringey.name, risk: .high), relocation(to: enfield.name, risk: .medium), link,
            generator.nextDraft(kind: .sharedPerpetrator),
        ]
        let records = try camden.store.importDrafts(drafts, context: context())
        camden.signal.poke()
        let labels = ["R1", "R2", "L1", "P1"]
        for (label, record) in zip(labels, records) {
            Output.line("  \(label)  \(record.kind.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0)) \(record.id)  \(summary(record))")
        }

        step(3, "What flows where: each peer pulls camden's change feed, projected by camden's policy for it")
        let encoder = MatchKeyEncoder(key: LinkageKey(bytes: Array(repeating: 0, count: LinkageKey.minimumBytes))!)
        for (label, record) in zip(labels, records) {
            for peer in region.nodes where peer !== camden {
                let projection = PolicyProjection.project(
                    record, to: peer.name, role: peer.role, policy: DemoPolicies.policy(from: camden.role, to: peer.role), encoder: encoder,
                    today: today)
                let name = peer.name.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
                if projection.document != nil {
                    let groups = projection.groups.filter(\.included).map(\.group)
                    let people = groups.contains("identity") ? "people named" : "people as match keys"
                    Output.line("  \(label) → \(name) sent: \(groups.joined(separator: ", ")); \(people)")
                } else {
                    Output.line("  \(label) ✗ \(name) withheld: \(projection.reason)")
                }
            }
        }
        let expected: [(DemoNode, Set<RecordID>)] = [
            (haringey, [records[0].id]), (enfield, [records[1].id, records[2].id]), (region["met-police"], [records[2].id, records[3].id]),
            (region["vru"], []),
        ]
        let arrived = try await eventually {
            try expected.allSatisfy { node, ids in try Set(node.store.sharedCopies(context: context()).map(\.id)) == ids }
                && expected.allSatisfy { node, _ in try caughtUp(node, with: camden) }
        }
        Output.line(arrived ? "Held now, over mutual TLS:" : "Not all copies arrived within 15 s; held now:")
        for (node, _) in expected {
            let held = try node.store.sharedCopies(context: context()).map { copy in labels[records.firstIndex { $0.id == copy.id } ?? 0] }
            Output.line(
                "  \(node.name.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(held.isEmpty ? "nothing" : held.sorted().joined(separator: ", "))"
            )
        }

        step(4, "haringey acknowledges R1 on its copy; the acknowledgement flows back to camden")
        let r1 = records[0].id
        _ = try haringey.store.editSharedCopy(
            id: r1, changes: [("fields.acknowledgement", ["by": "Duty manager, Haringey", "date": .string(today.description)])], context: context())
        haringey.signal.poke()
        let acknowledged = try await eventually { try relocationFields(camden, r1)?.acknowledgement != nil }
        Output.line(
            acknowledged
                ? "camden's R1: acknowledged by \(try relocationFields(camden, r1)?.acknowledgement?.by ?? "?")"
                : "camden has not yet seen the acknowledgement")

        step(5, "Concurrent edits of R1's risk level: camden says medium, haringey says very-high, at the same moment")
        try edit(camden: r1, ["riskLevel": "medium"], haringey: haringey, ["riskLevel": "very-high"])
        let converged = try await eventually {
            try relocationFields(camden, r1)?.riskLevel == .veryHigh
                && (try haringey.store.sharedCopy(id: r1, context: context()).values["fields.riskLevel"]) == "very-high"
        }
        Output.line(converged ? "Both now hold very-high: concurrent risk levels merge to the higher one." : "Not yet converged within 15 s.")

        step(6, "A conflict: both change R1's accommodation at the same moment; no rule can merge that")
        try edit(camden: r1, ["accommodationType": "foster-placement"], haringey: haringey, ["accommodationType": "supported-accommodation"])
        let conflicted = try await eventually {
            try !camden.store.conflicts(context: context()).isEmpty && !haringey.store.conflicts(context: context()).isEmpty
        }
        if let conflict = try camden.store.conflicts(context: context()).first, conflicted {
            Output.line("vve conflicts list (camden), and haringey shows the same:")
            Output.line(
                "  \(conflict.id)  \(conflict.field)  shown \(ConflictPresentation.brief(conflict.chosen))  also \(conflict.others.map(ConflictPresentation.brief).joined(separator: "; "))"
            )
            let (_, kept) = try camden.store.resolveConflict(id: conflict.id, keeping: .remote, context: context())
            camden.signal.poke()
            Output.line("vve conflicts resolve \(conflict.id) --keep remote (camden): kept \(JSONWriter.canonical(kept))")
            let resolved = try await eventually {
                try camden.store.conflicts(context: context()).isEmpty && haringey.store.conflicts(context: context()).isEmpty
                    && (try haringey.store.sharedCopy(id: r1, context: context()).values["fields.accommodationType"]) == kept
            }
            Output.line(
                resolved
                    ? "The resolution superseded both values on both nodes: no conflict left."
                    : "The resolution has not reached haringey within 15 s.")
        } else {
            Output.line("The two edits were not concurrent this time (one node saw the other's first), so there is no conflict to show.")
        }

        step(7, "camden erases R2 (entered in error); enfield's copy is deleted and the deletion audited")
        let r2 = records[1].id
        _ = try camden.store.erase(id: r2, justification: try Justification("entered in error by duty desk"), context: context())
        camden.signal.poke()
        let gone = try await eventually { try !enfield.store.sharedCopies(context: context()).contains { $0.id == r2 } }
        Output.line(
            gone
                ? "enfield no longer holds R2; its audit log says: \(try enfield.store.auditEntries(action: .erase).last?.event.detail ?? "?")"
                : "enfield still holds R2 after 15 s")

        step(8, "An officer at met-police asks: is R1's young person known anywhere? Then a misspelt name")
        let police = region["met-police"]
        guard case .relocation(let r1Fields)? = records[0].fields else { throw CommandFailure("R1 is not a relocation", status: .storeError) }
        let person = r1Fields.youngPerson
        let officer = try OperatorName("PC 4471 Hale")
        let reason = try Justification("missing child enquiry, cross-border check")
        let askable = police.registry.peers.filter(\.policy.askLookups).map(\.name)
        let transport = NetworkLookupTransport(registry: police.registry, identity: police.identity)
        let policeKey = try LinkageKey(hex: String(contentsOfFile: police.directory + "/Certificates/linkage.key", encoding: .utf8))!
        let policeEncoder = MatchKeyEncoder(key: policeKey)
        var misspelt = person
        misspelt.surname = person.surname.map { String($0.dropLast()) + ($0.last == "e" ? "a" : "e") }
        for (asked, label) in [(person, "as recorded"), (misspelt, "surname misspelt")] {
            let query = LookupQuery(
                lookupID: UUID().uuidString.lowercased(), variants: asked.lookupKeys(policeEncoder), reason: reason, caseReference: "CAD-4471/26")
            let report = await LookupFanOut.ask(query, peers: askable, transport: transport, timeout: .seconds(10))
            try police.store.audit([
                AuditEvent(
                    time: Clock.now(), actor: officer.rawValue, action: .lookup, justification: reason.text,
                    detail: LookupCommand.auditDetail(query, report))
            ])
            Output.line(
                "vve lookup --surname \"\(asked.surname ?? "")\" --forename \"\(asked.forenames ?? "")\" \(asked.dateOfBirth.map { $0.calendarDate == nil ? "--yob \($0.year)" : "--dob \($0)" } ?? "") (\(label)); exit \(report.exitCode)"
            )
            Output.line(LookupCommand.render(report).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        }
        Output.line("The boroughs received match keys only: no name left met-police. camden's record was found at camden and, as a copy,")
        Output.line("at haringey; misspelt, only at camden, since a copy holds the person's exact key alone and the owner answers near misses.")
        Output.line("haringey tells camden, so the owner hears of every lookup that found its record:")
        _ = try await eventually { try camden.store.lookupHits(since: Timestamp(millisecondsSinceEpoch: 0)).count >= 3 }
        for entry in try camden.store.lookupHits(since: Timestamp(millisecondsSinceEpoch: 0)).reversed() {
            Output.line("  camden audit: \(entry.event.actor): \(entry.event.detail ?? "")")
        }

        step(9, "met-police records R1's young person missing from haringey; the home authority's 72-hour clock starts")
        try await missingEpisode(for: person, relocation: r1, police: police)

        step(10, "camden's view of its peers (vve status) and its audit trail")
        let states = try camden.store.peerSyncStates()
        var status = TextTable("PEER", "ROLE", "CURSOR", "LAG", "LAST ERROR")
        for peer in region.nodes where peer !== camden {
            let state = states[peer.name] ?? PeerSyncState(peer: peer.name)
            status.add(peer.name.rawValue, peer.role.rawValue, "\(state.cursor)", state.lagChanges.map(String.init) ?? "-", state.lastError ?? "-")
        }
        Output.line(status.rendered)
        let disclosures = try camden.store.auditEntries(action: .disclose).count
        switch try camden.store.verifyAudit() {
        case .intact(let entries, _):
            Output.line("camden's audit chain is intact: \(entries) entries, \(disclosures) of them batches disclosed to peers.")
        case .broken(let fault):
            throw CommandFailure("camden's audit chain is broken: \(fault)", status: .auditBroken)
        }

        step(11, "The VRU asks the boroughs for a measure, each protecting its own counts; then the quarterly pack, the police included")
        try await report(today: today)
    }

    /// The police record an episode for the child the lookup found, linked to camden's
    /// relocation: missing from haringey, where the child was placed, found in enfield, back
    /// six hours ago. Every area it names receives it; camden, the home authority, sees the
    /// clock and records an offer, which reaches the police through `accept:`.
    private func missingEpisode(for person: Person, relocation: RecordID, police: DemoNode) async throws {
        let camden = region["camden"], haringey = region["haringey"], enfield = region["enfield"]
        let now = Clock.now().millisecondsSinceEpoch
        let hour: Int64 = 3_600_000
        let episode = MissingEpisode(
            person: person, homeAuthority: camden.name, hostArea: haringey.name,
            reportedMissingAt: Timestamp(millisecondsSinceEpoch: now - 30 * hour - hour / 2),
            returnedAt: Timestamp(millisecondsSinceEpoch: now - 6 * hour - hour / 2), foundIn: enfield.name, riskGrading: .high,
            policeReference: "MPS-4471/26", linkedRelocation: relocation)
        let draft = RecordDraft(
            kind: .missingEpisode, reviewDate: Clock.today().adding(days: 365), status: .returned, fields: .missingEpisode(episode))
        let record = try police.store.add(draft, context: context())
        police.signal.poke()
        Output.line("  E1  missing-episode    \(record.id)  \(summary(record)), linked to R1")
        let areas = [camden, haringey, enfield]
        let arrived = try await eventually {
            try areas.allSatisfy { node in try node.store.sharedCopies(context: context()).contains { $0.id == record.id } }
        }
        Output.line(
            arrived
                ? "camden (home authority), haringey (host area) and enfield (found in) each hold E1, named: the police grant identity."
                : "Not every area holds E1 after 15 s.")
        Output.line("vve missing due (camden):")
        let due = MissingDueCommand.due(try camden.store.missingEpisodes(context: context()))
        var table = TextTable(headers: Array(MissingDueCommand.headers.prefix(6)))
        table.rows = due.map { Array(MissingDueCommand.row($0, now: Clock.now()).prefix(6)) }
        Output.line(table.rendered.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        let offeredAt = Clock.now()
        _ = try camden.store.editSharedCopy(
            id: record.id, changes: [("fields.interviewOffers", [["offeredAt": .string(offeredAt.description)]])], context: context())
        camden.signal.poke()
        let offered = try await eventually {
            guard case .missingEpisode(let fields)? = try police.store.record(id: record.id, context: context()).fields else { return false }
            return !fields.interviewOffers.isEmpty
        }
        Output.line(
            offered
                ? "camden offered the interview at \(MissingText.time(offeredAt)); the offer reached met-police, which accepts the interview group from camden."
                : "camden's offer has not reached met-police within 15 s.")
    }

    /// Two years of synthetic history at each borough, then the VRU's reports: one measure on
    /// the terminal, and the quarterly pack written into the demo's folder.
    private func report(today: CalendarDate) async throws {
        // camden and haringey know many of the same young people; enfield others.
        for (name, seed, count) in [("camden", 100, 600), ("haringey", 100, 400), ("enfield", 101, 500)] as [(String, UInt64, Int)] {
            let borough = region[name]
            var history = SyntheticRecords(seed: seed, owner: borough.name, today: today)
            _ = try borough.store.importDrafts((0..<count).map { _ in history.nextDraft(kind: nil) }, context: context())
        }
        var episodes = SyntheticRecords(seed: 102, owner: region["met-police"].name, today: today)
        _ = try region["met-police"].store.importDrafts((0..<500).map { _ in episodes.nextDraft(kind: .missingEpisode) }, context: context())
        Output.line(
            "Each borough now holds two years of synthetic history (600, 400 and 500 records), and met-police 500 missing episodes."
        )
        let vru = region["vru"]
        let peers = vru.registry.peers.filter(\.policy.askAggregates.grantsAny)
        let analyst = try OperatorName("a.khan")
        let purpose = try Justification("quarterly board pack preparation")
        let latest = Quarter.latestReportable(on: today, lagDays: NodeConfiguration.defaultReportLagDays)
        func ask(_ queries: [AggregateQuery]) async throws -> ReportPack {
            let reports = try await ReportAsking.ask(
                queries, peers: peers, identity: vru.identity, store: vru.store, limits: .analystDefault, rules: .floor, timeout: .seconds(30),
                at: Clock.now())
            return ReportPack(reports: reports, generatedAt: Clock.now(), node: vru.name)
        }
        let one = try await ask([
            AggregateQuery(
                queryID: UUID().uuidString.lowercased(), measure: .relocations, quarter: latest, quarterCount: 4, tables: ["by-risk-level"],
                analyst: analyst, purpose: purpose)
        ])
        Output.line(
            "vve report relocations --table by-risk-level --quarters 4 --purpose \"\(purpose.text)\" --operator a.khan; exit \(one.reports[0].exitCode)"
        )
        Output.line(ReportTerminal.render(one).split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n"))
        let pack = try await ask(
            Measure.allCases.map { measure in
                AggregateQuery(
                    queryID: UUID().uuidString.lowercased(), measure: measure, quarter: latest,
                    quarterCount: measure.isCountedByQuarter ? AggregateQuery.maximumQuarters : 1, analyst: analyst, purpose: purpose)
            })
        let stem = "\(vru.directory)/pack-\(latest)"
        try ReportHTML.render(pack).write(toFile: stem + ".html", atomically: true, encoding: .utf8)
        try ReportCSV.render(pack.reports).write(toFile: stem + ".csv", atomically: true, encoding: .utf8)
        let answered = Set(pack.reports.flatMap(\.answered)).map(\.rawValue).sorted()
        Output.line("vve report pack --quarter \(latest) --html \(stem).html --csv \(stem).csv; answered by \(answered.joined(separator: ", "))")
        Output.line(
            "The quarterly pack: every measure, eight quarters of trends, with charts; open \(stem).html in a browser\(keep ? "." : " (kept with --keep).")"
        )
    }

    /// Edits R1 at camden and on haringey's copy back to back, before either can pull.
    private func edit(camden recordID: RecordID, _ ownChange: JSONObject, haringey: DemoNode, _ copyChange: JSONObject) throws {
        let camden = region["camden"]
        let time = context()
        _ = try camden.store.update(id: recordID, patch: ["fields": .object(ownChange)], today: time.time.calendarDate, context: time)
        _ = try haringey.store.editSharedCopy(id: recordID, changes: copyChange.map { ("fields." + $0.key, $0.value) }, context: time)
        camden.signal.poke()
        haringey.signal.poke()
    }

    private func relocationFields(_ node: DemoNode, _ id: RecordID) throws -> Relocation? {
        guard case .relocation(let fields)? = try node.store.record(id: id, context: context()).fields else { return nil }
        return fields
    }

    /// Whether `node` has scanned everything `owner` has logged.
    /// Whether `node` has everything `owner` has for it: all of its log, or its word that
    /// it shares nothing with `node`.
    private func caughtUp(_ node: DemoNode, with owner: DemoNode) throws -> Bool {
        guard let state = try node.store.peerSyncStates()[owner.name] else { return false }
        let head = try owner.store.latestChangeSequence()
        return state.nothingSharedAt != nil || state.cursor == head
    }

    private func summary(_ record: CaseRecord) -> String {
        switch record.fields {
        case .relocation(let fields)?: "\(fields.originatingAuthority) → \(fields.receivingAuthority), risk \(fields.riskLevel.rawValue)"
        case .countyLinesLink(let fields)?:
            "\(fields.exportingArea) → \(fields.importingAreas.map(\.rawValue).joined(separator: ", ")), risk \(fields.riskLevel.rawValue)"
        case .sharedPerpetrator(let fields)?: "\(fields.role.rawValue), risk \(fields.riskLevel.rawValue)"
        case .missingEpisode(let fields)?: "home \(fields.homeAuthority), risk \(fields.riskGrading.rawValue)"
        case nil: "erased"
        }
    }
}
