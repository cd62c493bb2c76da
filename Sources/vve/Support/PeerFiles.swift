import ArgumentParser
import Foundation
import VVEConfig
import VVECore
import VVENet
import X509

/// Shared by the peer commands: the node's peer files.
struct PeerFiles {
    let location: NodeLocation
    let node: NodeConfiguration

    init(_ location: NodeLocation) throws {
        self.location = location
        self.node = try location.configuration()
    }

    func path(of name: AuthorityName) -> String { location.peersFolder + "/" + PeerConfiguration.fileName(for: name) }

    func name(_ text: String) throws -> AuthorityName {
        guard let name = AuthorityName(text) else {
            throw CommandFailure("peer name \"\(text)\": a peer name \(AuthorityName.rule)", status: .usage)
        }
        return name
    }

    /// The peer's file, parsed on its own, or a not-found failure naming the peers there are.
    func load(_ name: AuthorityName) throws -> PeerConfiguration {
        let path = path(of: name)
        guard FileManager.default.fileExists(atPath: path) else {
            let known = PeerDirectory.load(location.peersFolder, localNode: node.name).peers.map(\.name.rawValue)
            throw CommandFailure(
                "no peer named \(name): \(path) does not exist; known peers: \(known.isEmpty ? "none" : known.joined(separator: ", "))",
                status: .recordNotFound)
        }
        return try PeerConfiguration.parse(try InputSource.readText(path: path), file: path, expectedName: name.rawValue)
    }

    /// Writes a peer file whole: a reader sees the old file or the new one, never half of one.
    func write(_ peer: PeerConfiguration) throws {
        try FileManager.default.createDirectory(atPath: location.peersFolder, withIntermediateDirectories: true)
        let url = URL(fileURLWithPath: path(of: peer.name))
        do {
            try Data(peer.yaml.utf8).write(to: url, options: .atomic)
        } catch {
            throw CommandFailure("cannot write \(url.path): \(error.localizedDescription)", status: .configError)
        }
    }

    /// Reads a peer's certificate and checks it is one this node can pin: issued by the region
    /// CA, for the named peer. Problems that would not stop a pin are returned as warnings.
    func pinnable(_ file: String, for name: AuthorityName, url: PeerURL) throws -> (CertificateFingerprint, [String]) {
        let certificate = try CertificateFiles.certificate(at: file, what: "peer certificate")
        let caPath = location.resolve(node.caCertificate)
        let ca = try CertificateFiles.certificate(at: caPath, what: "region CA certificate")
        let trust = PeerTrust(ca: ca)
        var warnings: [String] = []
        switch trust.evaluate([certificate], as: .server(host: url.host)) {
        case .failure(.wrongCA(let fingerprint, let issuer)):
            throw CommandFailure(
                "\(file): certificate \(fingerprint.short) was issued by \"\(issuer)\", not by the region CA in \(caPath); pinning it would never work: get the peer's certificate signed by the region CA",
                status: .invalidInput)
        case .failure(let refusal):
            warnings.append(refusal.description)
        case .success:
            break
        }
        if let commonName = CertificateFiles.commonName(certificate), commonName != name.rawValue {
            throw CommandFailure(
                "\(file): the certificate is for '\(commonName)', not '\(name)'; pin each peer's own certificate", status: .invalidInput)
        }
        return (CertificateFiles.fingerprint(certificate), warnings)
    }
}
