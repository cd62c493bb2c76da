import Foundation
import VVECore
import X509

/// Why a certificate presented on a connection is refused. Each case names the fix, because
/// the person reading it is an admin at one end who must tell the other end what to do.
package enum CertificateRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// The other side presented no certificate at all.
    case noCertificate
    /// The bytes are not a certificate.
    case unreadable
    /// The certificate was not issued by the region CA this node trusts.
    case wrongCA(fingerprint: CertificateFingerprint, issuer: String)
    /// The certificate's validity ended.
    case expired(fingerprint: CertificateFingerprint, notAfter: Date)
    /// The certificate's validity has not started.
    case notYetValid(fingerprint: CertificateFingerprint, notBefore: Date)
    /// A CA certificate, or one not issued for this use of TLS.
    case wrongUsage(fingerprint: CertificateFingerprint)
    /// Valid and from the region CA, but no peer file pins it.
    case unpinned(fingerprint: CertificateFingerprint, subject: String, expected: [CertificateFingerprint])
    /// The certificate does not name the host this node connected to.
    case nameMismatch(fingerprint: CertificateFingerprint, host: String, names: [String])
    /// The TLS handshake failed before any certificate was judged: not TLS, or no common
    /// protocol version or cipher. `detail` is BoringSSL's reason.
    case handshakeFailed(detail: String)
    /// The connection would take its address, or the server, over the connections it takes;
    /// refused before any handshake.
    case tooManyConnections(limit: Int, fromOneAddress: Bool)

    /// A short, stable label: `expired`, `unpinned` and so on, for JSON and tests.
    package var label: String {
        switch self {
        case .noCertificate: "no-certificate"
        case .unreadable: "unreadable"
        case .wrongCA: "wrong-ca"
        case .expired: "expired"
        case .notYetValid: "not-yet-valid"
        case .wrongUsage: "wrong-usage"
        case .unpinned: "unpinned"
        case .nameMismatch: "name-mismatch"
        case .handshakeFailed: "handshake-failed"
        case .tooManyConnections: "too-many-connections"
        }
    }

    package var description: String {
        switch self {
        case .noCertificate:
            "no client certificate was presented; every connection must present its node certificate"
        case .unreadable:
            "the certificate presented cannot be parsed"
        case .wrongCA(let fingerprint, let issuer):
            "certificate \(fingerprint.short) was issued by \"\(Self.clean(issuer))\", not by this region's CA; it needs a certificate signed with `vve cert sign` by the region CA"
        case .expired(let fingerprint, let notAfter):
            "certificate \(fingerprint.short) expired at \(CertificateFiles.format(notAfter)); it must be renewed (`vve cert request`, then `vve cert sign`)"
        case .notYetValid(let fingerprint, let notBefore):
            "certificate \(fingerprint.short) is not valid until \(CertificateFiles.format(notBefore)); check both clocks, or wait"
        case .wrongUsage(let fingerprint):
            "certificate \(fingerprint.short) is not a node certificate (a CA certificate, or not issued for TLS); present the node certificate from `vve cert sign`"
        case .unpinned(let fingerprint, let subject, let expected):
            if expected.isEmpty {
                "certificate \(fingerprint) (\(Self.clean(subject))) is not pinned by any peer file here; pin it with `vve peer add`"
            } else {
                "certificate \(fingerprint) (\(Self.clean(subject))) is not pinned; the peer file pins "
                    + expected.map(\.description).joined(separator: " and ")
                    + ". If the peer rotated its certificate, pin the new one with `vve peer pin`"
            }
        case .nameMismatch(let fingerprint, let host, let names):
            "certificate \(fingerprint.short) names \(names.isEmpty ? "no DNS names" : names.joined(separator: ", ")), not \(host); fix the peer's url, or issue its certificate with `--dns \(host)`"
        case .handshakeFailed(let detail) where detail.contains("_ALERT_"):
            // The other end sent an alert: it refused this node's certificate, not the protocol.
            "the other end ended the TLS handshake with an alert (\(Self.clean(detail))): it refused this node's certificate, most often because it pins another one or trusts another CA; `vve peer check` run there names the cause"
        case .handshakeFailed(let detail):
            "the TLS handshake failed (\(Self.clean(detail))); peers must speak TLS 1.3 and present their node certificate"
        case .tooManyConnections(let limit, true):
            "this address already has \(limit) connections open here, the most one address may hold (`connections-per-address:`); close some first"
        case .tooManyConnections(let limit, false):
            "this node already has \(limit) connections open, the most it takes (`maximum-connections:`); try again shortly"
        }
    }

    /// Text from a certificate an unknown party made: printable ASCII only, and short, so it
    /// cannot forge log lines.
    static func clean(_ text: String) -> String {
        String(text.unicodeScalars.prefix(120).map { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F ? Character($0) : "?" })
    }
}

/// The checks every certificate from a peer passes, at either end of a connection: issued by
/// the region CA (signature checked against the CA's key), within its validity, a node
/// certificate for TLS, naming the expected host when this node dialled it. Pins are checked
/// by the caller, which knows which peers it has. vve's CA signs node certificates directly,
/// so a chain is exactly leaf then CA; intermediates are not used.
package struct PeerTrust: Sendable {
    /// The region CA's certificate.
    package let ca: Certificate

    package init(ca: Certificate) {
        self.ca = ca
    }

    /// Which end of TLS the presented certificate speaks for.
    package enum Role: Sendable {
        /// A peer that connected to us: it must be allowed to authenticate as a TLS client.
        case client
        /// A peer we dialled at `host`: it must be a TLS server certificate naming `host`.
        case server(host: String)
    }

    /// The leaf certificate and its fingerprint when every check passes, else the reason.
    package func evaluate(
        _ presented: [Certificate], as role: Role, now: Date = Date()
    ) -> Result<(Certificate, CertificateFingerprint), CertificateRefusal> {
        guard let leaf = presented.first else { return .failure(.noCertificate) }
        let fingerprint = CertificateFiles.fingerprint(leaf)
        guard leaf.issuer == ca.subject, ca.publicKey.isValidSignature(leaf.signature, for: leaf) else {
            return .failure(.wrongCA(fingerprint: fingerprint, issuer: leaf.issuer.description))
        }
        if now < leaf.notValidBefore { return .failure(.notYetValid(fingerprint: fingerprint, notBefore: leaf.notValidBefore)) }
        if now > leaf.notValidAfter { return .failure(.expired(fingerprint: fingerprint, notAfter: leaf.notValidAfter)) }
        if case .isCertificateAuthority = try? leaf.extensions.basicConstraints {
            return .failure(.wrongUsage(fingerprint: fingerprint))
        }
        let usages = (try? leaf.extensions.extendedKeyUsage).map(Array.init) ?? []
        switch role {
        case .client:
            guard usages.contains(.clientAuth) else { return .failure(.wrongUsage(fingerprint: fingerprint)) }
        case .server(let host):
            guard usages.contains(.serverAuth) else { return .failure(.wrongUsage(fingerprint: fingerprint)) }
            let names = CertificateFiles.dnsNames(leaf)
            guard names.contains(where: { $0.lowercased() == host.lowercased() }) else {
                return .failure(.nameMismatch(fingerprint: fingerprint, host: host, names: names))
            }
        }
        return .success((leaf, fingerprint))
    }
}
