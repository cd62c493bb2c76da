import ArgumentParser
import Foundation
import VVEConfig
import VVECore
import VVENet

/// `vve linkage-key ...`: the region's secret for match keys.
struct LinkageKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "linkage-key", abstract: "Create or install the region's linkage key, the secret every node's match keys are made under.",
        subcommands: [CreateLinkageKey.self, InstallLinkageKey.self])
}

struct CreateLinkageKey: ReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Write a new random 256-bit linkage key (hex, mode 0600). Once per region; copy it to every node's Certificates/linkage.key.",
        discussion: """
            Example:
              vve linkage-key create ~/vve/ca/linkage.key
            """)

    @Argument(help: ArgumentHelp("Where to write it.", valueName: "FILE"))
    var file: String

    func execute() throws {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<LinkageKey.minimumBytes).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try PEMFiles.create(file, contents: Hex.encode(bytes) + "\n", mode: 0o600)
        Output.line("Wrote a new linkage key to \(file) (mode 0600). Give every node of the region this same file, by hand,")
        Output.line("never by email or in a peer message; a node with another key matches nobody.")
    }
}

/// `vve linkage-key install FILE`: puts the region's key where node.yaml's `linkage-key:`
/// says, mode 0600. A running `vve serve` picks it up at a peer's next request, or at once on
/// SIGHUP, so installing needs no restart.
struct InstallLinkageKey: ReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install the region's linkage key into this node, where node.yaml's `linkage-key:` says (mode 0600).",
        discussion: """
            A running `vve serve` starts serving changes and lookups at a peer's next request, or at once on SIGHUP: no restart.
            An installed key is never replaced: a node with another key than the region's matches nobody.

            Example:
              vve linkage-key install /media/usb/linkage.key --dir /srv/vve/camden
            """)

    @Argument(help: ArgumentHelp("The region's key, as `vve linkage-key create` wrote it.", valueName: "FILE"))
    var file: String

    @OptionGroup var location: NodeLocation

    func execute() throws {
        let configuration = try location.configuration()
        let target = location.resolve(configuration.linkageKey)
        let text = try PEMFiles.read(file, what: "linkage key")
        guard let key = LinkageKey(hex: text) else {
            throw CommandFailure(
                "\(file) is not a linkage key: it must be 64 or more hex digits, as `vve linkage-key create` writes; ask the region for its copy",
                status: .usage)
        }
        if FileManager.default.fileExists(atPath: target) {
            let installed = try PEMFiles.read(target, what: "linkage key")
            guard LinkageKey(hex: installed) == key else {
                throw CommandFailure(
                    "\(target) already holds another linkage key; vve never replaces one, since every match key changes with it. If it is wrong, move it aside and install again",
                    status: .configError)
            }
            try PEMFiles.requirePrivate(target, what: "linkage key")
            Output.line("\(target) already holds this key; nothing to do.")
            return
        }
        try PEMFiles.createAtomically(target, contents: key.hex + "\n", mode: 0o600)
        Output.line("Installed the linkage key at \(target) (mode 0600).")
        Output.line("A running `vve serve` uses it from a peer's next request; SIGHUP makes it look at once.")
    }
}

/// `vve match-quality`: the precision and recall of match keys over thresholds, chosen on
/// one generated set and reported on another.
struct MatchQualityCommand: ReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "match-quality",
        abstract: "Print precision and recall of person matching over thresholds, on synthetic people with realistic errors.",
        discussion: """
            Tools/match-quality.sh runs this. Each person sought is recorded twice with one error of each kind in turn, \
            against ten different people: two siblings, a twin, a namesake, a common surname born the same year, and five \
            others. A pair is reported as a lookup reports it: on an exact key, or by the lookup rules (MatchRules). The \
            table is of the set generated with --seed, over the rules' `close` threshold, on which the rules are chosen; \
            the chosen rules are then reported on a second set, generated with --report-seed, with recall by kind and \
            precision by band. Errors found by construction (none, or a name the normaliser's own table maps) and the one \
            declined by design (a changed surname with a common forename) are reported apart. FAIR counts twins and \
            namesakes as fair `possible`s. The key used is a fixed test key: keys do not change the quality.

            Examples:
              vve match-quality
              vve match-quality --positives 10000 --seed 42 --report-seed 43
            """)

    @Option(help: "Pairs of the same person, each with one error (each also gets ten pairs of different people).")
    var positives = 1200

    @Option(help: "The seed of the set thresholds are chosen on.")
    var seed: UInt64 = 1

    @Option(help: "The seed of the set the chosen threshold is reported on (default: --seed + 1000).")
    var reportSeed: UInt64?

    func checkOptions() throws {
        guard (10...100_000).contains(positives) else { throw CommandFailure("--positives must be 10-100000", status: .usage) }
    }

    func execute() throws {
        let encoder = MatchKeyEncoder(key: LinkageKey(bytes: Array(repeating: 0x5A, count: 32))!)
        let today = Clock.today()
        let chosen = MatchRules.standard.close
        let pairs = MatchQuality.realisticPairs(seed: seed, positives: positives, today: today)
        let thresholds = stride(from: 86, through: 96, by: 1).map { Double($0) / 100 }
        let rows = MatchQuality.table(pairs, encoder: encoder, thresholds: thresholds)
        let real = MatchQuality.Error.allCases.filter { !$0.isByConstruction && !$0.isDeclinedByDesign }
        func decimals(_ value: Double, _ places: Int = 3) -> String { String(format: "%.\(places)f", value) }
        Output.line(
            "set 1 (seed \(seed)): \(pairs.filter(\.samePerson).count) same person, \(pairs.filter { !$0.samePerson }.count) different people")
        Output.line("reported: an exact key, or by the lookup rules; THRESHOLD is their `close`, and the chosen one is \(decimals(chosen, 2))")
        var table = TextTable("THRESHOLD", "PRECISION", "FAIR", "RECALL")
        table.headers += real.map { "R:" + $0.rawValue }
        for row in rows {
            let marker = abs(row.threshold - chosen) < 0.001 ? " *" : ""
            table.rows.append(
                [decimals(row.threshold, 2) + marker, decimals(row.precision), decimals(row.fairPrecision), decimals(row.recallOfRealErrors)]
                    + real.map { decimals(row.recallByError[$0] ?? 0, 2) })
        }
        Output.line(table.rendered)
        let second = reportSeed ?? seed &+ 1000
        let reported = MatchQuality.table(
            MatchQuality.realisticPairs(seed: second, positives: positives, today: today), encoder: encoder, thresholds: [chosen])[0]
        func recalls(_ errors: [MatchQuality.Error]) -> String {
            errors.map { "\($0.rawValue) \(decimals(reported.recallByError[$0] ?? 0, 2))" }.joined(separator: ", ")
        }
        Output.line("")
        Output.line("set 2 (seed \(second)), at \(decimals(chosen, 2)):")
        Output.line(
            "  precision \(decimals(reported.precision)); fair \(decimals(reported.fairPrecision)); recall of real errors \(decimals(reported.recallOfRealErrors))"
        )
        Output.line("  recall by kind: " + recalls(real))
        let bandNames = [1: "match", 2: "possible", 3: "possible, one name other"]
        Output.line(
            "  by band: "
                + reported.bands.keys.sorted().map { band in
                    let figures = reported.bands[band]!
                    return
                        "\(bandNames[band] ?? "\(band)") \(figures.hits) hits, precision \(decimals(figures.precision)), fair \(decimals(figures.fairPrecision))"
                }.joined(separator: "; "))
        Output.line("  found by construction, apart: " + recalls(MatchQuality.Error.allCases.filter(\.isByConstruction)))
        Output.line("  declined by design, apart: " + recalls(MatchQuality.Error.allCases.filter(\.isDeclinedByDesign)))
    }
}

