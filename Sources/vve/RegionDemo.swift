import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import VVECore
import VVEConfig
import VVENet
import VVEStore
import VVESync

/// The demo region: three boroughs, a police node and the VRU, and what each shares with
/// each other. `Peers/examples/` holds the same policies as peer files.
enum DemoRegion {
    static let members: [(name: AuthorityName, role: PeerRole)] = [
        (AuthorityName("camden")!, .borough), (AuthorityName("haringey")!, .borough), (AuthorityName("enfield")!, .borough),
        (AuthorityName("met-police")!, .police), (AuthorityName("vru")!, .vru),
    ]

    /// The agreement every demo peer file names.
    static let agreement = SharingAgreement(reference: "NL-ISA-2026-004", lawfulBasis: "Children Act 1989 s.47; DPA 2018 Sch.8 para 4")

    /// What a node of role `owner` shares with a peer of role `peer`, and accepts from it.
    static func policy(from owner: PeerRole, to peer: PeerRole) -> SharingPolicy {
        if owner == .police, peer == .borough {
            // The police send their officers' lookups to every borough; they share no records.
            return SharingPolicy(share: [:], reviewDays: nil, accept: [:], lookups: false, aggregates: false, askLookups: true)
        }
        guard owner == .borough else { return .denyAll }
        switch peer {
        case .borough:
            // Relocations to their receiving authority, county lines links to the areas they
            // touch; the receiving authority's follow-up and placement edits come back.
            return SharingPolicy(
                share: [
                    .relocation: KindGrant(audience: [.receivingAuthority], groups: ["placement", "follow-up", "status"]),
                    .countyLinesLink: KindGrant(audience: [.importingAreas, .exportingArea], groups: ["line", "areas", "activity", "status"]),
                ],
                reviewDays: 90, accept: [.relocation: ["follow-up", "placement"]], lookups: false, aggregates: false)
        case .police:
            return SharingPolicy(
                share: [
                    .countyLinesLink: KindGrant(audience: [.police], groups: ["line", "areas", "people", "activity", "status"]),
                    .sharedPerpetrator: KindGrant(audience: [.police], groups: ["identity", "profile", "disruptions", "status"]),
                ],
                reviewDays: 30, accept: [.sharedPerpetrator: ["disruptions"]], lookups: .police, aggregates: false)
        case .vru:
            // The VRU sees the region through aggregates only, never a record.
            return SharingPolicy(share: [:], reviewDays: nil, accept: [:], lookups: false, aggregates: true)
        }
    }
}

/// `vve demo` (region): five nodes on loopback over mutual TLS, in one process, each with its
/// own SQLite store, certificates, peer files and pull loops, walked through step by step.
struct RegionDemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "region",
        abstract: "Start a five-node region on loopback and show what flows where, a conflict, and an erasure; Ctrl-C stops it.",
        discussion: """
            A fresh region CA, certificates and peer files are made in a temporary folder (removed on exit unless --keep). \
            Every node serves mutual TLS on 127.0.0.1 and pulls from the other four; all records are synthetic.
            """)

    @Flag(help: "Keep the region's folder afterwards.")
    var keep = false

    @Flag(help: "Stop after the walkthrough instead of running until Ctrl-C.")
    var exit = false

    func run() async throws {
        try await runReportingFailures {
            let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("vve-demo-region-\(UUID().uuidString.prefix(8))")
                .standardizedFileURL.path
            defer {
                if !keep { try? FileManager.default.removeItem(atPath: root) }
            }
            var logger = Logger(label: "vve.demo", factory: { StreamLogHandler.standardError(label: $0) })
            logger.logLevel = ProcessInfo.processInfo.environment["VVE_DEMO_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .error
            let region = try DemoRegionNodes.create(in: root, logger: logger)
            let walkthrough = DemoWalkthrough(region: region, runUntilStopped: !exit, root: root, keep: keep)
            let group = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: region.services + [.init(service: walkthrough, successTerminationBehavior: .gracefullyShutdownGroup)],
                    gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
            if let failure = walkthrough.failure.withLock({ $0 }) { throw failure }
            Output.line()
            Output.line(keep ? "Stopped. The region's folders are kept in \(root)." : "Stopped. The region's temporary folder has been removed.")
        }
    }
}

