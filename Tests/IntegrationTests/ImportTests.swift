import Foundation
import GRDB
import Testing

/// Imports a borough repeats export after export from its case management system: a known
/// source reference updates its record, an unchanged line changes nothing, and nothing is
/// ever created twice.
@Suite struct ImportTests {
    /// The generated lines of one seed, as a case system's export of them.
    func export(_ count: Int, seed: Int = 3) throws -> [String] {
        try check(VVE.run(["generate", "--count", "\(count)", "--seed", "\(seed)"])).stdout.split(separator: "\n").map(String.init)
    }

    func records(_ node: TestNode) throws -> [[String: Any]] {
        try JSONSerialization.jsonObject(with: Data(check(node.run(["record", "list", "--json"])).stdout.utf8)) as? [[String: Any]] ?? []
    }

    @Test func importingTheSameExportAgainChangesNothingAndAChangedLineUpdatesItsRecord() throws {
        let node = try TestNode()
        var lines = try export(12)
        #expect(lines.allSatisfy { $0.contains(#""source":{"id":"camden-3-"#) && $0.contains(#""system":"synthetic"}"#) })
        let file = try node.write("cases.ndjson", Data((lines.joined(separator: "\n") + "\n").utf8))

        let kinds = ["county-lines-link", "relocation", "shared-perpetrator"].map { kind in
            "\(lines.filter { $0.contains(#""kind":"\#(kind)""#) }.count) \(kind)"
        }
        let first = try node.run(["record", "import", file])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == "Imported 12 lines: 12 created (\(kinds.joined(separator: ", "))), 0 updated, 0 unchanged, 0 refused\n")
        let created = try node.snapshot()

        // The same export again: nothing written, not even an audit entry.
        let again = try node.run(["record", "import", file])
        #expect(again.stdout == "Imported 12 lines: 0 created, 0 updated, 12 unchanged, 0 refused\n")
        #expect(try node.snapshot() == created)

