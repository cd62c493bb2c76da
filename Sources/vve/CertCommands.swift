import ArgumentParser
import Foundation
import VVECore
import VVENet
import X509

/// `vve cert ...`: the region CA and node certificates.
struct CertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cert", abstract: "Create the region CA, request and sign node certificates, and inspect them.",
        discussion: "A node's private key is made on the node and never leaves it; only its request travels to the CA.",
        subcommands: [CAInit.self, CertRequest.self, CertSign.self, CertShow.self])
}

struct CAInit: ReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "ca-init", abstract: "Create the region CA: ca.key (mode 0600) and ca.pem in a folder. Never overwrites.",
        discussion: """
            Example:
              vve cert ca-init --dir ~/vve/ca --name "North London Region CA"
            """)

    @Option(help: ArgumentHelp("The CA's folder.", valueName: "DIR"))
    var dir: String

    @Option(help: ArgumentHelp("The CA's name, such as \"North London Region CA\".", valueName: "NAME"))
    var name: String

    func execute() throws {
        let ca = try RegionCA.create(in: dir, name: name)
        Output.line("Created region CA \"\(name.trimmingCharacters(in: .whitespaces))\" in \(dir)")
        Output.line("  \(RegionCA.keyFile)  private key (mode 0600): keep it offline and backed up")
        Output.line("  \(RegionCA.certificateFile)  certificate: copy it to every node as Certificates/ca.pem")
        Output.line("  fingerprint \(CertificateFiles.fingerprint(ca.certificate))")
    }
}

struct CertRequest: ReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "request", abstract: "Make this node's private key and a certificate request (CSR) for the CA to sign.",
        discussion: """
            Example:
              vve cert request --node camden --dns vve.camden.gov.uk --dir ~/vve/camden
            """)

    @Option(help: ArgumentHelp("The node's name, which the certificate will carry.", valueName: "NAME"))
    var node: String

    @Option(help: ArgumentHelp("A further DNS name peers reach this node by (repeatable).", valueName: "HOST"))
    var dns: [String] = []

    @Option(help: ArgumentHelp("Where to write STEM.key and STEM.csr (default: Certificates/NAME in the node's folder).", valueName: "STEM"))
    var out: String?

    @OptionGroup var location: NodeLocation

    func checkOptions() throws {
        guard AuthorityName(node) != nil else {
            throw CommandFailure("--node \(node): the node name \(AuthorityName.rule)", status: .usage)
        }
    }

    func execute() throws {
        let name = AuthorityName(node)!
        let stem = out ?? location.directory + "/Certificates/\(name)"
        let request = try NodeRequest.create(node: name, dnsNames: dns, stem: stem)
        Output.line("Wrote \(stem).key (private key, mode 0600: it never leaves this node)")
        Output.line("Wrote \(stem).csr (certificate request for \(request.subject))")
        Output.line("Next: have the region CA sign it: vve cert sign --ca CA_DIR \(stem).csr")
    }
}

struct CertSign: ReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign", abstract: "Sign a node's certificate request with the region CA.",
        discussion: """
            Examples:
              vve cert sign --ca ~/vve/ca ~/vve/camden/Certificates/camden.csr
              vve cert sign --ca ~/vve/ca camden-next.csr --not-before 2027-03-01 \\
                --days 730 --out camden-2027.pem
            """)

    @Option(help: ArgumentHelp("The CA's folder, from `vve cert ca-init`.", valueName: "DIR"))
    var ca: String

    @Argument(help: ArgumentHelp("The request (.csr) to sign.", valueName: "CSR"))
    var request: String

    @Option(help: "How many days the certificate is valid (1-825).")
    var days = 365

    @Option(
        help: ArgumentHelp(
            "When validity starts, YYYY-MM-DD or an ISO 8601 instant (default: now). For planned rotations.", valueName: "DATE"))
    var notBefore: String?

    @Option(help: ArgumentHelp("Where to write the certificate (default: the request's path with .pem).", valueName: "FILE"))
    var out: String?

    func execute() throws {
        var start: Date?
        if let notBefore {
            guard let parsed = Self.parseInstant(notBefore) else {
                throw CommandFailure("--not-before \(notBefore): expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ", status: .usage)
            }
            start = parsed
        }
        let authority = try RegionCA.load(from: ca)
        let csr = try NodeRequest.load(request)
        let certificate = try authority.sign(csr, days: days, notBefore: start)
        let path = out ?? (request.hasSuffix(".csr") ? String(request.dropLast(4)) : request) + ".pem"
        try PEMFiles.create(path, contents: try certificate.serializeAsPEM().pemString + "\n", mode: 0o644)
        Output.line("Wrote \(path)")
        for (label, value) in CertificateFiles.summary(certificate) {
            Output.line("  " + (label + ":").padding(toLength: 13, withPad: " ", startingAt: 0) + value)
        }
        if certificate.notValidAfter < Date() {
            Output.note("warning: this certificate has already expired; peers will refuse it")
        }
    }

    static func parseInstant(_ text: String) -> Date? {
        if let date = CalendarDate(text) {
            return Date(timeIntervalSince1970: Double(date.daysSinceEpoch) * 86400)
        }
        return ISO8601DateFormatter().date(from: text)
    }
}

struct CertShow: ReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Print a certificate's subject, DNS names, issuer, validity, fingerprint and days to expiry.",
        discussion: """
            Examples:
              vve cert show ~/vve/camden/Certificates/camden.pem
              vve cert show ~/vve/camden/Certificates/camden.pem --json
            """)

    @Argument(help: ArgumentHelp("A PEM certificate.", valueName: "FILE"))
    var file: String

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func execute() throws {
        let certificate = try CertificateFiles.certificate(at: file, what: "certificate")
        let summary = CertificateFiles.summary(certificate)
        if json {
            var members = summary.map { ($0.0.replacingOccurrences(of: " ", with: "-"), JSONValue.string($0.1)) }
            members.removeAll { $0.0 == "expires-in" || $0.0 == "dns-names" }
            members.append(("dns-names", .array(CertificateFiles.dnsNames(certificate).map { .string($0) })))
            members.append(("days-to-expiry", .integer(Int64(CertificateFiles.daysToExpiry(certificate)))))
            Output.json(.object(JSONObject(members)))
            return
        }
        for (label, value) in summary {
            Output.line((label + ":").padding(toLength: 13, withPad: " ", startingAt: 0) + value)
        }
    }
}
