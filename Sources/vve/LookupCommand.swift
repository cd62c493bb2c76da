import ArgumentParser
import Foundation
import VVEConfig
import VVECore
import VVENet
import VVEStore
import VVESync

/// `vve lookup`: is this person known to any other authority in the region?
struct LookupCommand: AsyncAuditedCommand {
    static let configuration = CommandConfiguration(
        commandName: "lookup", abstract: "Ask every peer that takes this node's lookups whether it knows a person: hit or no hit.",
        discussion: """
            The name never leaves this node: peers receive the person's match keys, the reason and the case reference. \
            Each peer answers with who holds a matching record and whom to call, never the case. Both sides audit the \
            lookup. Each hit says why it matched (WHY): a slip in a name, the names in the other order, another forename \
            with the same surname and date of birth, and so on. Peers find these themselves: ask once, with the names as \
            you have them.

            Example:
              vve lookup --surname Okonjo --forename Tia --dob 2011-03-04 \\
                --reason "missing child enquiry" --case-ref CAD-4471/26

            Exit codes: 0 every peer answered and at least one has a hit; 1 every peer answered, none with a hit; \
            2 some peer gave no answer or refused and none that answered has a hit, so a miss cannot be concluded; 5 a hit, \
            and some peer gave no answer or refused; 75 you are over your lookup limit.
            """)

    @Option(help: "The person's surname.")
    var surname: String

    @Option(help: "The person's forename (the first one is what matches).")
    var forename: String

    @Option(help: ArgumentHelp("Full date of birth.", valueName: "YYYY-MM-DD"))
    var dob: String?

    @Option(help: ArgumentHelp("Year of birth, when the full date is not known.", valueName: "YYYY"))
    var yob: String?

    @Option(
        help: ArgumentHelp(
            "Another name the person is known by (repeatable, at most \(LookupQuery.maximumAliases); each counts against the lookup limits as a name).",
            valueName: "NAME"))
    var alias: [String] = []

    @Option(
        help:
            "Why you are looking this person up: at least three words, sent with the lookup and kept in both sides' audit logs; never the person's name."
    )
    var reason: String?

    @Option(name: .customLong("case-ref"), help: ArgumentHelp("Your case reference, sent with the lookup.", valueName: "REF"))
    var caseReference: String?

    @Option(help: "Seconds to wait for each peer (1-60).")
    var timeout = 10

    @Flag(help: "Print the results as JSON.")
    var json = false

    /// For `Tools/bench-lookup.sh`: each peer's round trip and answering time, on stderr.
    @Flag(help: .hidden)
    var timing = false

    @OptionGroup var operatorOption: OperatorOption
    @OptionGroup var location: NodeLocation

    func checkOptions() throws {
        _ = try checkedRequest()
    }

    /// The reason and the person, checked: what the options alone can refuse.
    private func checkedRequest() throws -> (justification: Justification, person: Person) {
        guard let reason else {
            throw CommandFailure("no reason: a lookup is refused without one; pass --reason \"why, in a few words\"", status: .usage)
        }
        let justification: Justification
        do { justification = try Justification(reason) } catch { throw CommandFailure(error.description, status: .usage) }
        if let caseReference, let rule = LookupQuery.caseReferenceRule(caseReference) {
            throw CommandFailure("case-ref: \"\(caseReference)\" \(rule)", status: .usage)
        }
        guard (1...60).contains(timeout) else { throw CommandFailure("--timeout must be 1-60 seconds", status: .usage) }
        let person = try lookupPerson()
        if let named = Self.nameIn([reason, caseReference ?? ""], of: person) {
            throw CommandFailure(
                "the reason or case reference contains \"\(named)\", a name of the person looked up; both are sent to every peer asked, so say why without the name",
                status: .usage)
        }
        return (justification, person)
    }

    func execute(on node: OpenedNode, context: OperationContext) async throws {
        let (justification, person) = try checkedRequest()
        let configuration = node.configuration
        let store = node.store
        let key = try location.linkageKey(configuration)
        let directory = PeerDirectory.load(location.peersFolder, localNode: configuration.name)
        let peers = directory.peers.filter(\.policy.askLookups)
        guard !peers.isEmpty else {
            throw CommandFailure(
                "no peer takes this node's lookups: add `ask-lookups: yes` to the file in \(location.peersFolder) of each peer whose agreement covers lookups",
                status: .configError)
        }
        let encoder = MatchKeyEncoder(key: key)
        let variants = person.lookupKeys(encoder)
        if let refusal = try store.lookupRefusal(
            names: variants.count, from: context.actor.rawValue, limits: configuration.operatorLookupLimits, at: context.time)
        {
            try store.audit([
                AuditEvent(
                    time: context.time, actor: context.actor.rawValue, action: .refuse, justification: justification.text,
                    detail: "lookup refused: \(refusal)")
            ])
            throw CommandFailure("lookup refused: \(refusal)", status: .rateLimited)
        }
        let identity = try NodeIdentity.load(configuration, directory: location.directory)
        let query = LookupQuery(
            lookupID: UUID().uuidString.lowercased(), variants: variants, reason: justification,
            caseReference: caseReference?.trimmingWhitespace())
        let transport = NetworkLookupTransport(registry: PeerRegistry(PeerDirectory(peers: peers, problems: [])), identity: identity)
        let report = await LookupFanOut.ask(query, peers: peers.map(\.name), transport: transport, timeout: .seconds(timeout))
        if timing {
            for (peer, time) in transport.timings.byPeer {
                Output.note("timing \(peer) round-trip-ms \(time.roundTripMilliseconds) server-ms \(time.serverMilliseconds.map { "\($0)" } ?? "-")")
            }
        }
        try store.recordLookup(
            AuditEvent(
                time: context.time, actor: context.actor.rawValue, action: .lookup, justification: justification.text,
                detail: Self.auditDetail(query, report)), names: query.variants.count, report: report)
        if json {
            Output.json(report.jsonValue)
        } else {
            Output.line(Self.render(report))
        }
        throw ExitCode(report.exitCode)
    }

