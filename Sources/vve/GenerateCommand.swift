import ArgumentParser
import Foundation
import VVEConfig
import VVECore
import VVEStore

/// `vve generate`: synthetic records for tests, benchmarks and demos.
struct GenerateCommand: ReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Print synthetic, fictional records as NDJSON, ready for `vve record import`.",
        discussion: """
            The same seed, owner and day always give the same records. Each has a source reference, \
            {"system": "synthetic", "id": "OWNER-SEED-N"} (OWNER-KIND-SEED-N with --kind), as a case management \
            system's export would: importing the output again updates those records rather than adding more.

            Examples:
              vve generate --count 500 --owner haringey --seed 7 > haringey.ndjson
              vve generate --kind relocation --count 20 | vve record import - \\
                --dir ~/vve/camden
            """)

    @Option(help: "Only this kind (default: a realistic mix).")
    var kind: RecordKind?

    @Option(help: "How many records.")
    var count: Int = 10

    @Option(help: "The random seed.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("The borough the records belong to.", valueName: "NAME"))
    var owner: String = "camden"

    func checkOptions() throws {
        guard AuthorityName(owner) != nil else {
            throw CommandFailure("--owner \(owner): the name \(AuthorityName.rule)", status: .usage)
        }
        guard count >= 0 else { throw CommandFailure("--count must be 0 or more", status: .usage) }
    }

    func execute() throws {
        let ownerName = AuthorityName(owner)!
        var generator = SyntheticRecords(seed: seed, owner: ownerName, today: Clock.today())
        var buffer = ""
        for index in 0..<count {
            var line = generator.nextDraft(kind: kind).jsonValue.objectValue ?? JSONObject()
            line["source"] = ["system": "synthetic", "id": .string("\(ownerName)-\(kind.map { "\($0.rawValue)-" } ?? "")\(seed)-\(index + 1)")]
            buffer += JSONWriter.canonical(.object(line)) + "\n"
            if index % 1000 == 999 {
                FileHandle.standardOutput.write(Data(buffer.utf8))
                buffer = ""
            }
        }
        FileHandle.standardOutput.write(Data(buffer.utf8))
    }
}
