import ArgumentParser
import Foundation
import VVEConfig
import VVECore
import VVENet
import X509

/// `vve peer ...`: the peer files under `Peers/`.
struct PeerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peer", abstract: "Add, list, show, re-pin, remove and check peer nodes (Peers/NAME.yaml).",
        discussion: "A running `vve serve` picks up every change within a second, and on SIGHUP.",
        subcommands: [PeerAdd.self, PeerPin.self, PeerList.self, PeerShow.self, PeerRemove.self, PeerCheckCommand.self])
}

struct PeerAdd: ReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a peer: its URL, role, pinned certificate and sharing agreement. Never overwrites.",
        discussion: """
            Without --share, --accept or --lookups the peer receives nothing: the file shares nothing until edited. \
            docs/guide/sharing-policy.md lists the kinds and their groups.

            Examples:
              vve peer add haringey --url https://haringey.vve.example:7443 \\
                --role borough --cert haringey.pem --agreement NL-ISA-2026-004 \\
                --lawful-basis "Children Act 1989 s.47" \\
                --share relocation:placement,follow-up,status \\
                --accept relocation:follow-up --lookups yes --ask-lookups
              vve peer add vru --url https://vru.vve.example:7443 --role vru \\
                --cert vru.pem --agreement NL-ISA-2026-004 \\
                --lawful-basis "Crime and Disorder Act 1998 s.115"

            Exit codes: 0 added; 64 an option is refused; 65 the certificate is pinned by another peer; 73 the peer file exists.
            """)

    @Argument(help: ArgumentHelp("The peer's name, such as haringey.", valueName: "NAME"))
    var name: String

    @Option(help: ArgumentHelp("Where the peer listens: https://HOST:PORT.", valueName: "URL"))
    var url: String

    @Option(help: ArgumentHelp("The peer's certificate (PEM) to pin; give it twice to pin current and next.", valueName: "FILE"))
    var cert: [String] = []

    @Option(help: "The peer's role: borough, police or vru.")
    var role: PeerRole

    @Option(help: ArgumentHelp("The information sharing agreement's reference.", valueName: "REF"))
    var agreement: String

    @Option(help: ArgumentHelp("The lawful basis for sharing with this peer.", valueName: "TEXT"))
    var lawfulBasis: String

    @Option(
        help: ArgumentHelp(
            "Share a kind's groups with the peer (repeatable), to the audience its role implies: a borough the places the record names, the police and the VRU by role.",
            valueName: "KIND:GROUP,GROUP"))
    var share: [String] = []

    @Option(help: ArgumentHelp("With --share: days a shared copy is kept before review.", valueName: "DAYS"))
    var reviewDays = 90

    @Option(help: ArgumentHelp("Take these groups of a kind from the peer (repeatable); only groups it receives.", valueName: "KIND:GROUP,GROUP"))
    var accept: [String] = []

    @Option(help: ArgumentHelp("Answer the peer's lookups: yes, no, or police (only while its role is police).", valueName: "ANSWER"))
    var lookups = "no"

    @Flag(help: "Send this node's lookups to the peer.")
    var askLookups = false

    @OptionGroup var location: NodeLocation

    func checkOptions() throws {
        _ = try checkedOptions()
        _ = try starter.yaml(for: role)
    }

    private var starter: StarterPolicy {
        StarterPolicy(share: share, reviewDays: reviewDays, accept: accept, lookups: lookups, askLookups: askLookups)
    }

    /// The URL and the agreement, checked: what the options alone can refuse.
    private func checkedOptions() throws -> (url: PeerURL, agreement: SharingAgreement) {
        guard let peerURL = PeerURL(url) else { throw CommandFailure("--url \(url): the url \(PeerURL.rule)", status: .usage) }
        guard (1...PeerConfiguration.maximumPins).contains(cert.count) else {
            throw CommandFailure("--cert is required once (the current certificate) or twice (current and next)", status: .usage)
        }
        guard let reference = SharingAgreement.validReference(agreement) else {
            throw CommandFailure("--agreement \(agreement): the reference \(SharingAgreement.referenceRule)", status: .usage)
        }
        guard let basis = SharingAgreement.validLawfulBasis(lawfulBasis) else {
            throw CommandFailure("--lawful-basis: the lawful basis \(SharingAgreement.lawfulBasisRule)", status: .usage)
        }
        return (peerURL, SharingAgreement(reference: reference, lawfulBasis: basis))
    }

    func execute() throws {
        let (peerURL, sharingAgreement) = try checkedOptions()
        let files = try PeerFiles(location)
        let peerName = try files.name(name)
        guard peerName != files.node.name else {
            throw CommandFailure("\(name) is this node's own name; a node is not its own peer", status: .usage)
        }
        let path = files.path(of: peerName)
        if FileManager.default.fileExists(atPath: path) {
            throw CommandFailure(
                "\(path) already exists; to rotate its certificate use `vve peer pin \(peerName) --cert FILE`, or remove it first",
                status: .nodeExists)
        }
        var pins: [CertificateFingerprint] = []
        var warnings: [String] = []
        for file in cert {
            let (pin, problems) = try files.pinnable(file, for: peerName, url: peerURL)
            if pins.contains(pin) { throw CommandFailure("--cert \(file) is the same certificate twice; give it once", status: .usage) }
            pins.append(pin)
            warnings += problems
        }
        let unshared = PeerConfiguration(name: peerName, url: peerURL, role: role, pins: pins, agreement: sharingAgreement)
        let policy = try starter.yaml(for: role)
        let peer: PeerConfiguration
        do {
            peer = try PeerConfiguration.parse(unshared.headerYAML + policy, file: path, expectedName: peerName.rawValue)
        } catch {
            let problems = error.errors.map(\.message).joined(separator: "; ")
            throw CommandFailure(
                "the policy the options give is refused: \(problems); fix the option, or add the peer and edit \(path)", status: .usage)
        }
        let others = PeerDirectory.load(location.peersFolder, localNode: files.node.name).peers
        if let clash = others.first(where: { !Set($0.pins).isDisjoint(with: pins) }) {
            throw CommandFailure(
                "peer \(clash.name) already pins this certificate; a certificate identifies one peer only", status: .invalidInput)
        }
        try files.write(peer)
        for warning in warnings { Output.note("warning: " + warning) }
        Output.line("Added peer \(peerName) (\(role.rawValue)) at \(peerURL), pinning \(pins.map(\.short).joined(separator: " and "))")
        Output.line("  \(path)")
        Output.line(peer.policySummary)
    }
}