/// One in-process node of the demo region.
final class DemoNode: Sendable {
    let name: AuthorityName
    let role: PeerRole
    let directory: String
    let store: CaseStore
    let identity: NodeIdentity
    let registry: PeerRegistry
    let watcher: PeerFileWatcher
    let signal: ChangeSignal
    let port = Mutex<Int?>(nil)

    init(name: AuthorityName, role: PeerRole, directory: String, store: CaseStore, identity: NodeIdentity, logger: Logger) {
        self.name = name
        self.role = role
        self.directory = directory
        self.store = store
        self.identity = identity
        registry = PeerRegistry()
        watcher = PeerFileWatcher(folder: directory + "/" + PeerDirectory.folderName, localNode: name, registry: registry, logger: logger)
        signal = ChangeSignal(store: store, logger: logger)
    }
}

/// The region's nodes and their services.
struct DemoRegionNodes: Sendable {
    let nodes: [DemoNode]
    let services: [ServiceGroupConfiguration.ServiceConfiguration]

    subscript(_ name: String) -> DemoNode { nodes.first { $0.name.rawValue == name }! }

    /// Makes the CA, the linkage key, and each node's folder, store, key and certificate, and
    /// builds every node's server, pull loops and peer-file watcher.
    static func create(in root: String, logger: Logger) throws -> DemoRegionNodes {
        let files = FileManager.default
        try files.createDirectory(atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let ca = try RegionCA.create(in: root + "/ca", name: "Demo Region CA")
        var generator = SystemRandomNumberGenerator()
        let linkageKey = Hex.encode((0..<LinkageKey.minimumBytes).map { _ in UInt8.random(in: 0...255, using: &generator) }) + "\n"
        var nodes: [DemoNode] = []
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        for (name, role) in DemoRegion.members {
            let directory = root + "/\(name)"
            let (configuration, store) = try InitCommand.createNode(name, in: directory)
            for folder in ["Certificates", PeerDirectory.folderName] {
                try files.createDirectory(atPath: directory + "/" + folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
            let stem = directory + "/Certificates/\(name)"
            let request = try NodeRequest.create(node: name, dnsNames: ["localhost"], stem: stem)
            let certificate = try ca.sign(request, days: 30)
            try PEMFiles.create(stem + ".pem", contents: try certificate.serializeAsPEM().pemString + "\n", mode: 0o644)
            try files.copyItem(atPath: root + "/ca/" + RegionCA.certificateFile, toPath: directory + "/Certificates/ca.pem")
            try PEMFiles.create(directory + "/" + configuration.linkageKey, contents: linkageKey, mode: 0o600)
            let identity = try NodeIdentity.load(configuration, directory: directory)
            var nodeLogger = logger
            nodeLogger[metadataKey: "node.name"] = "\(name)"
            let node = DemoNode(name: name, role: role, directory: directory, store: store, identity: identity, logger: nodeLogger)
            let encoder = MatchKeyEncoder(key: LinkageKey(hex: linkageKey.trimmingWhitespace())!)
            let feed = ChangeFeed(store: store, encoder: encoder)
            let signal = node.signal
            let responder = LookupResponder(
                store: store, encoder: encoder, configuration: LookupConfiguration(contact: "\(name) duty desk, 020 7946 0000"), logger: nodeLogger)
            let server = try NodeServer.application(
                identity: identity, registry: node.registry, refusals: RefusalLog(store: store, logger: nodeLogger),
                configuration: NodeServerConfiguration(listen: ListenAddress(host: "127.0.0.1", port: 0)),
                changes: NodeServer.changes(from: feed, signal: signal, clock: { Clock.now() }),
                lookups: NodeServer.lookups(from: responder, store: store, clock: { Clock.now() }, logger: nodeLogger),
                lookupNotices: NodeServer.lookupNotices(into: store, clock: { Clock.now() }, logger: nodeLogger),
                logger: nodeLogger, onListening: { port in node.port.withLock { $0 = port } })
            let registry = node.registry
            var pull = PullConfiguration()
            pull.longPoll = .seconds(10)
            let puller = PullScheduler(
                store: store, client: NetworkPeerClient(registry: registry, identity: identity),
                targets: { registry.pullTargets }, signal: signal, configuration: pull,
                clock: { Clock.now() }, logger: nodeLogger)
            let notices = LookupNoticeService(
                store: store, sender: NetworkLookupNoticeSender(registry: registry, identity: identity), interval: .milliseconds(200),
                clock: { Clock.now() }, logger: nodeLogger)
            services += [
                .init(service: server), .init(service: node.watcher), .init(service: signal), .init(service: puller),
                .init(service: MatchIndexService(responder: responder, isNeeded: { registry.answersLookups }, logger: nodeLogger)), .init(service: notices),
            ]
            nodes.append(node)
        }
        return DemoRegionNodes(nodes: nodes, services: services)
    }

    /// Writes every node's peer files, pinning the other four at their ports.
    func writePeerFiles() throws {
        for node in nodes {
            for peer in nodes where peer !== node {
                guard let port = peer.port.withLock({ $0 }) else { throw CommandFailure("\(peer.name) is not listening", status: .storeError) }
                let configuration = PeerConfiguration(
                    name: peer.name, url: PeerURL(host: "localhost", port: port), role: peer.role, pins: [peer.identity.fingerprint],
                    agreement: DemoRegion.agreement, policy: DemoRegion.policy(from: node.role, to: peer.role))
                let path = node.directory + "/" + PeerDirectory.folderName + "/" + PeerConfiguration.fileName(for: peer.name)
                try PEMFiles.create(path, contents: configuration.yaml, mode: 0o644)
            }
            _ = node.watcher.reload(reason: "demo peer files written")
        }
    }
}

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
        guard try await eventually(15, { region.nodes.allSatisfy { $0.port.withLock { $0 } != nil } }) else {
            throw CommandFailure("the nodes did not start listening within 15 s", status: .storeError)
        }
        try region.writePeerFiles()
        Output.line("Region CA made just now in \(root)/ca; every node pins the other four (Peers/NAME.yaml).")
        var table = TextTable("NODE", "ROLE", "LISTENS", "CERTIFICATE")
        for node in region.nodes {
            table.add(node.name.rawValue, node.role.rawValue, "https://localhost:\(node.port.withLock { $0 } ?? 0)", node.identity.fingerprint.short)
        }
        Output.line(table.rendered)
        Output.line("Boroughs share relocations with the receiving authority and county lines links with the areas they touch;")
        Output.line("the police get links and perpetrators; the VRU gets aggregates only (see Peers/examples/).")

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
        let drafts = [relocation(to: haringey.name, risk: .high), relocation(to: enfield.name, risk: .medium), link, generator.nextDraft(kind: .sharedPerpetrator)]
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
                    record, to: peer.name, role: peer.role, policy: DemoRegion.policy(from: camden.role, to: peer.role), encoder: encoder, today: today)
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
            Output.line("  \(node.name.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(held.isEmpty ? "nothing" : held.sorted().joined(separator: ", "))")
        }

