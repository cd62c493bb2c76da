import Foundation
import Testing

/// One piece of bad input, and how vve must answer it.
struct BadInput: CustomTestStringConvertible, Sendable {
    var name: String
    var arguments: [String]
    var stdin: [UInt8]
    var status: Int32
    /// The whole of stderr, or a part of it where it echoes a long value.
    var stderr: String
    var exact = true

    var testDescription: String { name }

    static func add(_ name: String, json: String, status: Int32 = 65, stderr: String, exact: Bool = true) -> BadInput {
        BadInput(
            name: name, arguments: ["record", "add", "county-lines-link", "--json", "-"], stdin: Array(json.utf8), status: status, stderr: stderr,
            exact: exact)
    }

    static let cases: [BadInput] = [
        .add("malformed JSON", json: #"{"reviewDate": "#, stderr: "vve: error: invalid JSON at line 1, column 16: unexpected end of input\n"),
        BadInput(
            name: "bytes that are not UTF-8", arguments: ["record", "add", "county-lines-link", "--json", "-"],
            stdin: Array(#"{"reviewDate": "2027-01-01", "fields": {"lineName": ""#.utf8) + [0xFF, 0xFE] + Array(#""}}"#.utf8),
            status: 65, stderr: "vve: error: invalid JSON at line 1, column 53: string is not valid UTF-8\n"),
        BadInput(
            name: "an unknown kind on the command line", arguments: ["record", "add", "missing-person"], stdin: [], status: 64,
            stderr:
                "Error: The value 'missing-person' is invalid for '<kind>'. Please provide one of 'county-lines-link', 'relocation', 'shared-perpetrator' or 'missing-episode'.",
            exact: false),
        .add(
            "an unknown field", json: linkJSON(fields: #", "colour": "red""#),
            stderr:
                "vve: error: fields.colour: is not a known field here; known fields are: cuckooedAddresses, dealLines, exportingArea, firstSeen, grading, importingAreas, lastSeen, lineName, linkedPeople, nrmReferral, riskLevel\n"
        ),
        .add(
            "a missing required field", json: linkJSON().replacingOccurrences(of: #", "riskLevel": "high""#, with: ""),
            stderr: "vve: error: fields.riskLevel: is required: one of low, medium, high, very-high\n"),
        .add(
            "a date that is not a date", json: linkJSON(fields: #", "lastSeen": "2026-13-01""#),
            stderr: "vve: error: fields.lastSeen: \"2026-13-01\" is not a real date; write it as YYYY-MM-DD (for example 2026-03-14)\n"),
        .add(
            "an impossible date", json: linkJSON(fields: #", "lastSeen": "2026-02-30""#),
            stderr: "vve: error: fields.lastSeen: \"2026-02-30\" is not a real date; write it as YYYY-MM-DD (for example 2026-03-14)\n"),
        .add(
            // The date suggested is today's when vve runs, which a run crossing midnight would
            // make tomorrow's: the message is checked up to it.
            "a review date in the past", json: linkJSON(reviewDate: "2020-01-01"),
            stderr: "vve: error: reviewDate: \"2020-01-01\" is in the past; set a review date of 20", exact: false),
        .add(
            "a wrong enum value", json: linkJSON().replacingOccurrences(of: #""riskLevel": "high""#, with: #""riskLevel": "severe""#),
            stderr: "vve: error: fields.riskLevel: \"severe\" is not one of: low, medium, high, very-high\n"),
        .add(
            "text over its size limit", json: linkJSON().replacingOccurrences(of: "Tony line", with: String(repeating: "x", count: 101)),
            stderr: "is 101 characters long; the limit is 100\n", exact: false),
        .add(
            "several problems at once", json: linkJSON(fields: #", "grading": "9ZZ", "nrmReferral": "yes""#),
            stderr: """
                vve: error: fields.nrmReferral: "yes" is a string; expected true or false
                  fields.grading: "9ZZ" is not a 3x5x2 grading; write source 1-3, information A-E and handling P or C, as in 2BP

                """),
        BadInput(
            name: "a record update to an id that does not exist",
            arguments: ["record", "update", "01a209d4-e4af-71d9-9c1a-2533df440516", "--json", #"{"status":"closed"}"#], stdin: [],
            status: 3,
            stderr: "vve: error: no record with id 01a209d4-e4af-71d9-9c1a-2533df440516; `vve record list` shows the records this node holds\n"),
        BadInput(
            name: "a patch that is not an object", arguments: ["record", "update", "01a209d4-e4af-71d9-9c1a-2533df440516", "--json", "-"],
            stdin: Array("[1]".utf8), status: 65,
            stderr: "vve: error: the patch is an array; a merge patch is an object such as {\"status\": \"closed\"}\n"),
        BadInput(
            name: "an import file that does not exist", arguments: ["record", "import", "nowhere.ndjson"], stdin: [], status: 66,
            stderr: "vve: error: cannot read nowhere.ndjson: it does not exist\n"),
    ]
}

@Suite struct BadInputTests {
    @Test(arguments: BadInput.cases)
    func badInputIsExplainedAndChangesNothing(_ input: BadInput) throws {
        let node = try TestNode()
        let seeded = try node.run(["record", "add", "county-lines-link", "--json", "-"], stdin: Data(linkJSON().utf8))
        #expect(seeded.status == 0, "\(seeded.stderr)")
        let before = try node.snapshot()
        let result = try node.run(input.arguments, stdin: Data(input.stdin))
        #expect(result.status == input.status)
        #expect(result.stdout == "")
        if input.exact {
            #expect(result.stderr == input.stderr)
        } else {
            #expect(result.stderr.contains(input.stderr), "stderr was: \(result.stderr)")
        }
        #expect(try node.snapshot() == before)
    }

    @Test func anImportWithOneBadLineImportsNothingAndNamesTheLine() throws {
        let node = try TestNode()
        let generated = try VVE.run(["generate", "--count", "6", "--seed", "8"]).stdout
        var lines = generated.split(separator: "\n").map(String.init)
        lines[3] = lines[3].replacingOccurrences(of: #""riskLevel":"#, with: #""riskLevel":"extreme","was":"#)
        lines.insert("", at: 2)
        let file = try node.write("batch.ndjson", Data(lines.joined(separator: "\n").utf8))
        let before = try node.snapshot()
        let result = try node.run(["record", "import", file])
        #expect(result.status == 65)
        #expect(result.stdout == "")
        let reported = result.stderr.split(separator: "\n")
        #expect(reported.first?.hasPrefix("vve: error: line 5: ") == true, "the blank line still counts: \(result.stderr)")
        #expect(reported.last == "  nothing was imported: 1 of 6 lines are refused; fix them and import the file again")
        #expect(try node.snapshot() == before)
    }

    @Test func aDatabaseThatIsNotSQLiteIsRefusedUntouched() throws {
        let node = try TestNode()
        let garbage = Data(repeating: 0x42, count: 4096)
        try FileManager.default.removeItem(atPath: node.database)
        #expect(FileManager.default.createFile(atPath: node.database, contents: garbage))
        let result = try node.run(["record", "list"])
        #expect(result.status == 74)
        #expect(
            result.stderr
                == "vve: error: \(node.database) is not an SQLite database (the file header is wrong); restore the node's vve.sqlite from backup\n")
        #expect(FileManager.default.contents(atPath: node.database) == garbage)
    }

    @Test func aDatabaseFromANewerVersionIsRefusedUntouched() throws {
        let node = try TestNode()
        try node.tamper("INSERT INTO grdb_migrations(identifier) VALUES ('2099-01-new-tables')")
        let before = try node.snapshot()
        let result = try node.run(["record", "add", "county-lines-link", "--json", "-"], stdin: Data(linkJSON().utf8))
        #expect(result.status == 74)
        #expect(
            result.stderr
                == "vve: error: \(node.database) was written by a newer version of vve (unknown migrations: 2099-01-new-tables); upgrade vve to open it\n"
        )
        #expect(try node.snapshot() == before)
    }

    @Test func aBrokenNodeYAMLPointsAtTheLine() throws {
        let node = try TestNode()
        let path = node.directory + "/node.yaml"
        #expect(FileManager.default.createFile(atPath: path, contents: Data("name: camden\nport: 8443\n".utf8)))
        let result = try node.run(["record", "list"])
        #expect(result.status == 78)
        #expect(
            result.stderr
                == "vve: error: \(path):2: `port` is not a known setting here; known settings are `aggregate-tables-per-peer-per-day`, `ca-certificate`, `certificate`, `connections-per-address`, `database`, `disclosure-threshold`, `handshake-timeout-seconds`, `linkage-key`, `listen`, `lookup-contact`, `maximum-connections`, `metrics`, `name`, `operator-lookups-per-day`, `operator-lookups-per-minute`, `peer-lookups-per-day`, `peer-lookups-per-minute`, `private-key`, `refusal-audit-window-seconds`, `report-lag-days`, `report-tables-per-analyst-per-day`, `review-grace-days`, `rounding-base`, `series-breaks`, `tombstone-days`\n"
        )
    }
}
