import Testing
import VVEConfig
import VVECore

@Suite struct PeerConfigurationTests {
    static let pin = "sha256:1de03cc69784f2a00b1519e84ba3e5300199b117d92af42ce5e4e81f18c9afbb"
    static let nextPin = "sha256:204e838d7ac9eb94e019e46de464529d3e2d2548cd0b53ebced70906a3eb3ba8"
    static let valid = """
        name: haringey
        url: https://haringey.vve.example:7443
        role: borough
        pins:
          - \(pin)
        agreement:
          reference: NL-ISA-2026-004
          lawful-basis: "Children Act 1989 s.47"

        """

    func errors(_ text: String, expectedName: String? = "haringey") -> [String] {
        do {
            _ = try PeerConfiguration.parse(text, file: "Peers/haringey.yaml", expectedName: expectedName)
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }

    @Test func whatPeerAddWritesParsesBack() throws {
        let peer = try PeerConfiguration.parse(Self.valid, file: "Peers/haringey.yaml", expectedName: "haringey")
        #expect(peer.name.rawValue == "haringey")
        #expect(peer.url == PeerURL(host: "haringey.vve.example", port: 7443))
        #expect(peer.role == .borough)
        #expect(peer.pins.map(\.description) == [Self.pin])
        #expect(peer.agreement == SharingAgreement(reference: "NL-ISA-2026-004", lawfulBasis: "Children Act 1989 s.47"))
        #expect(try PeerConfiguration.parse(peer.yaml, file: "x", expectedName: "haringey") == peer)
        var rotated = peer
        rotated.pins.append(CertificateFingerprint(Self.nextPin)!)
        rotated.agreement.lawfulBasis = #"Children Act 1989 s.47 "and" \ DPA 2018"#
        #expect(try PeerConfiguration.parse(rotated.yaml, file: "x") == rotated)
    }

    @Test func everyProblemIsReportedWithItsLineAndFix() {
        let text = """
            name: Haringey
            url: http://haringey:7443/v1
            role: council
            pins:
              - sha256:abc
            agreement:
              reference: "NL ISA 2026"
              lawful-basis: because
              signed: yes
            colour: blue

            """
        #expect(
            errors(text) == [
                "Peers/haringey.yaml:1: `name` is \"Haringey\"; it must be 2-63 lowercase letters, digits or hyphens, starting with a letter (for example tower-hamlets)",
                "Peers/haringey.yaml:2: `url` is \"http://haringey:7443/v1\"; it must be https://HOST:PORT, such as https://haringey.vve.example:7443, with no path",
                "Peers/haringey.yaml:3: `role` is \"council\"; it must be one of borough, police, vru",
                "Peers/haringey.yaml:5: pin \"sha256:abc\" must be sha256: followed by the certificate's 64-digit SHA-256 fingerprint, as `vve cert show` prints it",
                "Peers/haringey.yaml:7: `reference` is \"NL ISA 2026\"; it must be 2-64 characters of letters, digits, `-`, `/`, `.` or `_`, as the signed agreement names it",
                "Peers/haringey.yaml:8: `lawful-basis` is \"because\"; it must be 10-300 characters on one line that name the statute, such as \"Children Act 1989 s.47\"",
                "Peers/haringey.yaml:9: `signed` is not a known setting here; known settings are `lawful-basis`, `reference`",
                "Peers/haringey.yaml:10: `colour` is not a known setting here; known settings are `accept`, `aggregates`, `agreement`, `ask-aggregates`, `ask-lookups`, `lookups`, `name`, `pins`, `role`, `share`, `url`",
            ])
    }

