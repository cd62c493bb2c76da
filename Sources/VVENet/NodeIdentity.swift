import Foundation
import NIOSSL
import VVEConfig
import VVECore
import X509

/// This node's TLS material, loaded and checked once at start: its certificate and key, and
/// the region CA it trusts.
package struct NodeIdentity: Sendable {
    package let name: AuthorityName
    /// The node's certificate, parsed.
    package let certificate: Certificate
    /// The node's certificate, as presented on the wire.
    package let certificateChain: [NIOSSLCertificate]
    package let privateKey: NIOSSLPrivateKey
    /// The region CA's certificate, as BoringSSL wants it.
    package let caCertificate: NIOSSLCertificate
    /// The checks applied to every peer certificate.
    package let trust: PeerTrust

    /// Loads the files node.yaml names, relative to `directory`. Refuses a key that others can
    /// read, a key that does not match the certificate, and a certificate the region CA did
    /// not issue, because every peer would refuse it.
    package static func load(_ configuration: NodeConfiguration, directory: String) throws -> NodeIdentity {
        func resolve(_ path: String) -> String { path.hasPrefix("/") ? path : directory + "/" + path }
        let certificatePath = resolve(configuration.certificate)
        let keyPath = resolve(configuration.privateKey)
        let caPath = resolve(configuration.caCertificate)
        let chain = try CertificateFiles.chain(at: certificatePath, what: "node certificate")
        let ca = try CertificateFiles.certificate(at: caPath, what: "region CA certificate")
        try PEMFiles.requirePrivate(keyPath)
        let keyText = try PEMFiles.read(keyPath, what: "private key")
        let privateKey: NIOSSLPrivateKey
        do {
            privateKey = try NIOSSLPrivateKey(bytes: Array(keyText.utf8), format: .pem)
        } catch {
            throw CertificateFileError("private key \(keyPath) is not a private key in PEM; restore it, or make a new one with `vve cert request`")
        }
        let keyMatches: Bool
        if let signingKey = try? Certificate.PrivateKey(pemEncoded: keyText) {
            keyMatches = signingKey.publicKey == chain[0].publicKey
        } else {
            keyMatches = false
        }
        guard keyMatches else {
            throw CertificateFileError("private key \(keyPath) does not belong to certificate \(certificatePath); use the key made with its request")
        }
        let trust = PeerTrust(ca: ca)
        if case .failure(let refusal) = trust.evaluate([chain[0]], as: .client, now: chain[0].notValidBefore), case .wrongCA = refusal {
            throw CertificateFileError(
                "node certificate \(certificatePath) was not issued by the region CA in \(caPath); every peer would refuse it: have it signed with `vve cert sign --ca`"
            )
        }
        let nioChain = try chain.map { try NIOSSLCertificate(bytes: CertificateFiles.derBytes($0), format: .der) }
        let caNIO = try NIOSSLCertificate(bytes: CertificateFiles.derBytes(ca), format: .der)
        return NodeIdentity(
            name: configuration.name, certificate: chain[0], certificateChain: nioChain, privateKey: privateKey, caCertificate: caNIO,
            trust: trust)
    }

    /// The fingerprint peers pin for this node.
    package var fingerprint: CertificateFingerprint { CertificateFiles.fingerprint(certificate) }

    /// Why peers would refuse this node's certificate right now, if they would.
    package func ownCertificateProblem(now: Date = Date()) -> CertificateRefusal? {
        if case .failure(let refusal) = trust.evaluate([certificate], as: .client, now: now) { return refusal }
        return nil
    }

    /// TLS settings shared by the server and the client: TLS 1.3 alone, this node's
    /// certificate, the region CA as the only root, and a peer certificate always required.
    ///
    /// Every peer is vve, so nothing needs an older protocol. TLS 1.3 offers only AEAD suites
    /// (AES-GCM, ChaCha20-Poly1305) with ephemeral key exchange: no CBC suite, and so nothing
    /// for LUCKY13 or any padding oracle, and forward secrecy always.
    func tlsConfiguration(server: Bool) -> TLSConfiguration {
        var configuration =
            server
            ? TLSConfiguration.makeServerConfiguration(
                certificateChain: certificateChain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
            : TLSConfiguration.makeClientConfiguration()
        if !server {
            configuration.certificateChain = certificateChain.map { .certificate($0) }
            configuration.privateKey = .privateKey(privateKey)
        }
        configuration.minimumTLSVersion = .tlsv13
        configuration.trustRoots = .certificates([caCertificate])
        // The custom verification callback replaces BoringSSL's checks with PeerTrust and the
        // pins; this setting makes BoringSSL demand a certificate in the first place.
        configuration.certificateVerification = .noHostnameVerification
        // Messages are length-delimited HTTP, so a missing close_notify cannot truncate one
        // unnoticed; waiting 5 s for it (the default) only held up every shutdown and every
        // long-poll a stopping node cancelled.
        configuration.shutdownTimeout = .milliseconds(250)
        return configuration
    }
}
