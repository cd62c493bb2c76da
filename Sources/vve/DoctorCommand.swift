import ArgumentParser
import Foundation
import VVEConfig
import VVECore
import VVENet
import VVEStore
import X509

/// `vve doctor`: checks a node end to end, as its admin would one by one, and says what to fix.
struct DoctorCommand: AsyncNodeCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor", abstract: "Check this node end to end: files, certificates, peers, clocks, disk, audit chain, linkage key.",
        discussion: """
            Each check prints ok, WARNING or PROBLEM with what to do. It reads the node's files and store (counts, \
            never a record) and connects to every peer as `vve peer check` does.

            Example:
              vve doctor --dir ~/vve/camden

            Exit codes: 0 every check passed; 1 warnings only; 2 at least one problem.
            """)

    @Option(help: "Seconds to wait for each peer (1-60).")
    var timeout = 5

    @Flag(help: "Print the findings as JSON.")
    var json = false

    @OptionGroup var location: NodeLocation

    func checkOptions() throws {
        guard (1...60).contains(timeout) else { throw CommandFailure("--timeout must be 1-60 seconds", status: .usage) }
    }

    /// How serious a finding is.
    enum Level: String {
        case ok
        case warning = "WARNING"
        case problem = "PROBLEM"
    }

    struct Finding {
        let check: String
        let level: Level
        let text: String
    }

    /// Free disk for fewer days of the store's growth than this is a problem; fewer than
    /// `diskWarningDays`, a warning.
    static let diskProblemDays = 30
    static let diskWarningDays = 90

    func execute(on node: OpenedNode) async throws {
        let configuration = node.configuration
        var findings: [Finding] = []
        func add(_ check: String, _ level: Level, _ text: String) { findings.append(Finding(check: check, level: level, text: text)) }

        // Files: keys private to the node's user, the store not readable by others.
        let files = FileManager.default
        for (what, path, level) in [
            ("private key", location.resolve(configuration.privateKey), Level.problem),
            ("linkage key", location.resolve(configuration.linkageKey), Level.problem),
            ("database", location.resolve(configuration.database), Level.warning),
        ] where files.fileExists(atPath: path) {
            let mode = ((try? files.attributesOfItem(atPath: path))?[.posixPermissions] as? Int ?? 0) & 0o777
            if mode & 0o077 != 0 {
                add("files", level, "\(what) \(path) has mode \(String(mode, radix: 8)), open to group or others; run `chmod 600 \(path)`")
            }
        }
        if files.fileExists(atPath: location.directory + "/Certificates/ca.key") {
            add("files", .warning, "the region CA's private key is in this node's Certificates/; keep it offline, where certificates are signed")
        }
        if !findings.contains(where: { $0.check == "files" }) { add("files", .ok, "keys mode 0600, database private") }

        // Certificates: the node's own and the CA's, against their expiry.
        let identity: NodeIdentity?
        do {
            identity = try NodeIdentity.load(configuration, directory: location.directory)
        } catch {
            identity = nil
            add("certificates", .problem, "\(error)")
        }
        if let identity {
            let days = CertificateFiles.daysToExpiry(identity.certificate)
            if let problem = identity.ownCertificateProblem() {
                add("certificates", .problem, "this node's \(problem)")
            } else if days < PeerCheck.expiryWarningDays {
                add("certificates", .warning, "this node's certificate expires in \(days) days; request and sign a new one now (`vve cert request`)")
            } else {
                add("certificates", .ok, "this node's certificate expires in \(days) days")
            }
            if let ca = try? CertificateFiles.certificate(at: location.resolve(configuration.caCertificate), what: "region CA certificate") {
                let caDays = CertificateFiles.daysToExpiry(ca)
                if caDays < 180 {
                    add(
                        "certificates", caDays < PeerCheck.expiryWarningDays ? .problem : .warning,
                        "the region CA's certificate expires in \(caDays) days; plan the region's new CA now")
                }
            }
        }

        // Peer files and their policies.
        let directory = PeerDirectory.load(location.peersFolder, localNode: configuration.name)
        for problem in directory.problems { add("peer files", .problem, problem.description) }
        for peer in directory.peers where peer.policy.aggregates == .every {
            add("peer files", .warning, "\(peer.name): `aggregates: yes` answers every measure, those later versions add included; list them instead")
        }
        if let problem = LookupContactRequirement.problem(configuration, peers: directory.peers, directory: location.directory) {
            add("peer files", .problem, problem)
        }
        if !findings.contains(where: { $0.check == "peer files" }) { add("peer files", .ok, "\(directory.peers.count) valid") }

        // Each peer, reached as a pull reaches it: reachability, identity, version, clock.
        if let identity {
            for peer in directory.peers {
                let report = await PeerCheck.run(peer: peer, identity: identity, timeout: .seconds(timeout))
                if let failure = report.failure {
                    add("peer \(peer.name)", .problem, "\(failure.label): \(failure)")
                    continue
                }
                for warning in report.warnings { add("peer \(peer.name)", .warning, warning) }
                if report.warnings.isEmpty {
                    let skew = report.clockSkewSeconds.map { String(format: "clock %+.1f s", $0) } ?? "clock unknown"
                    add("peer \(peer.name)", .ok, "reached, protocol \(report.protocolVersion?.description ?? "?"), \(skew)")
                }
            }
        }

        // Disk: free space against the store's growth over the last 7 days.
        let database = location.resolve(configuration.database)
        let size = (try? files.attributesOfItem(atPath: database))?[.size] as? Int64 ?? 0
        let free = (try? files.attributesOfFileSystem(forPath: (database as NSString).deletingLastPathComponent))?[.systemFreeSize] as? Int64
        let now = Clock.now()
        let entries = try node.store.logEntries(since: Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch - 7 * 86_400_000))
        if let free {
            let perDay = entries.total == 0 ? 0 : Double(size) * Double(entries.recent) / Double(entries.total) / 7
            let freeText = ByteCountFormatter.string(fromByteCount: free, countStyle: .file)
            if perDay < 1 {
                add("disk", .ok, "\(freeText) free; the store did not grow in the last 7 days")
            } else {
                let days = Int(Double(free) / perDay)
                let text =
                    "\(freeText) free; the store grew about \(ByteCountFormatter.string(fromByteCount: Int64(perDay), countStyle: .file)) a day over the last 7 days, so about \(days) days left"
                add(
                    "disk", days < Self.diskProblemDays ? .problem : days < Self.diskWarningDays ? .warning : .ok,
                    days < Self.diskWarningDays ? text + "; free space or move the store" : text)
            }
        } else {
            add("disk", .warning, "cannot read the free space of \(database)'s file system")
        }

        // The audit chain.
        switch try node.store.verifyAudit() {
        case .intact(let count, _): add("audit", .ok, "chain intact, \(count) entries")
        case .broken(let fault):
            add("audit", .problem, "chain broken: \(fault); restore the database from backup and investigate (`vve audit verify`)")
        }

        // The linkage key: needed by a node that shares records, answers lookups or makes
        // tokens; a VRU's node must not hold it.
        let needsKey = directory.peers.contains {
            !$0.policy.share.isEmpty || $0.policy.lookups != .no || $0.policy.aggregates.grants(.knownInSeveralAreas)
        }
        let holdsKey = files.fileExists(atPath: location.resolve(configuration.linkageKey))
        switch (needsKey, holdsKey) {
        case (true, true): add("linkage key", .ok, "present")
        case (true, false):
            add(
                "linkage key", .problem,
                "missing: peers cannot pull changes or look people up here; install the region's key with `vve linkage-key install FILE`")
        case (false, false): add("linkage key", .ok, "absent, and none needed: this node shares no records, answers no lookups and makes no tokens")
        case (false, true):
            add(
                "linkage key", .warning,
                "present, though no peer file needs it: with it this node could make match keys and tokens of anyone it names; remove it unless a policy will need it"
            )
        }

        let problems = findings.filter { $0.level == .problem }.count
        let warnings = findings.filter { $0.level == .warning }.count
        if json {
            Output.json([
                "node": .string(configuration.name.rawValue), "problems": .integer(Int64(problems)), "warnings": .integer(Int64(warnings)),
                "findings": .array(
                    findings.map { ["check": .string($0.check), "level": .string($0.level.rawValue.lowercased()), "text": .string($0.text)] }),
            ])
        } else {
            for finding in findings {
                Output.line(finding.level.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0) + finding.check + ": " + finding.text)
            }
            Output.line(
                problems + warnings == 0
                    ? "Every check passed."
                    : "\(problems) problem\(problems == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s").")
        }
        if problems > 0 { throw ExitCode(2) }
        if warnings > 0 { throw ExitCode(1) }
    }
}
