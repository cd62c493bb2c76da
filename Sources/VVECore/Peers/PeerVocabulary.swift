import Crypto

/// What kind of organisation a peer node belongs to. Later issues grant sharing by role:
/// police receive what boroughs do not, and the VRU sees aggregates.
package enum PeerRole: String, Sendable, CaseIterable, JSONEnumeration {
    case borough
    case police
    case vru
}

/// The SHA-256 fingerprint of a certificate's DER bytes, written `sha256:` and 64 lowercase
/// hex digits. It is what `openssl x509 -fingerprint -sha256` prints, without the colons, so
/// an admin can compare it with any tool. Pinning the whole certificate, not only its key,
/// means a re-issued certificate must be pinned again: a deliberate, audited step.
package struct CertificateFingerprint: Sendable, Hashable, Comparable, JSONStringValue {
    /// The 64 lowercase hex digits.
    package let hex: String

    /// The fingerprint of a certificate's DER encoding.
    package init(derBytes: [UInt8]) {
        hex = Hex.encode(SHA256.hash(data: derBytes))
    }

    /// Parses `sha256:HEX` (64 hex digits, either case; colons between bytes are allowed,
    /// as openssl prints them). Nil for anything else.
    package init?(_ text: String) {
        guard text.lowercased().hasPrefix("sha256:") else { return nil }
        let digits = text.dropFirst(7).lowercased().filter { $0 != ":" }
        guard digits.count == 64, digits.allSatisfy({ $0.isHexDigit }) else { return nil }
        hex = String(digits)
    }

    package static let expectedForm = "sha256: followed by 64 hex digits"
    package static let formRule = "must be sha256: followed by the certificate's 64-digit SHA-256 fingerprint, as `vve cert show` prints it"
    package var description: String { "sha256:" + hex }
    /// The first 8 bytes, for tables and log lines where the full value does not fit.
    package var short: String { "sha256:" + hex.prefix(16) + ".." }
    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.hex < rhs.hex }
}