    func lookupPerson() throws -> Person {
        guard alias.count <= LookupQuery.maximumAliases else {
            throw CommandFailure(
                "--alias is given \(alias.count) times; a lookup names at most \(LookupQuery.maximumAliases) aliases, each matched as a name of its own",
                status: .usage)
        }
        var dateOfBirth: PartialDate?
        switch (dob, yob) {
        case (.some, .some): throw CommandFailure("give --dob or --yob, not both", status: .usage)
        case (.some(let text), nil):
            guard let date = CalendarDate(text) else {
                throw CommandFailure("--dob \"\(text)\" is not a real date; write it as YYYY-MM-DD", status: .usage)
            }
            dateOfBirth = PartialDate(year: date.year, month: date.month, day: date.day)
        case (nil, .some(let text)):
            guard let year = Int(text), (1900...2100).contains(year) else {
                throw CommandFailure("--yob \"\(text)\" is not a year; write it as YYYY", status: .usage)
            }
            dateOfBirth = PartialDate(year: year)
        case (nil, nil): break
        }
        var issues = IssueCollector()
        let value = Person(forenames: forename, surname: surname, dateOfBirth: dateOfBirth, aliases: alias).jsonValue
        guard let person = Person.read(from: value, at: .root, issues: &issues), !person.lookupVariants.isEmpty else {
            throw CommandFailure(issues.issues.map(\.description).joined(separator: "\n"), status: .usage)
        }
        return person
    }

    /// A word of `texts` that is one of the person's names (forenames, surname, aliases),
    /// compared as match keys compare them: the name must not travel beside its keys.
    static func nameIn(_ texts: [String], of person: Person) -> String? {
        let names = ([person.forenames, person.surname].compactMap { $0 } + person.aliases)
            .flatMap { $0.split(whereSeparator: { $0.isWhitespace || $0 == "-" }) }
            .map { NameNormaliser.fold(String($0)) }
            .filter { $0.count >= 2 }
        for text in texts {
            for word in text.split(whereSeparator: { !$0.isLetter && $0 != "'" }) where names.contains(NameNormaliser.fold(String(word))) {
                return String(word)
            }
        }
        return nil
    }

    /// What the asking node's audit log keeps: ids, keys and outcomes, never the name.
    static func auditDetail(_ query: LookupQuery, _ report: LookupReport) -> String {
        var text = "lookup \(query.lookupID)"
        if let reference = query.caseReference { text += ", case \(reference)" }
        text += "; keys: " + query.variants.map(\.auditText).joined(separator: " | ")
        text += "; asked " + report.results.map(\.peer.rawValue).joined(separator: ", ") + "; "
        text += report.results.map { peer, result in
            switch result {
            case .answered(let answer) where answer.hits.isEmpty: "\(peer): no hit"
            case .answered(let answer):
                "\(peer): "
                    + answer.hits.map { "\($0.reference) \($0.label.rawValue) \(LookupHit.format($0.score)) \($0.reason?.rawValue ?? "-")" }
                    .joined(separator: ", ")
            case .refused(let reason): "\(peer): refused (\(reason))"
            case .noAnswer(let reason): "\(peer): no answer (\(reason))"
            }
        }.joined(separator: "; ")
        return text + "; outcome \(report.outcome.rawValue)"
    }

    /// The readable report: each peer asked, in name order, with its hits as a table.
    static func render(_ report: LookupReport) -> String {
        var lines: [String] = []
        for (peer, result) in report.results {
            switch result {
            case .answered(let answer) where answer.hits.isEmpty:
                lines.append("\(peer): no hit")
            case .answered(let answer):
                lines.append("\(peer): \(answer.hits.count) hit\(answer.hits.count == 1 ? "" : "s")")
                var table = TextTable("  MATCH", "SCORE", "WHY", "KIND", "OWNER", "RISK", "STATUS", "REFERENCE", "CONTACT")
                for hit in answer.hits {
                    table.add(
                        "  " + hit.label.rawValue, LookupHit.format(hit.score), hit.reason?.text ?? "-", hit.kind.rawValue, hit.owner.rawValue,
                        hit.riskLevel?.rawValue ?? "-", hit.status?.rawValue ?? "-", hit.reference.description, hit.contact ?? "-")
                }
                lines.append(table.rendered)
            case .refused(let reason):
                lines.append("\(peer): REFUSED: \(reason)")
            case .noAnswer(let reason):
                lines.append("\(peer): NO ANSWER: \(reason)")
            }
        }
        let asked = report.results.count
        switch report.outcome {
        case .hits:
            lines.append("Known elsewhere: every peer asked answered (\(asked)). A `possible` match is confirmed through the contact, never assumed.")
        case .noHits:
            lines.append("Not known: none of the \(asked) peer\(asked == 1 ? "" : "s") asked holds a matching record.")
        case .incomplete, .hitsIncomplete:
            let missing = report.results.filter { if case .answered = $0.result { false } else { true } }.map(\.peer.rawValue)
            lines.append("Incomplete: \(missing.joined(separator: ", ")) did not answer; a miss there cannot be concluded.")
        }
        lines.append("Lookup \(report.lookupID) is in the audit log here and at each peer that answered.")
        return lines.joined(separator: "\n")
    }
}