/// `vve match-curve` (hidden; `Tools/bench-lookup.sh` runs it): what blocking costs against
/// scoring every person, as the number of people held grows. In process, on the same index
/// type the lookup responder uses.
struct MatchCurveCommand: ReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "match-curve", abstract: "Time blocked fuzzy matching against a full scan, by index size.", shouldDisplay: false)

    @Option(help: "Index sizes, comma separated.")
    var sizes = "1000,10000,100000"

    @Option(help: "Queries per size.")
    var queries = 200

    private var counts: [Int] { sizes.split(separator: ",").compactMap { Int($0) } }

    func checkOptions() throws {
        guard !counts.isEmpty, counts.allSatisfy({ (1...2_000_000).contains($0) }), (1...10_000).contains(queries) else {
            throw CommandFailure("--sizes must be numbers from 1 to 2000000, --queries 1-10000", status: .usage)
        }
    }

    func execute() throws {
        let encoder = MatchKeyEncoder(key: LinkageKey(bytes: Array(repeating: 0x5A, count: 32))!)
        var people = SyntheticRecords(seed: 17, owner: AuthorityName("camden")!, today: Clock.today())
        var encodings: [FuzzyEncoding] = []
        var table = TextTable("PEOPLE", "ENCODE US", "INDEX US", "CANDIDATES", "BLOCKED US", "SCAN US", "SCAN/BLOCKED", "HITS KEPT")
        let clock = ContinuousClock()
        var encodingTime = Duration.zero
        for count in counts.sorted() {
            let added = count - encodings.count
            let people = (0..<max(0, added)).map { _ in people.nextPerson(ageRange: 10...19) }
            encodingTime += clock.measure { for person in people { encodings.append(encoder.keys(for: person).fuzzy) } }
            var index = MatchIndex(for: encoder)
            let indexing = clock.measure {
                for (slot, encoding) in encodings.prefix(count).enumerated() { index.insert(id: Int64(slot), fuzzy: encoding) }
                index.mergeRecent()
            }
            // Queries: held people with one letter of the surname changed, so each has a
            // true neighbour, and strangers.
            var strangers = SyntheticRecords(seed: 18, owner: AuthorityName("camden")!, today: Clock.today())
            let probes = (0..<queries).map { number -> FuzzyEncoding in
                number % 2 == 0 ? encodings[(number * 7919) % count] : encoder.keys(for: strangers.nextPerson(ageRange: 10...19)).fuzzy
            }
            var candidates = 0
            var blockedHits = 0
            var scanHits = 0
            let blocked = clock.measure {
                for probe in probes {
                    let result = index.matches(of: probe, rules: .standard)
                    candidates += result.candidates
                    blockedHits += result.matches.count
                }
            }
            let scan = clock.measure {
                for probe in probes { scanHits += index.scanAll(probe, rules: .standard).count }
            }
            let perQuery = { (duration: Duration) in
                (Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12) / Double(queries)
            }
            let microseconds = { (duration: Duration) in
                Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
            }
            table.add(
                "\(count)", String(format: "%.2f", microseconds(encodingTime) / Double(encodings.count)),
                String(format: "%.2f", microseconds(indexing) / Double(count)), String(format: "%.0f", Double(candidates) / Double(queries)),
                String(format: "%.1f", perQuery(blocked)),
                String(format: "%.1f", perQuery(scan)), String(format: "%.1f", perQuery(scan) / perQuery(blocked)),
                "\(blockedHits)/\(scanHits)")
        }
        Output.line(table.rendered)
    }
}
