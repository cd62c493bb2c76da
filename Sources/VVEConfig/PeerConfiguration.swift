import Foundation
import VVECore
import Yams

/// Where a peer node listens: always `https://HOST:PORT`, with nothing after the port.
package struct PeerURL: Sendable, Hashable, CustomStringConvertible {
    /// The DNS name (or IP literal) the peer's certificate must name.
    package var host: String
    package var port: Int

    /// Parses `https://HOST[:PORT]`; the port defaults to 443. Nil for anything else.
    package init?(_ text: String) {
        guard let components = URLComponents(string: text), components.scheme == "https",
            let host = components.host, !host.isEmpty, components.user == nil, components.password == nil,
            components.path.isEmpty || components.path == "/", components.query == nil, components.fragment == nil
        else { return nil }
        let port = components.port ?? 443
        guard (1...65535).contains(port) else { return nil }
        self.host = host.lowercased()
        self.port = port
    }

    package init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// The rule, for error messages.
    package static let rule = "must be https://HOST:PORT, such as https://haringey.vve.example:7443, with no path"
    package var description: String { "https://\(host):\(port)" }
}

/// The information sharing agreement a peer relationship rests on. Nothing is shared with a
/// peer without one; the sharing policy itself (issue 4) refers to it.
package struct SharingAgreement: Sendable, Hashable {
    /// The agreement's reference, as the signed ISA names it, such as `NL-ISA-2026-004`.
    package var reference: String
    /// The lawful basis for sharing under it, such as `Children Act 1989 s.47; DPA 2018 Sch.8 para 4`.
    package var lawfulBasis: String

    package init(reference: String, lawfulBasis: String) {
        self.reference = reference
        self.lawfulBasis = lawfulBasis
    }

    /// The rule for a reference.
    package static let referenceRule = "must be 2-64 characters of letters, digits, `-`, `/`, `.` or `_`, as the signed agreement names it"
    /// The rule for a lawful basis.
    package static let lawfulBasisRule = "must be 10-300 characters on one line that name the statute, such as \"Children Act 1989 s.47\""

    /// The reference if it is valid, else nil.
    package static func validReference(_ text: String) -> String? {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-/._")
        return (2...64).contains(text.count) && text.allSatisfy(allowed.contains) ? text : nil
    }

    /// The trimmed lawful basis if it is valid, else nil.
    package static func validLawfulBasis(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        return (10...300).contains(trimmed.count) && !trimmed.contains(where: \.isNewline) ? trimmed : nil
    }
}