extension PeerConfiguration {
    /// One line on what the peer receives and may do, after `vve peer add`.
    var policySummary: String {
        guard !policy.share.isEmpty || policy.lookups != .no || policy.askLookups || !policy.accept.isEmpty else {
            return "  Shares nothing yet: give --share, or edit the file (docs/guide/sharing-policy.md)."
        }
        var parts: [String] = []
        for kind in RecordKind.allCases {
            guard let grant = policy.share[kind] else { continue }
            parts.append(
                "shares \(kind.rawValue) [\(kind.orderedGroupNames(grant.groups).joined(separator: ", "))] with \(grant.audience.map(\.rawValue).sorted().joined(separator: ", "))"
            )
        }
        for kind in RecordKind.allCases {
            guard let groups = policy.accept[kind] else { continue }
            parts.append("accepts \(kind.rawValue) [\(kind.orderedGroupNames(groups).joined(separator: ", "))]")
        }
        parts.append("answers lookups: \(policy.lookups.rawValue)")
        if policy.askLookups { parts.append("sends it lookups") }
        return "  Policy: " + parts.joined(separator: "; ")
            + ". `vve policy explain --peer \(name) --record ID` shows a record as it would receive it."
    }
}

struct PeerPin: ReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "pin", abstract: "Rotate a peer's certificate: pin a new one as next, or (--only) as the only pin.",
        discussion: """
            Rotation without an outage: pin the peer's new certificate (`vve peer pin NAME --cert new.pem`), let the \
            peer switch to it, then drop the old pin (`vve peer pin NAME --cert new.pem --only`).

            Examples:
              vve peer pin haringey --cert haringey-2027.pem --dir ~/vve/camden
              vve peer pin haringey --cert haringey-2027.pem --only --dir ~/vve/camden
            """)

    @Argument(help: ArgumentHelp("The peer's name.", valueName: "NAME"))
    var name: String

    @Option(help: ArgumentHelp("The peer's new certificate (PEM).", valueName: "FILE"))
    var cert: String

    @Flag(help: "Make this the only pin, dropping the others.")
    var only = false

    @OptionGroup var location: NodeLocation

    func execute() throws {
        let files = try PeerFiles(location)
        var peer = try files.load(try files.name(name))
        let (pin, warnings) = try files.pinnable(cert, for: peer.name, url: peer.url)
        if only {
            peer.pins = [pin]
        } else {
            guard !peer.pins.contains(pin) else {
                throw CommandFailure("\(peer.name) already pins \(pin.short); nothing to change", status: .usage)
            }
            guard peer.pins.count < PeerConfiguration.maximumPins else {
                throw CommandFailure(
                    "\(peer.name) already pins two certificates (current and next); finish that rotation first with `--only`",
                    status: .usage)
            }
            peer.pins.append(pin)
        }
        try files.write(peer)
        for warning in warnings { Output.note("warning: " + warning) }
        Output.line("Peer \(peer.name) now pins \(peer.pins.map(\.short).joined(separator: " and "))")
    }
}

