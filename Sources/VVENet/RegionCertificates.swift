import Crypto
import Foundation
import SwiftASN1
import VVECore
import X509

/// The region's certificate authority: a P-256 key and a self-signed certificate. It signs the
/// node certificates; every node trusts only it.
package struct RegionCA: Sendable {
    /// The CA's certificate, which every node keeps as `Certificates/ca.pem`.
    package var certificate: Certificate
    private var key: P256.Signing.PrivateKey

    /// The file names inside a CA folder.
    package static let certificateFile = "ca.pem"
    package static let keyFile = "ca.key"
    /// How long a CA certificate lasts: ten years.
    package static let validityDays = 3650

    /// Creates a CA in `directory`: `ca.key` (mode 0600) and `ca.pem`. Refuses to overwrite.
    package static func create(in directory: String, name: String, now: Date = Date()) throws -> RegionCA {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard (3...64).contains(trimmed.count), !trimmed.contains(where: \.isNewline) else {
            throw CertificateFileError("--name \"\(name)\": the CA name must be 3-64 characters on one line, such as \"North London Region CA\"")
        }
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        let subject = try DistinguishedName {
            OrganizationName("vve region")
            CommonName(trimmed)
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
            notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(Double(validityDays) * 86400),
            issuer: subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(keyIdentifier: keyIdentifier(publicKey))
            },
            issuerPrivateKey: Certificate.PrivateKey(key))
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let certificatePath = directory + "/" + certificateFile
        if FileManager.default.fileExists(atPath: certificatePath) {
            throw CertificateFileError("\(certificatePath) already exists; a region has one CA: use it, or choose another --dir")
        }
        try PEMFiles.create(directory + "/" + keyFile, contents: key.pemRepresentation + "\n", mode: 0o600)
        try PEMFiles.create(certificatePath, contents: try certificate.serializeAsPEM().pemString + "\n", mode: 0o644)
        return RegionCA(certificate: certificate, key: key)
    }

    /// Loads the CA from its folder, refusing a key that others can read.
    package static func load(from directory: String) throws -> RegionCA {
        let keyPath = directory + "/" + keyFile
        try PEMFiles.requirePrivate(keyPath)
        let certificate = try CertificateFiles.certificate(at: directory + "/" + certificateFile, what: "CA certificate")
        let key: P256.Signing.PrivateKey
        do {
            key = try P256.Signing.PrivateKey(pemRepresentation: try PEMFiles.read(keyPath, what: "CA key"))
        } catch let error as CertificateFileError {
            throw error
        } catch {
            throw CertificateFileError("CA key \(keyPath) is not a P-256 private key in PEM; restore it from the CA's backup")
        }
        guard Certificate.PublicKey(key.publicKey) == certificate.publicKey else {
            throw CertificateFileError("CA key \(keyPath) does not belong to \(directory)/\(certificateFile); restore the matching pair")
        }
        return RegionCA(certificate: certificate, key: key)
    }

    /// Signs a node's request, after checking its self-signature. The certificate serves both
    /// sides of mutual TLS (server and client), names the node in its subject and its DNS
    /// names, and is valid from `notBefore` (default: now, less five minutes of clock
    /// tolerance) for `days`.
    package func sign(_ request: CertificateSigningRequest, days: Int, notBefore: Date? = nil, now: Date = Date()) throws -> Certificate {
        guard (1...825).contains(days) else {
            throw CertificateFileError("--days \(days): a node certificate lasts 1-825 days; renew it before it expires")
        }
        guard request.publicKey.isValidSignature(request.signature, for: request) else {
            throw CertificateFileError("the request's signature does not verify; it was altered or damaged: make a new one with `vve cert request`")
        }
        guard let commonName = NodeRequest.commonName(of: request.subject), AuthorityName(commonName) != nil else {
            throw CertificateFileError("the request's subject (\(request.subject)) does not name a node; make it with `vve cert request --node NAME`")
        }
        let requested = try request.attributes.extensionRequest?.extensions.subjectAlternativeNames
        let dnsNames = (requested ?? SubjectAlternativeNames([])).compactMap { name -> String? in
            if case .dnsName(let dns) = name { return dns }
            return nil
        }
        let start = notBefore ?? now.addingTimeInterval(-300)
        let caKey = certificate.publicKey
        return try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: request.publicKey,
            notValidBefore: start, notValidAfter: start.addingTimeInterval(Double(days) * 86400),
            issuer: certificate.subject, subject: request.subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                SubjectAlternativeNames((dnsNames.isEmpty ? [commonName] : dnsNames).map { .dnsName($0) })
                SubjectKeyIdentifier(keyIdentifier: Self.keyIdentifier(request.publicKey))
                AuthorityKeyIdentifier(keyIdentifier: Self.keyIdentifier(caKey))
            },
            issuerPrivateKey: Certificate.PrivateKey(key))
    }

    /// RFC 5280's method 1: the SHA-1 of the public key bits.
    static func keyIdentifier(_ key: Certificate.PublicKey) -> ArraySlice<UInt8> {
        ArraySlice(Insecure.SHA1.hash(data: Array(key.subjectPublicKeyInfoBytes)))
    }
}