        // The case system changed one risk level: a dry run says so and writes nothing.
        let index = try #require(lines.firstIndex { $0.contains(#""kind":"relocation""#) && !$0.contains(#""riskLevel":"low""#) })
        lines[index] = lines[index].replacing(#/"riskLevel":"[a-z-]+"/#, with: #""riskLevel":"low""#)
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: file))
        let dry = try node.run(["record", "import", "--dry-run", file])
        #expect(dry.status == 0)
        #expect(dry.stdout == "Dry run, nothing written: 12 lines would give 0 created, 1 updated, 11 unchanged, 0 refused\n")
        #expect(try node.snapshot() == created)
        let applied = try node.run(["record", "import", file])
        #expect(applied.stdout == "Imported 12 lines: 0 created, 1 updated, 11 unchanged, 0 refused\n")
        let listed = try records(node)
        #expect(listed.count == 12)
        let updated = try #require(listed.first { ($0["version"] as? [String: Int]) == ["camden": 2] })
        #expect((updated["fields"] as? [String: Any])?["riskLevel"] as? String == "low")
        let audit = try JSONSerialization.jsonObject(with: Data(check(node.run(["audit", "list", "--json", "--action", "update"])).stdout.utf8))
        #expect((audit as? [[String: Any]])?.map { $0["detail"] as? String } == ["imported from synthetic: changed fields.riskLevel"])
        // The reference stays on the node: no record's document holds it.
        let documents = try node.documents()
        #expect(documents.count == 12 && documents.allSatisfy { !$0.contains("synthetic") && !$0.contains("camden-3-") })
    }

    @Test func aLineAppliesAsAMergePatchSoWhatOthersWroteStays() throws {
        let node = try TestNode()
        // A relocation as the case system exports it, without the acknowledgement, which the
        // receiving authority writes back through vve.
        let generated = try #require(try export(12).first { $0.contains(#""kind":"relocation""#) })
        var object = try #require(try JSONSerialization.jsonObject(with: Data(generated.utf8)) as? [String: Any])
        var fields = try #require(object["fields"] as? [String: Any])
        fields["acknowledgement"] = nil
        object["fields"] = fields
        let file = try node.write("one.ndjson", try JSONSerialization.data(withJSONObject: object))
        #expect(try node.run(["record", "import", file]).status == 0)
        let id = try #require(try records(node).first?["id"] as? String)
        // An officer records an acknowledgement the case system does not carry.
        let acknowledgement = #"{"fields": {"acknowledgement": {"by": "Duty manager, Haringey", "date": "\#(TestDates.day(0))"}}}"#
        #expect(try node.run(["record", "update", id, "--json", acknowledgement]).status == 0)
        // The next export, the same line: the record is as the line would leave it.
        let again = try node.run(["record", "import", file])
        #expect(again.stdout == "Imported 1 line: 0 created, 0 updated, 1 unchanged, 0 refused\n")
        let record = try #require(try records(node).first)
        #expect((record["fields"] as? [String: Any])?["acknowledgement"] != nil)
        #expect(record["version"] as? [String: Int] == ["camden": 2])
    }

    @Test func refusedLinesNameTheSourceAndNothingIsImported() throws {
        let node = try TestNode()
        let lines = try export(3)
        try #require(lines[0].contains(#""kind":"shared-perpetrator""#) && lines[1].contains(#""kind":"relocation""#))
        try #require(lines[2].contains(#""kind":"shared-perpetrator""#))
        #expect(try node.run(["record", "import", try node.write("a.ndjson", Data(lines[0].utf8))]).status == 0)
        let id = try #require(try records(node).first?["id"] as? String)
        let before = try node.snapshot()
        // The second line claims the first's source with another kind; the third names a
        // source twice; the last source is not one.
        let claimed = lines[1].replacingOccurrences(of: #""id":"camden-3-2""#, with: #""id":"camden-3-1""#)
        let badSource = lines[2].replacingOccurrences(of: #""system":"synthetic""#, with: #""system":"Mosaic DB""#)
        let file = try node.write("b.ndjson", Data([claimed, lines[2], lines[2], badSource].joined(separator: "\n").utf8))
        let dry = try node.run(["record", "import", "--dry-run", file])
        #expect(dry.status == 65)
        #expect(dry.stdout == "Dry run, nothing written: 4 lines would give 1 created (1 shared-perpetrator), 0 updated, 0 unchanged, 3 refused\n")
        let refused = try node.run(["record", "import", file])
        #expect(refused.status == 65)
        #expect(refused.stdout.isEmpty)
        #expect(
            refused.stderr == """
                vve: error: line 1: kind: a relocation line has the source of shared-perpetrator record \(id); a source names one record, of one kind: check the source reference
                  line 3: source: synthetic camden-3-3 is also on line 2; an import holds each record once, so keep the line that is current
                  line 4: source.system: "Mosaic DB" must be 1-32 lowercase letters, digits and hyphens, starting with a letter, such as "mosaic"
                  nothing was imported: 3 of 4 lines are refused; fix them and import the file again

                """)
        #expect(try node.snapshot() == before)
    }

    /// A year of birth mistyped by a century is refused with the range, unless the writer
    /// confirms it, and then the audit entry says so; on `record add` and on imports alike.
    @Test func anUnusualAgeIsRefusedUnlessConfirmedAndTheAuditSaysSo() throws {
        let node = try TestNode()
        let relocation = SyncTests().relocation(to: "haringey", person: "Tia").replacingOccurrences(of: "2011-03-04", with: "1931-03-04")
        let refused = try node.run(["record", "add", "relocation", "--json", relocation])
        #expect(refused.status == 65)
        #expect(
            refused.stderr
                == "vve: error: fields.youngPerson.dateOfBirth: \"1931-03-04\" makes the young person 95 at the move (\(TestDates.firstSeen)); the young person is 8 to 25 then as a rule: check the date, or pass --allow-unusual-ages if it is right\n"
        )
        let confirmed = try node.run(["record", "add", "relocation", "--json", relocation, "--allow-unusual-ages"])
        #expect(confirmed.status == 0, "\(confirmed.stderr)")
        let line =
            #"{"kind": "relocation", "source": {"system": "mosaic", "id": "C-1"}, "#
            + relocation.dropFirst().replacingOccurrences(of: "1931-03-04", with: "1920-03-04")
        let file = try node.write("old.ndjson", Data(line.utf8))
        #expect(try node.run(["record", "import", file]).status == 65)
        #expect(try node.run(["record", "import", file, "--allow-unusual-ages"]).stdout.hasPrefix("Imported 1 line: 1 created"))
        let audit = try JSONSerialization.jsonObject(with: Data(check(node.run(["audit", "list", "--json", "--action", "create"])).stdout.utf8))
        #expect(
            (audit as? [[String: Any]])?.map { $0["detail"] as? String } == [
                "unusual age accepted (--allow-unusual-ages): fields.youngPerson.dateOfBirth",
                "unusual age accepted (--allow-unusual-ages): fields.youngPerson.dateOfBirth",
            ])
    }

    @Test func anErasedRecordForgetsItsSourceAndAnEmptyFileIsAnError() throws {
        let node = try TestNode()
        let line = try export(1)[0]
        let file = try node.write("one.ndjson", Data(line.utf8))
        #expect(try node.run(["record", "import", file]).status == 0)
        let id = try #require(try records(node).first?["id"] as? String)
        #expect(try node.run(["record", "erase", id, "--reason", "entered in error"]).status == 0)
        // Nothing of the erased case stays: the reference is gone, and the same line makes a
        // new record.
        #expect(try node.sourceReferences() == [])
        let again = try node.run(["record", "import", file])
        #expect(again.stdout.hasPrefix("Imported 1 line: 1 created ("))
        #expect(try records(node).map { $0["id"] as? String } != [id])

        let empty = try node.run(["record", "import", try node.write("empty.ndjson", Data("\n  \n".utf8))])
        #expect(empty.status == 65)
        #expect(empty.stderr == "vve: error: \(node.directory)/empty.ndjson holds no records: an import reads one JSON record per line\n")
    }
}