/// One peer node, from `Peers/NAME.yaml`: who it is, where it listens, which certificates
/// prove it, and under which agreement it is a peer.
package struct PeerConfiguration: Sendable, Hashable {
    package var name: AuthorityName
    package var url: PeerURL
    package var role: PeerRole
    /// The certificates this peer may present: the current one and, during a rotation, the next.
    package var pins: [CertificateFingerprint]
    package var agreement: SharingAgreement
    /// What this node shares with the peer and takes from it; deny-all unless the file says.
    package var policy: SharingPolicy

    /// At most two pins: current and next.
    package static let maximumPins = 2

    package init(
        name: AuthorityName, url: PeerURL, role: PeerRole, pins: [CertificateFingerprint], agreement: SharingAgreement,
        policy: SharingPolicy = .denyAll
    ) {
        self.name = name
        self.url = url
        self.role = role
        self.pins = pins
        self.agreement = agreement
        self.policy = policy
    }

    /// The file name of a peer's configuration in the Peers folder.
    package static func fileName(for name: AuthorityName) -> String { "\(name).yaml" }

    /// Parses a peer file. `file` names it in errors; `expectedName`, when given, is the name
    /// its file name implies, which `name:` must repeat.
    package static func parse(_ text: String, file: String, expectedName: String? = nil) throws(ConfigErrors) -> PeerConfiguration {
        var reader = try YAMLMappingReader.document(text, file: file)
        let name = reader.value(
            "name", required: "set it to the peer's authority name, such as `name: haringey`", rule: AuthorityName.rule,
            AuthorityName.init)
        if let name, let expectedName, name.value.rawValue != expectedName {
            reader.fail(
                line: name.line,
                "`name` is \"\(name.value)\" but the file is named \(expectedName).yaml; rename the file or fix the name, so each peer has one file")
        }
        let url = reader.value(
            "url", required: "set it to where the peer listens, such as `url: https://haringey.vve.example:7443`", rule: PeerURL.rule, PeerURL.init)
        let role = reader.value(
            "role", required: "set it to one of " + PeerRole.allCases.map(\.rawValue).joined(separator: ", "),
            rule: "must be one of " + PeerRole.allCases.map(\.rawValue).joined(separator: ", "), PeerRole.init(rawValue:))
        let pins = readPins(&reader)
        let agreement = readAgreement(&reader)
        let policy = PolicyReader.read(&reader, peer: name?.value.rawValue ?? expectedName ?? "the peer", role: role?.value)
        reader.finish()
        guard let name, let url, let role, let pins, let agreement, let policy, reader.errors.isEmpty else {
            // In file order, so an admin can work down the file.
            throw ConfigErrors(reader.errors.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(\.element))
        }
        return PeerConfiguration(name: name.value, url: url.value, role: role.value, pins: pins, agreement: agreement, policy: policy)
    }

    private static func readPins(_ reader: inout YAMLMappingReader) -> [CertificateFingerprint]? {
        let hint = "list the peer's certificate fingerprint: `pins: [sha256:...]`, as `vve cert show` prints it"
        guard let (node, line) = reader.node("pins") else {
            reader.fail(line: reader.line, "`pins` is missing: \(hint)")
            return nil
        }
        let items: [Node]
        if let sequence = node.sequence {
            items = Array(sequence)
        } else if node.scalar != nil {
            items = [node]
        } else {
            reader.fail(line: line, "`pins` must be a list of fingerprints")
            return nil
        }
        guard (1...maximumPins).contains(items.count) else {
            reader.fail(
                line: line,
                "`pins` has \(items.count) fingerprints; give 1 or 2: the current certificate and, while rotating, the next. Drop the retired one")
            return nil
        }
        var pins: [CertificateFingerprint] = []
        var valid = true
        for item in items {
            let itemLine = item.mark?.line ?? line
            guard let text = item.scalar?.string, let pin = CertificateFingerprint(text) else {
                reader.fail(line: itemLine, "pin \"\(item.scalar?.string ?? "(not a value)")\" \(CertificateFingerprint.formRule)")
                valid = false
                continue
            }
            if pins.contains(pin) {
                reader.fail(line: itemLine, "pin \(pin.short) is listed twice; list each certificate once")
                valid = false
            }
            pins.append(pin)
        }
        return valid ? pins : nil
    }

    private static func readAgreement(_ reader: inout YAMLMappingReader) -> SharingAgreement? {
        let hint = "every peer rests on an information sharing agreement: add `agreement:` with `reference:` and `lawful-basis:`"
        guard let (node, line) = reader.node("agreement") else {
            reader.fail(line: reader.line, "`agreement` is missing: \(hint)")
            return nil
        }
        guard var section = YAMLMappingReader(node, file: reader.file) else {
            reader.fail(line: line, "`agreement` must be a mapping with `reference:` and `lawful-basis:`")
            return nil
        }
        let reference = section.value(
            "reference", required: "name the signed information sharing agreement, such as `reference: NL-ISA-2026-004`",
            rule: SharingAgreement.referenceRule, SharingAgreement.validReference)
        let basis = section.value(
            "lawful-basis", required: "state the lawful basis for sharing, such as `lawful-basis: Children Act 1989 s.47`",
            rule: SharingAgreement.lawfulBasisRule, SharingAgreement.validLawfulBasis)
        section.finish()
        for error in section.errors { reader.fail(line: error.line, error.message) }
        guard let reference, let basis else { return nil }
        return SharingAgreement(reference: reference.value, lawfulBasis: basis.value)
    }

    /// The file's text, as `vve peer add` writes it.
    package var yaml: String { headerYAML + PolicyReader.yaml(policy) }

    /// The file's text before its policy: who the peer is, its pins and its agreement.
    package var headerYAML: String {
        var text = """
            # vve peer file. docs/guide/configuration.md describes every setting.
            name: \(name)
            url: \(url)
            role: \(role.rawValue)
            # SHA-256 fingerprints of the certificates this peer may present: the current one and,
            # during a rotation, the next.
            pins:

            """
        for pin in pins { text += "  - \(pin)\n" }
        text += """
            agreement:
              reference: \(agreement.reference)
              lawful-basis: \(Self.quoted(agreement.lawfulBasis))
            # What this node shares with the peer and takes from it: nothing unless listed.
            # docs/guide/sharing-policy.md lists the kinds, groups and audience rules.

            """
        return text
    }

    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

/// Every peer file in a node's `Peers` folder, read together so that conflicts between files
/// are found: two peers pinning one certificate, or a peer named like this node.
package struct PeerDirectory: Sendable, Equatable {
    /// The peers whose files are valid and do not conflict, by name.
    package var peers: [PeerConfiguration]
    /// The problems, file by file. A peer with a problem is left out: it is refused, never guessed at.
    package var problems: [ConfigErrors]
    /// Files that exist but could not be read (out of file descriptors, say), by name without
    /// `.yaml`: not a statement about the peer, so a running server keeps what it had.
    package var unreadable: [String] = []
    /// Why the folder exists but could not be listed, if it could not: then nothing in this
    /// directory says anything about the peers.
    package var folderProblem: String?

    package init(peers: [PeerConfiguration], problems: [ConfigErrors]) {
        self.peers = peers
        self.problems = problems
    }

    /// The folder name inside a node's folder.
    package static let folderName = "Peers"

    /// Reads every `*.yaml` file in `path`. A missing folder means no peers; one that exists
    /// but cannot be listed is a `folderProblem`, and a file that cannot be read is
    /// `unreadable` as well as a problem.
    package static func load(_ path: String, localNode: AuthorityName) -> PeerDirectory {
        let files = FileManager.default
        let names: [String]
        do {
            names = try files.contentsOfDirectory(atPath: path)
        } catch {
            var isFolder: ObjCBool = false
            guard files.fileExists(atPath: path, isDirectory: &isFolder) else { return PeerDirectory(peers: [], problems: []) }
            var directory = PeerDirectory(peers: [], problems: [])
            directory.folderProblem = "\(path) cannot be listed: \(error.localizedDescription)"
            return directory
        }
        var unreadable: [String] = []
        var sources: [(file: String, text: String, stem: String)] = []
        var problems: [ConfigErrors] = []
        for name in names.sorted() where name.hasSuffix(".yaml") && !name.hasPrefix(".") {
            let file = path + "/" + name
            guard let data = files.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
                problems.append(
                    ConfigErrors([ConfigError(file: file, line: 0, message: "cannot be read as UTF-8 text; fix its permissions or encoding")]))
                unreadable.append(String(name.dropLast(5)))
                continue
            }
            sources.append((file, text, String(name.dropLast(5))))
        }
        var directory = resolve(sources: sources.map { ($0.file, $0.text, $0.stem) }, localNode: localNode, initialProblems: problems)
        directory.unreadable = unreadable
        return directory
    }

    /// Parses and cross-checks peer files given as text; `load` reads them from disk first.
    package static func resolve(
        sources: [(file: String, text: String, stem: String)], localNode: AuthorityName, initialProblems: [ConfigErrors] = []
    ) -> PeerDirectory {
        var problems = initialProblems
        var parsed: [(file: String, peer: PeerConfiguration)] = []
        for source in sources {
            do {
                let peer = try PeerConfiguration.parse(source.text, file: source.file, expectedName: source.stem)
                if peer.name == localNode {
                    problems.append(
                        ConfigErrors([
                            ConfigError(
                                file: source.file, line: 0,
                                message: "names this node (\(localNode)) as its own peer; remove the file")
                        ]))
                    continue
                }
                parsed.append((source.file, peer))
            } catch {
                problems.append(error)
            }
        }
        var owners: [CertificateFingerprint: [Int]] = [:]
        for (index, entry) in parsed.enumerated() {
            for pin in entry.peer.pins { owners[pin, default: []].append(index) }
        }
        var excluded = Set<Int>()
        for (pin, indices) in owners.sorted(by: { $0.key < $1.key }) where indices.count > 1 {
            let names = indices.map { parsed[$0].peer.name.rawValue }.joined(separator: " and ")
            for index in indices where !excluded.contains(index) {
                excluded.insert(index)
                problems.append(
                    ConfigErrors([
                        ConfigError(
                            file: parsed[index].file, line: 0,
                            message:
                                "pins \(pin.short), which \(names) both pin; a certificate identifies one peer only, so both are refused until one pin is removed"
                        )
                    ]))
            }
        }
        let peers = parsed.enumerated().filter { !excluded.contains($0.offset) }.map(\.element.peer)
        return PeerDirectory(peers: peers, problems: problems)
    }
}
