import VVEConfig
import VVECore

/// The sharing policy `vve peer add` writes from its options, so that an admin need not
/// edit YAML for the common cases. It is read back through the peer-file reader, so every
/// rule of a hand-written file applies, with the same messages.
struct StarterPolicy {
    /// `KIND:GROUP,GROUP` for each kind shared.
    var share: [String] = []
    /// Days a shared copy is kept before review.
    var reviewDays = 90
    /// `KIND:GROUP,GROUP` for each kind whose groups this node takes from the peer.
    var accept: [String] = []
    /// `yes`, `no` or `police`.
    var lookups = "no"
    var askLookups = false

    /// Who receives each kind shared with a peer of `role`: a borough by the places the
    /// record names, the police and the VRU by role. An admin who wants a narrower audience
    /// edits the file.
    static func audience(of kind: RecordKind, for role: PeerRole) -> [AudienceRule] {
        switch (role, kind) {
        case (.police, _): [.police]
        case (.vru, _): [.vru]
        case (.borough, .relocation): [.originatingAuthority, .receivingAuthority]
        case (.borough, .countyLinesLink): [.exportingArea, .importingAreas]
        case (.borough, .sharedPerpetrator): [.areasOfActivity]
        case (.borough, .missingEpisode): [.homeAuthority, .hostArea, .foundIn]
        }
    }

    /// The policy's YAML, as a peer file holds it, for a peer of `role`.
    func yaml(for role: PeerRole) throws -> String {
        var text = ""
        if !share.isEmpty {
            text += "share:\n  review-days: \(reviewDays)\n"
            for (kind, groups) in try share.map({ try Self.kindAndGroups($0, option: "--share") }) {
                text += "  \(kind.rawValue):\n"
                text += "    audience: [\(Self.audience(of: kind, for: role).map(\.rawValue).joined(separator: ", "))]\n"
                text += "    groups: [\(groups.joined(separator: ", "))]\n"
            }
        }
        if !accept.isEmpty {
            text += "accept:\n"
            for (kind, groups) in try accept.map({ try Self.kindAndGroups($0, option: "--accept") }) {
                text += "  \(kind.rawValue): [\(groups.joined(separator: ", "))]\n"
            }
        }
        text += "lookups: \(lookups)\n"
        if askLookups { text += "ask-lookups: yes\n" }
        text += "aggregates: no\n"
        return text
    }

    /// `KIND:GROUP,GROUP`, with the kind checked here and the groups by the policy reader.
    static func kindAndGroups(_ text: String, option: String) throws -> (RecordKind, [String]) {
        let kinds = RecordKind.allCases.map(\.rawValue)
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard let kind = RecordKind(rawValue: parts.first ?? "") else {
            let guess = Spelling.nearest(parts.first ?? "", among: kinds).map { " (did you mean `\($0)`?)" } ?? ""
            throw CommandFailure(
                "\(option) \(text): `\(parts.first ?? "")` is not a record kind\(guess); kinds are \(kinds.joined(separator: ", "))", status: .usage)
        }
        let groups = parts.count == 2 ? parts[1].split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty } : []
        guard !groups.isEmpty else {
            let names = kind.fieldGroups.map(\.name).sorted()
            throw CommandFailure(
                "\(option) \(text): name the groups too, such as \(kind.rawValue):\(names.filter { $0 != "identity" }.prefix(2).joined(separator: ",")); the groups of \(kind.rawValue) are \(names.joined(separator: ", "))",
                status: .usage)
        }
        return (kind, groups)
    }
}