/// An export of a node's own records round-trips: imported into a new node of the same name,
/// it restores every record and tombstone as it was, to move a node or rebuild it.
@Suite struct ExportRestoreTests {
    @Test func anExportRestoresIntoANodeOfTheSameNameAndNowhereElse() throws {
        let node = try TestNode()
        let generated = try check(VVE.run(["generate", "--count", "20", "--seed", "5"])).stdout
        #expect(try node.run(["record", "import", try node.write("cases.ndjson", Data(generated.utf8))]).status == 0)
        let listed = try JSONSerialization.jsonObject(with: Data(check(node.run(["record", "list", "--json"])).stdout.utf8)) as? [[String: Any]]
        let ids = (listed ?? []).compactMap { $0["id"] as? String }
        #expect(try node.run(["record", "close", ids[0]]).status == 0)
        #expect(try node.run(["record", "erase", ids[1], "--reason", "entered in error"]).status == 0)

        let exported = try node.run(["record", "export", "--reason", "move to a new server"])
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(exported.stderr == "vve: exported 20 records\n")
        let lines = exported.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 21)
        #expect(lines[0].hasPrefix(#"{"vveExport":{"exportedAt":""#) && lines[0].hasSuffix(#"","node":"camden","records":20,"whole":true}}"#))
        #expect(lines.dropFirst().filter { $0.contains(#""erasedAt":""#) }.count == 1)
        #expect(lines.dropFirst().filter { $0.contains(#""source":{"id":"camden-5-"#) }.count == 19)
        let exportedAt = try #require(lines[0].firstMatch(of: /"exportedAt":"([^"]+)"/)?.1).description

        // Rebuilt: a new node of the same name takes every record back as it was.
        let rebuilt = try TestNode()
        let file = try rebuilt.write("camden.ndjson", Data(exported.stdout.utf8))
        let dry = try rebuilt.run(["record", "import", "--dry-run", file])
        #expect(dry.stdout.hasPrefix("Dry run, nothing written: the export of camden made at \(exportedAt) would give 20 created ("))
        let restored = try rebuilt.run(["record", "import", file])
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(restored.stdout.hasPrefix("Imported the export of camden made at \(exportedAt): 20 created ("))
        #expect(restored.stdout.hasSuffix("), 0 updated, 0 unchanged, 0 refused\n"))
        let again = try check(rebuilt.run(["record", "export", "--reason", "check the rebuilt node"])).stdout.split(separator: "\n").map(String.init)
        #expect(Array(again.dropFirst()) == Array(lines.dropFirst()), "ids, versions, times, tombstones and sources round-trip")
        let audit = try JSONSerialization.jsonObject(with: Data(check(rebuilt.run(["audit", "list", "--json", "--action", "create"])).stdout.utf8))
        #expect(
            (audit as? [[String: Any]])?.allSatisfy { $0["detail"] as? String == "restored from the export of camden made at \(exportedAt)" } == true)
        // The same export again changes nothing; a source it restored is known to imports.
        #expect(try rebuilt.run(["record", "import", file]).stdout.hasSuffix(": 0 created, 0 updated, 20 unchanged, 0 refused\n"))
        let feed = try rebuilt.run(["record", "import", try rebuilt.write("feed.ndjson", Data(generated.utf8))])
        #expect(
            feed.stdout == "Imported 20 lines: 1 created (\(kind(of: generated, line: 1))), 1 updated, 18 unchanged, 0 refused\n", "\(feed.stderr)")

        // Another node's export is refused whole, as is one cut short.
        let haringey = try TestNode(name: "haringey")
        let elsewhere = try haringey.run(["record", "import", try haringey.write("camden.ndjson", Data(exported.stdout.utf8))])
        #expect(elsewhere.status == 65)
        #expect(
            elsewhere.stderr
                == "vve: error: this is an export of camden's records, and this node is haringey: an export is restored only into a node of the same name, since every record id is bound to its owner; run `vve init --name camden` for a new node and import it there\n"
        )
        let short = try TestNode()
        let cut = try short.write("cut.ndjson", Data(lines.dropLast().joined(separator: "\n").utf8))
        let refused = try short.run(["record", "import", cut])
        #expect(refused.stderr == "vve: error: \(cut) says it holds 20 records and holds 19: the export was cut short or edited; export again\n")
    }

    /// The kind of the generated line `line` (from 0), as an import's counts name it.
    func kind(of generated: String, line: Int) -> String {
        let text = generated.split(separator: "\n")[line]
        return "1 " + (text.firstMatch(of: /"kind":"([a-z-]+)"/)?.1).map(String.init)!
    }
}

extension TestNode {
    /// Every record's document, as stored.
    func documents() throws -> [String] {
        try readStore { db in try String.fetchAll(db, sql: "SELECT document FROM record") }
    }

    /// Every source reference the store keeps, as `system id`.
    func sourceReferences() throws -> [String] {
        try readStore { db in
            try String.fetchAll(db, sql: "SELECT source_system || ' ' || source_id FROM record WHERE source_system IS NOT NULL")
        }
    }

    func readStore<T>(_ body: (Database) throws -> T) throws -> T {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: database, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read(body)
    }
}
