import Foundation
import Testing

/// The exact output of `vve cert` and `vve peer`, and their refusals.
@Suite struct PeerCLITests {
    @Test func certShowPrintsEverythingAnAdminComparesAndCAInitNeverOverwrites() throws {
        let region = try TestRegion()
        let camden = try region.node("camden")
        let shown = try VVE.run(["cert", "show", camden.certificate])
        #expect(shown.status == 0)
        let lines = shown.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 8)
        #expect(lines[0] == "subject:     CN=camden,O=vve region")
        #expect(lines[1] == "dns names:   camden, localhost")
        #expect(lines[2] == "issuer:      CN=Test Region CA,O=vve region")
        #expect(lines[3] == "kind:        node certificate")
        #expect(lines[4].range(of: #"^not before:  \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"#, options: .regularExpression) != nil)
        #expect(lines[6] == "expires in:  364 days")
        #expect(lines[7].range(of: #"^fingerprint: sha256:[0-9a-f]{64}$"#, options: .regularExpression) != nil)
        let json = try VVE.run(["cert", "show", camden.certificate, "--json"])
        #expect(json.stdout.contains(#""days-to-expiry": 364"#))
        #expect(json.stdout.contains(#""dns-names": ["#))

        let again = try VVE.run(["cert", "ca-init", "--dir", region.caDirectory, "--name", "Another CA"])
        #expect(again.status == 78)
        #expect(again.stderr == "vve: error: \(region.caDirectory)/ca.pem already exists; a region has one CA: use it, or choose another --dir\n")
        let notACertificate = try VVE.run(["cert", "show", camden.directory + "/node.yaml"])
        #expect(notACertificate.status == 78)
        #expect(
            notACertificate.stderr
                == "vve: error: certificate \(camden.directory)/node.yaml holds no certificate; expected -----BEGIN CERTIFICATE-----\n")
    }

    @Test func peerAddListShowAndRemove() throws {
        let region = try TestRegion()
        let camden = try region.node("camden")
        let haringey = try region.node("haringey")
        #expect(
            try camden.run(["peer", "list"]).stdout
                == "No peers. Add one with `vve peer add NAME --url URL --cert FILE --role ROLE --agreement REF --lawful-basis TEXT`.\n")
        try camden.pin(haringey, port: 7444)
        let fingerprint =
            try VVE.run(["cert", "show", haringey.certificate, "--json"]).stdout
            .firstMatch(of: /sha256:[0-9a-f]{64}/).map { String($0.output) } ?? "?"
        let short = String(fingerprint.prefix(23)) + ".."
        #expect(
            try camden.run(["peer", "list"]).stdout == """
                NAME      ROLE     URL                     PINS                       AGREEMENT
                haringey  borough  https://localhost:7444  \(short)  NL-ISA-2026-004

                """)
        #expect(
            try camden.run(["peer", "show", "haringey"]).stdout == """
                name:          haringey
                url:           https://localhost:7444
                role:          borough
                pin (current): \(fingerprint)
                agreement:     NL-ISA-2026-004
                lawful basis:  Children Act 1989 s.47
                file:          \(camden.directory)/Peers/haringey.yaml

                """)
        let listed = try camden.run(["peer", "list", "--json"]).stdout
        #expect(listed.contains(#""name": "haringey""#) && listed.contains(#""\#(fingerprint)""#))

        let twice = try camden.run([
            "peer", "add", "haringey", "--url", "https://localhost:1", "--cert", haringey.certificate, "--role", "borough",
            "--agreement", "A-1", "--lawful-basis", "Children Act 1989 s.47",
        ])
        #expect(twice.status == 73)
        #expect(
            twice.stderr
                == "vve: error: \(camden.directory)/Peers/haringey.yaml already exists; to rotate its certificate use `vve peer pin haringey --cert FILE`, or remove it first\n"
        )

        #expect(
            try camden.run(["peer", "remove", "haringey"]).stdout
                == "Removed peer haringey (\(camden.directory)/Peers/haringey.yaml); deleted its 0 shared copies here; its copies of 0 records of ours go when its admin removes this node\n"
        )
        let gone = try camden.run(["peer", "show", "haringey"])
        #expect(gone.status == 3)
        #expect(gone.stderr == "vve: error: no peer named haringey: \(camden.directory)/Peers/haringey.yaml does not exist; known peers: none\n")
    }

    @Test func peerAddRefusesWhatCouldNeverWork() throws {
        let region = try TestRegion()
        let camden = try region.node("camden")
        let haringey = try region.node("haringey")
        let rogue = try region.rogueCA()
        let foreign = try region.certificate(for: haringey, stem: region.root + "/foreign", ca: rogue)
        func add(
            _ name: String, cert: String, url: String = "https://localhost:7444", basis: String = "Children Act 1989 s.47"
        ) throws -> ProcessResult {
            try camden.run([
                "peer", "add", name, "--url", url, "--cert", cert, "--role", "borough", "--agreement", "NL-ISA-2026-004", "--lawful-basis", basis,
            ])
        }
        let wrongCA = try add("haringey", cert: foreign)
        #expect(wrongCA.status == 65)
        #expect(wrongCA.stderr.hasPrefix("vve: error: \(foreign): certificate sha256:"))
        #expect(
            wrongCA.stderr.hasSuffix(
                #"was issued by "CN=Rogue CA,O=vve region", not by the region CA in \#(camden.directory)/Certificates/ca.pem; pinning it would never work: get the peer's certificate signed by the region CA"#
                    + "\n"))
        let wrongName = try add("enfield", cert: haringey.certificate)
        #expect(wrongName.status == 65)
        #expect(
            wrongName.stderr
                == "vve: error: \(haringey.certificate): the certificate is for 'haringey', not 'enfield'; pin each peer's own certificate\n")
        let badURL = try add("haringey", cert: haringey.certificate, url: "http://localhost")
        #expect(badURL.status == 64)
        #expect(
            badURL.stderr
                == "vve: error: --url http://localhost: the url must be https://HOST:PORT, such as https://haringey.vve.example:7443, with no path\n")
        let noBasis = try add("haringey", cert: haringey.certificate, basis: "ok")
        #expect(noBasis.status == 64)
        #expect(
            noBasis.stderr
                == "vve: error: --lawful-basis: the lawful basis must be 10-300 characters on one line that name the statute, such as \"Children Act 1989 s.47\"\n"
        )
        let itself = try add("camden", cert: camden.certificate)
        #expect(itself.status == 64)
        #expect(itself.stderr == "vve: error: camden is this node's own name; a node is not its own peer\n")
        #expect(!FileManager.default.fileExists(atPath: camden.directory + "/Peers/haringey.yaml"))
    }

    @Test func aBrokenPeerFileIsNamedWithItsLineAndLeftOut() throws {
        let region = try TestRegion()
        let camden = try region.node("camden")
        try FileManager.default.createDirectory(atPath: camden.directory + "/Peers", withIntermediateDirectories: true)
        let path = camden.directory + "/Peers/enfield.yaml"
        #expect(FileManager.default.createFile(atPath: path, contents: Data("name: enfield\nurl: https://enfield:7443\nrole: borugh\n".utf8)))
        let listed = try camden.run(["peer", "list"])
        #expect(listed.status == 0)
        #expect(listed.stdout.hasPrefix("No peers."))
        #expect(
            listed.stderr == """
                vve: refused peer file: \(path):1: `pins` is missing: list the peer's certificate fingerprint: `pins: [sha256:...]`, as `vve cert show` prints it
                \(path):1: `agreement` is missing: every peer rests on an information sharing agreement: add `agreement:` with `reference:` and `lawful-basis:`
                \(path):3: `role` is "borugh"; it must be one of borough, police, vru

                """)
    }
}
