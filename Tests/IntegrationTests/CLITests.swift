import Foundation
import Testing

/// The CLI as a user runs it: real processes, real files, exact output.
@Suite struct CLITests {
    @Test func initCreatesANodeOnceAndNeverOverwrites() throws {
        let node = try TestNode()
        let again = try VVE.run(["init", "--name", "camden", "--dir", node.directory])
        #expect(again.status == 73)
        #expect(again.stdout == "")
        #expect(
            again.stderr
                == "vve: error: \(node.directory)/node.yaml already exists; vve never overwrites a node: choose another --dir, or remove the old node deliberately\n"
        )
        let fresh = temporaryPath("vve-init-")
        defer { try? FileManager.default.removeItem(atPath: fresh) }
        let created = try VVE.run(["init", "--name", "tower-hamlets", "--dir", fresh])
        #expect(created.status == 0)
        #expect(
            created.stdout == """
                Created node tower-hamlets in \(fresh)
                  node.yaml  configuration
                  vve.sqlite  case store (SQLite, WAL, mode 0600)
                Next (docs/guide/certificates-and-peers.md):
                  vve cert request --node tower-hamlets --dns HOSTNAME --dir \(fresh)   # then the region CA signs the .csr
                  vve linkage-key install REGION/linkage.key --dir \(fresh)   # the region's key; `vve linkage-key create` makes the first
                  vve peer add PEER --url https://HOST:PORT --role borough --cert PEER.pem --dir \(fresh)   # each peer, then its policy

                """)
        let badName = try VVE.run(["init", "--name", "Tower Hamlets", "--dir", fresh + "-x"])
        #expect(badName.status == 64)
        #expect(!FileManager.default.fileExists(atPath: fresh + "-x"))
    }

    /// Options are checked when the command runs, so asking for help with options that
    /// would fail prints the help alone.
    @Test func helpIsShownWithoutAnErrorWhateverTheOtherOptions() throws {
        for arguments in [
            ["sync", "--peer", "haringey"], ["audit", "list", "--limit", "0"], ["lookup", "--surname", "Okonjo", "--forename", "Tia"],
        ] {
            let help = try VVE.run(arguments + ["--help"])
            #expect(help.status == 0, "\(arguments)")
            #expect(help.stderr == "", "\(arguments): \(help.stderr)")
            #expect(help.stdout.hasPrefix("OVERVIEW: "), "\(arguments)")
        }
        // Checked before any node is looked for: this folder has none.
        let refused = try VVE.run(["audit", "list", "--limit", "0", "--dir", temporaryPath("vve-no-node-")])
        #expect(refused.status == 64)
        #expect(refused.stdout == "")
        #expect(refused.stderr == "vve: error: --limit must be 1 or more\n")
    }

    @Test func addListShowAndCloseWithExactOutput() throws {
        let node = try TestNode()
        let added = try node.run([
            "record", "add", "county-lines-link", "--review-date", TestDates.review, "--set", "lineName=Tony line",
            "--set", "exportingArea=camden", "--set", #"importingAreas=["norfolk","essex"]"#, "--set", "firstSeen=\(TestDates.firstSeen)",
            "--set", "riskLevel=high", "--set", "grading=2bp",
        ])
        #expect(added.status == 0, "\(added.stderr)")
        let prefix = "Created county-lines-link "
        #expect(added.stdout.hasPrefix(prefix))
        let id = String(added.stdout.dropFirst(prefix.count).prefix(36))
        #expect(added.stdout == "Created county-lines-link \(id) (review by \(TestDates.review))\n")

        let list = try node.run(["record", "list"])
        #expect(list.status == 0)
        #expect(
            list.stdout == """
                ID                                    KIND               STATUS  RISK  REVIEW      LABEL
                \(id)  county-lines-link  active  high  \(TestDates.review)  Tony line
                1 record

                """)

        let shown = try node.run(["record", "show", id, "--json"])
        let record = try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any]
        let fields = record?["fields"] as? [String: Any]
        #expect(record?["owner"] as? String == "camden")
        #expect(record?["version"] as? [String: Int] == ["camden": 1])
        #expect(fields?["grading"] as? String == "2BP")
        #expect(fields?["importingAreas"] as? [String] == ["norfolk", "essex"])

        let closed = try node.run(["record", "close", id])
        #expect(closed.stdout == "Updated county-lines-link \(id) (status closed, version {camden:2})\n")
        let filtered = try node.run(["record", "list", "--status", "active"])
        #expect(filtered.stdout.hasSuffix("\n0 records\n"))
    }

    @Test func importThenExportRoundTripsAndEveryStepIsAudited() throws {
        let node = try TestNode()
        let generated = try VVE.run(["generate", "--count", "25", "--seed", "4"])
        let file = try node.write("batch.ndjson", Data(generated.stdout.utf8))
        let imported = try node.run(["record", "import", file])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.hasPrefix("Imported 25 lines: 25 created ("))

        let refused = try node.run(["record", "export"])
        #expect(refused.status == 64)
        #expect(refused.stderr == "vve: error: --reason is required: say why, in a few words; it is kept in the audit log\n")

        let exported = try node.run(["record", "export", "--kind", "relocation", "--reason", "transfer to new case system"])
        #expect(exported.status == 0)
        // The header, then the records: a filtered export is not whole.
        let header = exported.stdout.prefix { $0 != "\n" }
        #expect(
            header.hasPrefix(#"{"vveExport":{"#)
                && header.hasSuffix(#""node":"camden","records":\#(exported.stdout.split(separator: "\n").count - 1),"whole":false}}"#))
        let lines = exported.stdout.split(separator: "\n").dropFirst()
        #expect(!lines.isEmpty && lines.allSatisfy { $0.contains(#""kind":"relocation""#) })
        #expect(exported.stderr == "vve: exported \(lines.count) record\(lines.count == 1 ? "" : "s")\n")

        let audit = try node.run(["audit", "list", "--json", "--action", "export"])
        let entries = try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(entries.count == lines.count)
        #expect(entries.allSatisfy { $0["justification"] as? String == "transfer to new case system" && $0["actor"] as? String == "j.okafor" })

        let verify = try node.run(["audit", "verify"])
        #expect(verify.status == 0)
        let expectedCount = 25 + lines.count
        #expect(verify.stdout.hasPrefix("Audit chain intact: \(expectedCount) entries, head sha256:"))
        #expect(verify.stdout.count == "Audit chain intact: \(expectedCount) entries, head sha256:".count + 64 + 1)

        // The head anchored elsewhere catches what the chain alone cannot: its end cut off.
        let head = String(verify.stdout.dropLast().suffix(64))
        let anchored = try node.run(["audit", "verify", "--expect", "\(expectedCount):sha256:\(head)"])
        #expect(anchored.status == 0)
        #expect(anchored.stdout.hasSuffix("\nAnchored entries found unchanged: \(expectedCount)\n"))
        try node.tamper("DELETE FROM audit_log WHERE seq > \(expectedCount - 3)")
        #expect(try node.run(["audit", "verify"]).status == 0, "a cut-off end still verifies alone")
        let cut = try node.run(["audit", "verify", "--expect", "\(expectedCount):sha256:\(head)"])
        #expect(cut.status == 1)
        #expect(
            cut.stderr
                == "vve: error: audit log cut short: it ends at entry \(expectedCount - 3), but entry \(expectedCount) was anchored with sha256:\(head); entries after \(expectedCount - 3) were removed. Restore the database from backup and investigate\n"
        )
        let wrong = String(repeating: "0", count: 64)
        let rewritten = try node.run(["audit", "verify", "--expect", "2:\(wrong)"])
        #expect(
            rewritten.status == 1
                && rewritten.stderr.contains("audit log rewritten: entry 2 was anchored with sha256:\(wrong), and it now has sha256:"))
        let malformed = try node.run(["audit", "verify", "--expect", "2:abc"])
        #expect(malformed.status == 64 && malformed.stderr.contains("--expect \"2:abc\" must be an entry's sequence and hash"))
    }

    @Test func updateAndEraseFromTheCommandLine() throws {
        let node = try TestNode()
        let added = try node.run(["record", "add", "county-lines-link", "--json", "-"], stdin: Data(linkJSON().utf8))
        #expect(added.status == 0, "\(added.stderr)")
        let id = String(added.stdout.dropFirst("Created county-lines-link ".count).prefix(36))

        let updated = try node.run(["record", "update", id, "--json", #"{"fields":{"riskLevel":"very-high","nrmReferral":true}}"#])
        #expect(updated.stdout == "Updated county-lines-link \(id) (status active, version {camden:2})\n")
        let unchanged = try node.run(["record", "update", id, "--json", #"{"fields":{"riskLevel":"very-high"}}"#])
        #expect(unchanged.stdout == "No change to county-lines-link \(id): it already holds those values\n")

        let noReason = try node.run(["record", "erase", id])
        #expect(noReason.status == 64)
        let shortReason = try node.run(["record", "erase", id, "--reason", "test"])
        #expect(shortReason.status == 64)
        #expect(
            shortReason.stderr
                == "vve: error: reason: \"test\" is too short: say why in at least 3 words, such as \"retention period ended, case closed\"\n")

        let erased = try node.run(["record", "erase", id, "--reason", "retention period ended, case closed"])
        #expect(erased.stdout == "Erased county-lines-link \(id); its tombstone remains so the erasure can propagate\n")
        let shown = try node.run(["record", "show", id])
        #expect(shown.stdout.contains("erased:"))
        #expect(!shown.stdout.contains("Tony line"))
        let again = try node.run(["record", "update", id, "--json", #"{"status":"closed"}"#])
        #expect(again.status == 3)
        #expect(again.stderr.hasPrefix("vve: error: record \(id) was erased at "))
    }

    @Test func everyCaseCommandNeedsAnOperator() throws {
        let node = try TestNode()
        let before = try node.snapshot()
        for arguments in [["record", "list"], ["record", "add", "relocation", "--json", "-"], ["record", "import", "x.ndjson"]] {
            let result = try node.run(arguments, stdin: Data("{}".utf8), operatorName: nil)
            #expect(result.status == 64)
            #expect(
                result.stderr
                    == "vve: error: no operator: every command that touches case data is audited under a name; pass --operator NAME or set VVE_OPERATOR\n"
            )
        }
        let flagged = try VVE.run(["record", "list", "--operator", "PC 4471 Hale", "--dir", node.directory])
        #expect(flagged.status == 0)
        #expect(try node.snapshot().count == before.count + 1, "the listing is audited under the operator given by flag")
        #expect(try node.snapshot().last?.contains("PC 4471 Hale") == true)
    }

    @Test func theNodeIsFoundByDirOrVVEHomeAndMissingNodesAreExplained() throws {
        let node = try TestNode()
        let elsewhere = NSTemporaryDirectory()
        let byHome = try VVE.run(["record", "list"], in: elsewhere, environment: ["VVE_HOME": node.directory, "VVE_OPERATOR": "j.okafor"])
        #expect(byHome.status == 0)
        let byDir = try VVE.run(["audit", "verify", "--dir", node.directory], in: elsewhere)
        #expect(byDir.status == 0)
        let empty = temporaryPath("vve-empty-")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        let missing = try VVE.run(["audit", "verify"], in: empty)
        #expect(missing.status == 78)
        #expect(
            missing.stderr
                == "vve: error: no node.yaml in \(empty); run `vve init --name NAME --dir \(empty)`, or pass --dir or set VVE_HOME to a node's folder\n"
        )
    }

    @Test func auditVerifyNamesTheFirstTamperedEntry() throws {
        let node = try TestNode()
        let generated = try VVE.run(["generate", "--count", "5"])
        try node.run(["record", "import", try node.write("five.ndjson", Data(generated.stdout.utf8))])
        try node.run(["record", "list"])
        #expect(try node.run(["audit", "verify"]).status == 0)
        try node.tamper("UPDATE audit_log SET justification = 'routine' WHERE seq = 3")
        let broken = try node.run(["audit", "verify"])
        #expect(broken.status == 1)
        #expect(
            broken.stderr
                == "vve: error: audit chain broken: audit entry 3 was altered: its content no longer matches its hash; entries from 3 on cannot be trusted. Restore the database from backup and investigate\n"
        )
    }
}
