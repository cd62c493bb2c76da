/// The version of the wire protocol (docs/protocol.md) a node speaks. Every request and every
/// answer carries it in the `VVE-Protocol` header; one without the header speaks version 1,
/// the protocol as it was before the header. A node serves peers one version older and one
/// newer than its own, so that a region upgrades one node at a time, and refuses any other,
/// saying which side to upgrade.
package struct ProtocolVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The header's name, in the lower case HTTP/1.1 compares it in.
    package static let header = "vve-protocol"
    /// What this build speaks.
    package static let current = ProtocolVersion(1)
    /// What a request or answer without the header speaks.
    package static let unstated = ProtocolVersion(1)
    /// The rule for the header's value, as a refusal says it.
    package static let rule = "must be a whole number from 1 to 999, such as 1"

    package let number: Int

    package init(_ number: Int) {
        precondition((1...999).contains(number), "a protocol version is 1-999")
        self.number = number
    }

    /// The header's value read: nil for anything but a whole number from 1 to 999.
    package init?(header value: String) {
        let text = value.trimmingWhitespace()
        guard (1...3).contains(text.utf8.count), text.utf8.allSatisfy({ (48...57).contains($0) }), let number = Int(text), number >= 1 else {
            return nil
        }
        self.number = number
    }

    /// The oldest version this one serves.
    package var oldestServed: ProtocolVersion { ProtocolVersion(max(1, number - 1)) }
    /// The newest version this one serves.
    package var newestServed: ProtocolVersion { ProtocolVersion(min(999, number + 1)) }

    /// Whether a node speaking this version serves, and reads the answers of, a peer
    /// speaking `other`.
    package func serves(_ other: ProtocolVersion) -> Bool { other >= oldestServed && other <= newestServed }

    /// Why a node speaking this version, `ours` as a person reads it ("this node",
    /// "camden"), will not exchange with `theirs` ("met-police") speaking `other`: both
    /// versions, and which side to upgrade.
    package func refusal(of other: ProtocolVersion, ours: String, theirs: String) -> String {
        let behind = other < self ? theirs : ours
        let ahead = other < self ? ours : theirs
        return
            "\(theirs) speaks vve protocol \(other) and \(ours) speaks \(self), which serves \(oldestServed)-\(newestServed): upgrade vve at \(behind) to a release within one protocol version of \(ahead)"
    }

    package static func < (lhs: ProtocolVersion, rhs: ProtocolVersion) -> Bool { lhs.number < rhs.number }

    package var description: String { "\(number)" }
}