struct PeerList: ReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the peers, and any peer file that is refused.",
        discussion: """
            Example:
              vve peer list --dir ~/vve/camden
            """)

    @Flag(help: "Print a JSON array instead of a table.")
    var json = false

    @OptionGroup var location: NodeLocation

    func execute() throws {
        let files = try PeerFiles(location)
        let directory = PeerDirectory.load(location.peersFolder, localNode: files.node.name)
        if json {
            Output.json(.array(directory.peers.map(\.jsonValue)))
        } else if directory.peers.isEmpty {
            Output.line("No peers. Add one with `vve peer add NAME --url URL --cert FILE --role ROLE --agreement REF --lawful-basis TEXT`.")
        } else {
            var table = TextTable("NAME", "ROLE", "URL", "PINS", "AGREEMENT")
            for peer in directory.peers {
                table.add(
                    peer.name.rawValue, peer.role.rawValue, peer.url.description, peer.pins.map(\.short).joined(separator: " "),
                    peer.agreement.reference)
            }
            Output.line(table.rendered)
        }
        for problem in directory.problems {
            Output.note("refused peer file: \(problem)")
        }
    }
}

struct PeerShow: ReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one peer's settings.",
        discussion: """
            Example:
              vve peer show haringey --json --dir ~/vve/camden
            """)

    @Argument(help: ArgumentHelp("The peer's name.", valueName: "NAME"))
    var name: String

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @OptionGroup var location: NodeLocation

    func execute() throws {
        let files = try PeerFiles(location)
        let peer = try files.load(try files.name(name))
        if json {
            Output.json(peer.jsonValue)
            return
        }
        Output.line("name:          \(peer.name)")
        Output.line("url:           \(peer.url)")
        Output.line("role:          \(peer.role.rawValue)")
        for (index, pin) in peer.pins.enumerated() {
            Output.line((index == 0 ? "pin (current): " : "pin (next):    ") + pin.description)
        }
        Output.line("agreement:     \(peer.agreement.reference)")
        Output.line("lawful basis:  \(peer.agreement.lawfulBasis)")
        Output.line("file:          \(files.path(of: peer.name))")
    }
}