        step(4, "haringey acknowledges R1 on its copy; the acknowledgement flows back to camden")
        let r1 = records[0].id
        _ = try haringey.store.editSharedCopy(
            id: r1, changes: [("fields.acknowledgement", ["by": "Duty manager, Haringey", "date": .string(today.description)])], context: context())
        haringey.signal.poke()
        let acknowledged = try await eventually { try relocationFields(camden, r1)?.acknowledgement != nil }
        Output.line(acknowledged ? "camden's R1: acknowledged by \(try relocationFields(camden, r1)?.acknowledgement?.by ?? "?")" : "camden has not yet seen the acknowledgement")

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
                "  \(conflict.id)  \(conflict.field)  shown \(ConflictPresentation.brief(conflict.chosen))  also \(conflict.others.map(ConflictPresentation.brief).joined(separator: "; "))")
            let (_, kept) = try camden.store.resolveConflict(id: conflict.id, keeping: .remote, context: context())
            camden.signal.poke()
            Output.line("vve conflicts resolve \(conflict.id) --keep remote (camden): kept \(JSONWriter.canonical(kept))")
            let resolved = try await eventually {
                try camden.store.conflicts(context: context()).isEmpty && haringey.store.conflicts(context: context()).isEmpty
                    && (try haringey.store.sharedCopy(id: r1, context: context()).values["fields.accommodationType"]) == kept
            }
            Output.line(resolved ? "The resolution superseded both values on both nodes: no conflict left." : "The resolution has not reached haringey within 15 s.")
        } else {
            Output.line("The two edits were not concurrent this time (one node saw the other's first), so there is no conflict to show.")
        }

        step(7, "camden erases R2 (entered in error); enfield's copy is deleted and the deletion audited")
        let r2 = records[1].id
        _ = try camden.store.erase(id: r2, justification: try Justification("entered in error by duty desk"), context: context())
        camden.signal.poke()
        let gone = try await eventually { try !enfield.store.sharedCopies(context: context()).contains { $0.id == r2 } }
        Output.line(gone ? "enfield no longer holds R2; its audit log says: \(try enfield.store.auditEntries(action: .erase).last?.event.detail ?? "?")" : "enfield still holds R2 after 15 s")

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
                AuditEvent(time: Clock.now(), actor: officer.rawValue, action: .lookup, justification: reason.text, detail: LookupCommand.auditDetail(query, report))
            ])
            Output.line("vve lookup --surname \"\(asked.surname ?? "")\" --forename \"\(asked.forenames ?? "")\" \(asked.dateOfBirth.map { $0.calendarDate == nil ? "--yob \($0.year)" : "--dob \($0)" } ?? "") (\(label)); exit \(report.exitCode)")
            Output.line(LookupCommand.render(report).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        }
        Output.line("The boroughs received match keys only: no name left met-police. camden's record was found at camden and, as a copy, at haringey;")
        Output.line("haringey tells camden, so the owner hears of every lookup that found its record:")
        _ = try await eventually { try camden.store.lookupHits(since: Timestamp(millisecondsSinceEpoch: 0)).count >= 4 }
        for entry in try camden.store.lookupHits(since: Timestamp(millisecondsSinceEpoch: 0)).reversed() {
            Output.line("  camden audit: \(entry.event.actor): \(entry.event.detail ?? "")")
        }

        step(9, "camden's view of its peers (vve status) and its audit trail")
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
    private func caughtUp(_ node: DemoNode, with owner: DemoNode) throws -> Bool {
        try node.store.peerSyncStates()[owner.name]?.cursor == owner.store.latestChangeSequence()
    }

    private func summary(_ record: CaseRecord) -> String {
        switch record.fields {
        case .relocation(let fields)?: "\(fields.originatingAuthority) → \(fields.receivingAuthority), risk \(fields.riskLevel.rawValue)"
        case .countyLinesLink(let fields)?: "\(fields.exportingArea) → \(fields.importingAreas.map(\.rawValue).joined(separator: ", ")), risk \(fields.riskLevel.rawValue)"
        case .sharedPerpetrator(let fields)?: "\(fields.role.rawValue), risk \(fields.riskLevel.rawValue)"
        case nil: "erased"
        }
    }
}
