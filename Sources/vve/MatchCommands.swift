import ArgumentParser
import Foundation
import VVECore
import VVEConfig
import VVENet

/// `vve linkage-key ...`: the region's secret for match keys.
struct LinkageKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "linkage-key", abstract: "Create the region's linkage key, the secret every node's match keys are made under.",
        subcommands: [CreateLinkageKey.self])
}

struct CreateLinkageKey: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Write a new random 256-bit linkage key (hex, mode 0600). Once per region; copy it to every node's Certificates/linkage.key.")

    @Argument(help: ArgumentHelp("Where to write it.", valueName: "FILE"))
    var file: String

    func run() throws {
        try runReportingFailures {
            var generator = SystemRandomNumberGenerator()
            let bytes = (0..<LinkageKey.minimumBytes).map { _ in UInt8.random(in: 0...255, using: &generator) }
            try PEMFiles.create(file, contents: Hex.encode(bytes) + "\n", mode: 0o600)
            Output.line("Wrote a new linkage key to \(file) (mode 0600). Give every node of the region this same file, by hand,")
            Output.line("never by email or in a peer message; a node with another key matches nobody.")
        }
    }
}

/// Loads the linkage key node.yaml names, refusing one others can read.
func loadLinkageKey(_ configuration: NodeConfiguration, location: NodeLocation) throws -> LinkageKey {
    let path = location.resolve(configuration.linkageKey)
    guard FileManager.default.fileExists(atPath: path) else {
        throw CommandFailure(
            "no linkage key at \(path); every node of a region uses the same one: copy it there (mode 0600), or create the region's first with `vve linkage-key create \(path)`",
            status: .configError)
    }
    try PEMFiles.requirePrivate(path, what: "linkage key")
    guard let key = LinkageKey(hex: try PEMFiles.read(path, what: "linkage key")) else {
        throw CommandFailure("linkage key \(path) is not 64 or more hex digits; restore it from the region's copy", status: .configError)
    }
    return key
}

/// `vve match-quality`: the precision and recall of match keys over thresholds.
struct MatchQualityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match-quality",
        abstract: "Print precision and recall of person matching over thresholds, on synthetic people with realistic errors.",
        discussion: "Tools/match-quality.sh runs this. The key used is a fixed test key: keys do not change the quality.")

    @Option(help: "Pairs of the same person, each with one error (each also gets ten pairs of different people).")
    var positives = 1000

    @Option(help: "The random seed.")
    var seed: UInt64 = 1

    func run() throws {
        try runReportingFailures {
            guard (10...100_000).contains(positives) else { throw CommandFailure("--positives must be 10-100000", status: .usage) }
            let encoder = MatchKeyEncoder(key: LinkageKey(bytes: Array(repeating: 0x5A, count: 32))!)
            let pairs = MatchQuality.pairs(seed: seed, positives: positives, today: Clock.today())
            let thresholds = stride(from: 80, through: 96, by: 1).map { Double($0) / 100 }
            let rows = MatchQuality.table(pairs, encoder: encoder, thresholds: thresholds)
            let errors = MatchQuality.Error.allCases
            Output.line("pairs: \(pairs.filter(\.samePerson).count) same person, \(pairs.filter { !$0.samePerson }.count) different people (a fifth siblings)")
            Output.line("match: an exact key, or Dice >= threshold on the fuzzy encoding; the chosen threshold is \(String(format: "%.2f", MatchKeyEncoder.possibleMatchThreshold))")
            var table = TextTable("THRESHOLD", "PRECISION", "RECALL")
            table.headers += errors.map { "R:" + $0.rawValue }
            for row in rows {
                let marker = abs(row.threshold - MatchKeyEncoder.possibleMatchThreshold) < 0.001 ? " *" : ""
                table.rows.append(
                    [String(format: "%.2f", row.threshold) + marker, String(format: "%.3f", row.precision), String(format: "%.3f", row.recall)]
                        + errors.map { String(format: "%.2f", row.recallByError[$0] ?? 0) })
            }
            Output.line(table.rendered)
        }
    }
}
