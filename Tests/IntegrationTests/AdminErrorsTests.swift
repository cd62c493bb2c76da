import Foundation
import Testing

/// What an admin sees when a command, an option or a peer file is not what vve expects: the
/// word at fault, what was probably meant and how to go on. Exact output, real processes.
@Suite struct AdminErrorsTests {
    @Test func anUnknownCommandIsNamedBeforeItsOptions() throws {
        let region = try TestRegion()
        defer { withExtendedLifetime(region) {} }
        let camden = try region.node("camden")
        let misspelt = try camden.run(["recrod", "list"])
        #expect(misspelt.status == 64)
        #expect(
            misspelt.stderr
                == "vve: error: `recrod` is not a command of `vve`. Did you mean `record`? The commands are demo, init, record, audit, cert, peer, serve, policy, sync, lookup, status, missing, copy, conflicts, review, doctor, linkage-key, match-quality, generate, report, backup; `vve --help` says more\n"
        )
        let nested = try camden.run(["peer", "ad", "haringey"])
        #expect(nested.status == 64)
        #expect(
            nested.stderr
                == "vve: error: `ad` is not a command of `vve peer`. Did you mean `add`? The commands are add, pin, list, show, remove, check; `vve peer --help` says more\n"
        )
        let early = try VVE.run(["peer", "--dir", camden.directory, "list"])
        #expect(early.status == 64)
        #expect(
            early.stderr
                == "vve: error: `--dir` goes after the command: `vve peer COMMAND --dir ...`, where COMMAND is one of add, pin, list, show, remove, check\n"
        )
        // What is right still runs, the default subcommand of `demo` included.
        #expect(try camden.run(["peer", "list"]).status == 0)
        #expect(try VVE.run(["demo", "--help"]).stdout.contains("USAGE: vve demo"))
    }

    @Test func aPeerFileSaysWhichKeyWasMeantAndWhereItsIndentationIsWrong() throws {
        let region = try TestRegion()
        defer { withExtendedLifetime(region) {} }
        let camden = try region.node("camden")
        let haringey = try region.node("haringey")
        try camden.pin(haringey, port: 7444)
        let file = camden.directory + "/Peers/haringey.yaml"
        let written = try String(contentsOfFile: file, encoding: .utf8)
        func problems(_ text: String) throws -> [String] {
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            let checked = try camden.run(["policy", "check"])
            #expect(checked.status == 78)
            return checked.stderr.split(separator: "\n").map(String.init)
        }
        let lines = written.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let urlLine = try #require(lines.firstIndex { $0.hasPrefix("url: ") })
        var typo = lines
        typo[urlLine] = typo[urlLine].replacingOccurrences(of: "url:", with: "ur1:")
        let typoProblems = try problems(typo.joined(separator: "\n"))
        #expect(
            typoProblems.contains {
                $0.hasSuffix(
                    "\(file):\(urlLine + 1): `ur1` is not a known setting here (did you mean `url`?); known settings are `accept`, `aggregates`, `agreement`, `ask-aggregates`, `ask-lookups`, `lookups`, `name`, `pins`, `role`, `share`, `url`"
                )
            }, "\(typoProblems)")

        let referenceLine = try #require(lines.firstIndex { $0.hasPrefix("  reference: ") })
        var indented = lines
        indented[referenceLine + 1] = " " + indented[referenceLine + 1].trimmingCharacters(in: .whitespaces)
        #expect(
            try problems(indented.joined(separator: "\n")).first
                == "vve: error: \(file):\(referenceLine + 2): is not valid YAML: this line is not indented like the keys around it; a key lines up with the other keys of its section, two spaces deeper than the section's name"
        )
        var unclosed = lines
        unclosed[referenceLine] = "  reference: [NL-ISA-2026-004"
        #expect(
            try problems(unclosed.joined(separator: "\n")).first
                == "vve: error: \(file):\(referenceLine + 1): is not valid YAML: a `[` list that is not closed; end it with `]` on the line it opens"
        )
        var tabbed = lines
        tabbed[referenceLine] = "\treference: NL-ISA-2026-004"
        #expect(
            try problems(tabbed.joined(separator: "\n")).first
                == "vve: error: \(file):\(referenceLine + 1): is not valid YAML: a character that cannot start a value here, most often a tab; indent with spaces"
        )
    }

    @Test func peerAddWritesTheSharingPolicyItsOptionsGive() throws {
        let region = try TestRegion()
        defer { withExtendedLifetime(region) {} }
        let camden = try region.node("camden")
        let haringey = try region.node("haringey")
        let police = try region.node("met-police")
        let base = ["--agreement", "NL-ISA-2026-004", "--lawful-basis", "Children Act 1989 s.47"]
        func add(_ peer: RegionNode, role: String, _ options: [String]) throws -> ProcessResult {
            try camden.run(
                ["peer", "add", peer.name, "--url", "https://localhost:7444", "--role", role, "--cert", peer.certificate] + base + options)
        }
        let added = try add(
            haringey, role: "borough",
            ["--share", "relocation:placement,follow-up,status", "--accept", "relocation:follow-up", "--lookups", "yes", "--ask-lookups"])
        #expect(added.status == 0, "\(added.stderr)")
        let lines = added.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines.first?.hasPrefix("Added peer haringey (borough) at https://localhost:7444, pinning sha256:") == true)
        #expect(lines.dropFirst().first == "  \(camden.directory)/Peers/haringey.yaml")
        #expect(
            lines.last
                == "  Policy: shares relocation [placement, follow-up, status] with originating-authority, receiving-authority; accepts relocation [follow-up]; answers lookups: yes; sends it lookups. `vve policy explain --peer haringey --record ID` shows a record as it would receive it."
        )
        let file = try String(contentsOfFile: camden.directory + "/Peers/haringey.yaml", encoding: .utf8)
        #expect(
            file.hasSuffix(
                """
                share:
                  review-days: 90
                  relocation:
                    audience: [originating-authority, receiving-authority]
                    groups: [placement, follow-up, status]
                accept:
                  relocation: [follow-up]
                lookups: yes
                ask-lookups: yes
                aggregates: no

                """), "\(file)")
        try camden.appendSetting("lookup-contact: Camden MASH duty desk, 020 7946 0000")
        #expect(try camden.run(["policy", "check"]).status == 0)

        let toPolice = try add(police, role: "police", ["--share", "shared-perpetrator:profile,status", "--lookups", "police"])
        #expect(toPolice.status == 0, "\(toPolice.stderr)")
        #expect(
            toPolice.stdout.hasSuffix(
                "  Policy: shares shared-perpetrator [profile, status] with police; answers lookups: police. `vve policy explain --peer met-police --record ID` shows a record as it would receive it.\n"
            ))

        let enfield = try region.node("enfield")
        let refusals: [([String], String)] = [
            (
                ["--share", "relocaton:placement"],
                "--share relocaton:placement: `relocaton` is not a record kind (did you mean `relocation`?); kinds are county-lines-link, relocation, shared-perpetrator, missing-episode"
            ),
            (
                ["--share", "relocation"],
                "--share relocation: name the groups too, such as relocation:contacts,follow-up; the groups of relocation are contacts, follow-up, identity, placement, status"
            ),
            (
                ["--share", "relocation:placemnt"],
                "the policy the options give is refused: `share.relocation.groups`: `placemnt` is not a group of relocation (did you mean `placement`?); its groups are contacts, follow-up, identity, placement, status; fix the option, or add the peer and edit \(camden.directory)/Peers/enfield.yaml"
            ),
        ]
        for (options, message) in refusals {
            let refused = try add(enfield, role: "borough", options)
            #expect(refused.status == 64)
            #expect(refused.stderr == "vve: error: \(message)\n")
        }
        #expect(!FileManager.default.fileExists(atPath: camden.directory + "/Peers/enfield.yaml"))
        let plain = try add(enfield, role: "borough", [])
        #expect(plain.stdout.hasSuffix("  Shares nothing yet: give --share, or edit the file (docs/guide/sharing-policy.md).\n"))
    }

    /// Every command's `--help` teaches by example: found by walking `vve --help` down to
    /// each runnable command, so that a new command without one fails here.
    @Test func everyCommandsHelpHasAnExample() throws {
        var missing: [String] = []
        var visited = 0
        func walk(_ path: [String]) throws {
            let help = try check(VVE.run(path + ["--help"])).stdout
            guard let section = help.components(separatedBy: "SUBCOMMANDS:").dropFirst().first else {
                visited += 1
                if !help.contains("\nExample:\n") && !help.contains("\nExamples:\n") { missing.append(path.joined(separator: " ")) }
                return
            }
            let names = section.split(separator: "\n").compactMap { line -> String? in
                guard line.hasPrefix("  "), !line.hasPrefix("   "), !line.hasPrefix("  See ") else { return nil }
                return line.split(separator: " ").first.map(String.init)
            }
            for name in names { try walk(path + [name]) }
        }
        try walk([])
        #expect(visited > 40)
        #expect(missing.isEmpty, "\(missing)")
    }
}