/// A node's key and certificate request, made on the node so the key never leaves it.
package enum NodeRequest {
    /// Writes `STEM.key` (mode 0600) and `STEM.csr` for `node`, with the node's name and
    /// `dnsNames` as the DNS names its certificate will carry. Returns the request.
    package static func create(node: AuthorityName, dnsNames: [String], stem: String) throws -> CertificateSigningRequest {
        for name in dnsNames where !isDNSName(name) {
            throw CertificateFileError("--dns \(name): not a DNS name; use letters, digits, hyphens and dots, such as camden.vve.example")
        }
        let key = P256.Signing.PrivateKey()
        let names = [node.rawValue] + dnsNames.map { $0.lowercased() }.filter { $0 != node.rawValue }
        let subject = try DistinguishedName {
            OrganizationName("vve region")
            CommonName(node.rawValue)
        }
        let extensions = try Certificate.Extensions { SubjectAlternativeNames(names.map { .dnsName($0) }) }
        let request = try CertificateSigningRequest(
            version: .v1, subject: subject, privateKey: Certificate.PrivateKey(key),
            attributes: CertificateSigningRequest.Attributes([.init(ExtensionRequest(extensions: extensions))]),
            signatureAlgorithm: .ecdsaWithSHA256)
        let directory = (stem as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        if FileManager.default.fileExists(atPath: stem + ".csr") {
            throw CertificateFileError("\(stem).csr already exists; vve never overwrites keys or requests: use another --out")
        }
        try PEMFiles.create(stem + ".key", contents: key.pemRepresentation + "\n", mode: 0o600)
        try PEMFiles.create(stem + ".csr", contents: try request.serializeAsPEM().pemString + "\n", mode: 0o644)
        return request
    }

    /// Reads a request from a PEM file.
    package static func load(_ path: String) throws -> CertificateSigningRequest {
        let text = try PEMFiles.read(path, what: "certificate request")
        do {
            return try CertificateSigningRequest(pemEncoded: text)
        } catch {
            throw CertificateFileError("\(path) is not a certificate request in PEM; make one with `vve cert request`")
        }
    }

    static func commonName(of name: DistinguishedName) -> String? {
        for relative in name {
            for attribute in relative where attribute.type == .RDNAttributeType.commonName {
                if let value = String(attribute.value) { return value }
                return "\(attribute.value)"
            }
        }
        return nil
    }

    static func isDNSName(_ name: String) -> Bool {
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        return (1...253).contains(name.count)
            && labels.allSatisfy { label in
                (1...63).contains(label.count) && label.first != "-" && label.last != "-"
                    && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            }
    }
}

/// Reading certificates and describing them, as `vve cert show` prints them.
package enum CertificateFiles {
    /// Loads every certificate in a PEM file, leaf first; fails unless there is at least one.
    package static func chain(at path: String, what: String) throws -> [Certificate] {
        let text = try PEMFiles.read(path, what: what)
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: text)
        } catch {
            throw CertificateFileError("\(what) \(path) is not PEM; expected -----BEGIN CERTIFICATE-----")
        }
        let certificates = try documents.filter { $0.discriminator == "CERTIFICATE" }.map { document in
            do {
                return try Certificate(derEncoded: document.derBytes)
            } catch {
                throw CertificateFileError("\(what) \(path) holds a damaged certificate: \(error)")
            }
        }
        guard !certificates.isEmpty else {
            throw CertificateFileError("\(what) \(path) holds no certificate; expected -----BEGIN CERTIFICATE-----")
        }
        return certificates
    }

    /// Loads the first certificate of a PEM file.
    package static func certificate(at path: String, what: String) throws -> Certificate {
        try chain(at: path, what: what)[0]
    }

    /// The certificate's DER bytes.
    package static func derBytes(_ certificate: Certificate) -> [UInt8] {
        var serializer = DER.Serializer()
        // Serialising a parsed or freshly signed certificate cannot fail.
        try! serializer.serialize(certificate)
        return serializer.serializedBytes
    }

    /// The fingerprint peers pin.
    package static func fingerprint(_ certificate: Certificate) -> CertificateFingerprint {
        CertificateFingerprint(derBytes: derBytes(certificate))
    }

    /// The DNS names the certificate is valid for.
    package static func dnsNames(_ certificate: Certificate) -> [String] {
        guard let names = try? certificate.extensions.subjectAlternativeNames else { return [] }
        return names.compactMap { name in
            if case .dnsName(let dns) = name { return dns }
            return nil
        }
    }

    /// The node name the certificate is for: its subject's common name.
    package static func commonName(_ certificate: Certificate) -> String? {
        NodeRequest.commonName(of: certificate.subject)
    }

    /// Whole days from `now` until the certificate expires; negative once expired.
    package static func daysToExpiry(_ certificate: Certificate, now: Date = Date()) -> Int {
        Int((certificate.notValidAfter.timeIntervalSince(now) / 86400).rounded(.down))
    }

    /// What `vve cert show` prints, one `label: value` line each.
    package static func summary(_ certificate: Certificate, now: Date = Date()) -> [(String, String)] {
        let days = daysToExpiry(certificate, now: now)
        let expiry: String
        if certificate.notValidBefore > now {
            expiry = "not yet valid (starts \(Self.format(certificate.notValidBefore)))"
        } else if days < 0 || certificate.notValidAfter <= now {
            expiry = "EXPIRED \(-days) days ago"
        } else {
            expiry = "\(days) days"
        }
        let isCA =
            (try? certificate.extensions.basicConstraints).flatMap { constraints -> Bool? in
                if case .isCertificateAuthority = constraints { return true }
                return false
            } ?? false
        return [
            ("subject", certificate.subject.description),
            ("dns names", dnsNames(certificate).joined(separator: ", ").ifEmpty("(none)")),
            ("issuer", certificate.issuer.description),
            ("kind", isCA ? "certificate authority" : "node certificate"),
            ("not before", format(certificate.notValidBefore)),
            ("not after", format(certificate.notValidAfter)),
            ("expires in", expiry),
            ("fingerprint", fingerprint(certificate).description),
        ]
    }

    /// An instant as ISO 8601 in UTC, to the second.
    package static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}

extension String {
    fileprivate func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