struct PeerRemove: NodeCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove a peer and delete the copies of its records held here. A running server refuses it within a second.",
        discussion: """
            Example:
              vve peer remove haringey --dir ~/vve/camden
            """)

    @Argument(help: ArgumentHelp("The peer's name.", valueName: "NAME"))
    var name: String

    @OptionGroup var location: NodeLocation

    func execute(on node: OpenedNode) throws {
        let files = try PeerFiles(location)
        let peerName = try files.name(name)
        let path = files.path(of: peerName)
        guard FileManager.default.fileExists(atPath: path) else {
            _ = try files.load(peerName)
            return
        }
        do {
            try FileManager.default.removeItem(atPath: path)
        } catch {
            throw CommandFailure("cannot remove \(path): \(error.localizedDescription)", status: .configError)
        }
        let store = node.store
        let forgotten = try store.forgetPeer(peerName, actor: "vve peer remove", at: Clock.now())
        Output.line(
            "Removed peer \(peerName) (\(path)); deleted its \(forgotten.copiesDeleted) shared cop\(forgotten.copiesDeleted == 1 ? "y" : "ies") here; "
                + "its copies of \(forgotten.holdings) record\(forgotten.holdings == 1 ? "" : "s") of ours go when its admin removes this node")
    }
}

struct PeerCheckCommand: AsyncReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Connect to a peer and report the handshake, its identity against the pin, expiry, clock skew and round trip.",
        discussion: """
            Warns, without failing, when a certificate expires within 30 days, when the clocks differ by more than a minute, \
            and when either node lacks the region's linkage key, so that syncs and lookups between them would fail.

            Example:
              vve peer check haringey --dir ~/vve/camden

            Exit codes: 0 every step passed; 4 a step failed, and the message names the cause.
            """)

    @Argument(help: ArgumentHelp("The peer's name.", valueName: "NAME"))
    var name: String

    @Option(help: "Seconds to wait for each stage.")
    var timeout = 5

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @OptionGroup var location: NodeLocation

    func checkOptions() throws {
        guard (1...120).contains(timeout) else { throw CommandFailure("--timeout must be 1-120 seconds", status: .usage) }
    }

    func execute() async throws {
        let files = try PeerFiles(location)
        let peer = try files.load(try files.name(name))
        let identity = try NodeIdentity.load(files.node, directory: location.directory)
        var report = await PeerCheck.run(peer: peer, identity: identity, timeout: .seconds(timeout))
        let sharesOrAnswers = !peer.policy.share.isEmpty || peer.policy.lookups != .no
        if sharesOrAnswers, !FileManager.default.fileExists(atPath: location.resolve(files.node.linkageKey)) {
            report.warnings.append(
                "this node has no linkage key: \(peer.name) cannot pull from it or look people up here until you run `vve linkage-key install FILE`")
        }
        if json {
            Output.json(report.jsonValue)
        } else {
            Output.line("Checking peer \(peer.name) at \(peer.url)")
            for (step, finding) in report.steps {
                Output.line("  " + (step + ":").padding(toLength: 15, withPad: " ", startingAt: 0) + finding)
            }
            for warning in report.warnings { Output.line("  warning:       " + warning) }
            if report.succeeded { Output.line("Peer check passed.") }
        }
        if let failure = report.failure {
            throw CommandFailure("peer check of \(peer.name) failed: \(failure.label): \(failure)", status: .peerCheckFailed)
        }
    }
}

extension PeerConfiguration {
    /// The peer as JSON, for `vve peer list --json` and `show --json`.
    var jsonValue: JSONValue {
        [
            "name": .string(name.rawValue),
            "url": .string(url.description),
            "role": .string(role.rawValue),
            "pins": .array(pins.map { .string($0.description) }),
            "agreement": ["reference": .string(agreement.reference), "lawful-basis": .string(agreement.lawfulBasis)],
        ]
    }
}