    @Test func missingSettingsSayWhatToAdd() {
        #expect(
            errors("name: haringey\n") == [
                "Peers/haringey.yaml:1: `url` is missing: set it to where the peer listens, such as `url: https://haringey.vve.example:7443`",
                "Peers/haringey.yaml:1: `role` is missing: set it to one of borough, police, vru",
                "Peers/haringey.yaml:1: `pins` is missing: list the peer's certificate fingerprint: `pins: [sha256:...]`, as `vve cert show` prints it",
                "Peers/haringey.yaml:1: `agreement` is missing: every peer rests on an information sharing agreement: add `agreement:` with `reference:` and `lawful-basis:`",
            ])
        let noBasis = Self.valid.replacingOccurrences(of: "  lawful-basis: \"Children Act 1989 s.47\"\n", with: "")
        #expect(
            errors(noBasis) == [
                "Peers/haringey.yaml:7: `lawful-basis` is missing: state the lawful basis for sharing, such as `lawful-basis: Children Act 1989 s.47`"
            ])
    }

    @Test func pinsAreOneOrTwoDistinctFingerprints() {
        let three = Self.valid.replacingOccurrences(
            of: "  - \(Self.pin)\n", with: "  - \(Self.pin)\n  - \(Self.nextPin)\n  - sha256:\(String(repeating: "ab", count: 32))\n")
        #expect(
            errors(three) == [
                "Peers/haringey.yaml:4: `pins` has 3 fingerprints; give 1 or 2: the current certificate and, while rotating, the next. Drop the retired one"
            ])
        let twice = Self.valid.replacingOccurrences(
            of: "  - \(Self.pin)\n", with: "  - \(Self.pin)\n  - \(Self.pin.uppercased().replacingOccurrences(of: "SHA256", with: "sha256"))\n")
        #expect(errors(twice) == ["Peers/haringey.yaml:6: pin sha256:1de03cc69784f2a0.. is listed twice; list each certificate once"])
        let empty = Self.valid.replacingOccurrences(of: "pins:\n  - \(Self.pin)\n", with: "pins: []\n")
        #expect(
            errors(empty) == [
                "Peers/haringey.yaml:4: `pins` has 0 fingerprints; give 1 or 2: the current certificate and, while rotating, the next. Drop the retired one"
            ])
    }

    @Test func theFileNameAndTheNameMustAgree() {
        #expect(
            errors(Self.valid, expectedName: "enfield") == [
                "Peers/haringey.yaml:1: `name` is \"haringey\" but the file is named enfield.yaml; rename the file or fix the name, so each peer has one file"
            ])
    }

    @Test func aFolderRefusesPeersThatShareAPinOrNameThisNode() {
        let enfield = Self.valid.replacingOccurrences(of: "name: haringey", with: "name: enfield")
        let camden = Self.valid.replacingOccurrences(of: "name: haringey", with: "name: camden")
            .replacingOccurrences(of: Self.pin, with: Self.nextPin)
        let directory = PeerDirectory.resolve(
            sources: [
                ("Peers/camden.yaml", camden, "camden"), ("Peers/enfield.yaml", enfield, "enfield"),
                ("Peers/haringey.yaml", Self.valid, "haringey"), ("Peers/broken.yaml", "name: [", "broken"),
            ],
            localNode: AuthorityName("camden")!)
        #expect(directory.peers.isEmpty)
        #expect(
            directory.problems.map(\.description) == [
                "Peers/camden.yaml: names this node (camden) as its own peer; remove the file",
                "Peers/broken.yaml:2: is not valid YAML: did not find expected node content",
                "Peers/enfield.yaml: pins sha256:1de03cc69784f2a0.., which enfield and haringey both pin; a certificate identifies one peer only, so both are refused until one pin is removed",
                "Peers/haringey.yaml: pins sha256:1de03cc69784f2a0.., which enfield and haringey both pin; a certificate identifies one peer only, so both are refused until one pin is removed",
            ])
    }

    @Test func urlsAndListenAddresses() {
        #expect(PeerURL("https://Haringey.example")?.description == "https://haringey.example:443")
        #expect(PeerURL("https://10.0.0.5:7443/")?.description == "https://10.0.0.5:7443")
        for bad in ["http://x:1", "https://user@x:1", "https://x:1/path", "https://x:1?q", "https://x:0", "x:7443", ""] {
            #expect(PeerURL(bad) == nil, "\(bad)")
        }
        #expect(ListenAddress("0.0.0.0:7443") == ListenAddress(host: "0.0.0.0", port: 7443))
        #expect(ListenAddress("127.0.0.1:0")?.port == 0)
        for bad in [":7443", "host", "host:70000", "host:x", "a b:1"] {
            #expect(ListenAddress(bad) == nil, "\(bad)")
        }
    }
}
