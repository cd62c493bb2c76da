import VVECore
import Yams

extension YAMLMappingReader {
    /// A list of scalars (a one-item list may be written as a single value), each with its line.
    mutating func scalarList(_ key: String, required hint: String? = nil) -> (items: [(String, Int)], line: Int)? {
        guard let (node, line) = node(key) else {
            if let hint { fail(line: self.line, "`\(key)` is missing: \(hint)") }
            return nil
        }
        if let scalar = node.scalar { return ([(scalar.string, line)], line) }
        guard let sequence = node.sequence else {
            fail(line: line, "`\(key)` must be a list, such as `\(key): [a, b]`")
            return nil
        }
        var items: [(String, Int)] = []
        for item in sequence {
            guard let scalar = item.scalar else {
                fail(line: item.mark?.line ?? line, "`\(key)` must list plain values, not lists or mappings")
                continue
            }
            items.append((scalar.string, item.mark?.line ?? line))
        }
        return (items, line)
    }

    /// A yes/no value.
    mutating func flag(_ key: String) -> Bool? {
        value(key, rule: "must be yes or no") { text -> Bool? in
            switch text.lowercased() {
            case "yes", "true": true
            case "no", "false": false
            default: nil
            }
        }?.value
    }

    /// Copies a nested reader's problems into this one.
    mutating func absorb(_ nested: YAMLMappingReader) {
        for error in nested.errors { fail(line: error.line, error.message) }
    }
}

/// Reads the `share:`, `accept:`, `lookups:` and `aggregates:` sections of a peer file into a
/// `SharingPolicy`, refusing unknown kinds, groups and rules, and contradictions.
enum PolicyReader {
    static func read(_ reader: inout YAMLMappingReader, peer: String, role: PeerRole?) -> SharingPolicy? {
        let before = reader.errors.count
        var share: [RecordKind: KindGrant] = [:]
        var reviewDays: Int?
        var shareLine = reader.line
        if let (node, line) = reader.node("share") {
            shareLine = line
            if var section = YAMLMappingReader(node, file: reader.file) {
                reviewDays =
                    section.value("review-days", rule: "must be a whole number of days from 1 to 3650") { text in
                        Int(text).flatMap { (1...3650).contains($0) ? $0 : nil }
                    }?.value
                for kind in RecordKind.allCases {
                    guard let (kindNode, kindLine) = section.node(kind.rawValue) else { continue }
                    guard var kindSection = YAMLMappingReader(kindNode, file: reader.file) else {
                        section.fail(line: kindLine, "`share.\(kind.rawValue)` must be a mapping with `audience:` and `groups:`")
                        continue
                    }
                    if let grant = readGrant(&kindSection, kind: kind, peer: peer, role: role) { share[kind] = grant }
                    kindSection.finish()
                    section.absorb(kindSection)
                }
                section.finishNamingKinds(prefix: "share")
                reader.absorb(section)
            } else {
                reader.fail(line: line, "`share` must be a mapping of record kinds, with `review-days:`")
            }
        }
        if !share.isEmpty, reviewDays == nil {
            reader.fail(
                line: shareLine,
                "`share.review-days` is missing: say how many days a shared copy may be kept before review, such as `review-days: 90`")
        }
        var accept: [RecordKind: Set<String>] = [:]
        if let (node, line) = reader.node("accept") {
            if var section = YAMLMappingReader(node, file: reader.file) {
                for kind in RecordKind.allCases {
                    guard let (list, listLine) = section.scalarList(kind.rawValue) else { continue }
                    var groups = Set<String>()
                    guard let grant = share[kind] else {
                        section.fail(
                            line: listLine,
                            "`accept.\(kind.rawValue)`: \(kind.rawValue) records are not shared with \(peer), so it cannot write any; share them or remove this"
                        )
                        continue
                    }
                    for (name, itemLine) in list {
                        guard kind.fieldGroup(named: name) != nil else {
                            section.fail(line: itemLine, unknownGroup(name, kind: kind, section: "accept.\(kind.rawValue)"))
                            continue
                        }
                        if !grant.groups.contains(name) {
                            section.fail(
                                line: itemLine,
                                "`accept.\(kind.rawValue)`: `\(name)` is not shared with \(peer), so it cannot write it; grant it in `share` or remove it here"
                            )
                        } else if !groups.insert(name).inserted {
                            section.fail(line: itemLine, "`accept.\(kind.rawValue)`: `\(name)` is listed twice")
                        }
                    }
                    accept[kind] = groups
                }
                section.finishNamingKinds(prefix: "accept")
                reader.absorb(section)
            } else {
                reader.fail(line: line, "`accept` must be a mapping of record kinds to the groups this node takes from the peer")
            }
        }
        let lookups =
            reader.value("lookups", rule: "must be yes, no or police (answer only while the peer's role is police)") { text -> LookupGrant? in
                switch text.lowercased() {
                case "yes", "true": .yes
                case "no", "false": .no
                case "police": .police
                default: nil
                }
            }?.value ?? .no
        let askLookups = reader.flag("ask-lookups") ?? false
        let askAggregates = readAggregates(&reader, key: "ask-aggregates")
        let aggregates = readAggregates(&reader, key: "aggregates")
        guard reader.errors.count == before else { return nil }
        return SharingPolicy(
            share: share, reviewDays: reviewDays, accept: accept, lookups: lookups, aggregates: aggregates, askLookups: askLookups,
            askAggregates: askAggregates)
    }

    /// `aggregates:` or `ask-aggregates:`: yes (every measure), no, or a list of the
    /// catalogue's measures.
    static func readAggregates(_ reader: inout YAMLMappingReader, key: String) -> AggregateGrant {
        guard let (items, line) = reader.scalarList(key) else { return .none }
        if items.count == 1 {
            switch items[0].0.lowercased() {
            case "yes", "true": return .every
            case "no", "false": return .none
            default: break
            }
        }
        guard !items.isEmpty else {
            reader.fail(line: line, "`\(key)` lists no measure; list at least one (\(Measure.names)), or say no")
            return .none
        }
        var measures: Set<Measure> = []
        for (name, itemLine) in items {
            guard let measure = Measure(rawValue: name) else {
                reader.fail(
                    line: itemLine, "`\(key)`: `\(name)` is not a measure; the measures are \(Measure.names), or say yes for every one, or no")
                continue
            }
            if !measures.insert(measure).inserted { reader.fail(line: itemLine, "`\(key)`: `\(name)` is listed twice") }
        }
        return .measures(measures)
    }

    static func readGrant(_ section: inout YAMLMappingReader, kind: RecordKind, peer: String, role: PeerRole?) -> KindGrant? {
        let path = "share.\(kind.rawValue)"
        let rules = kind.audienceRules.map(\.rawValue).joined(separator: ", ")
        let groupNames = kind.fieldGroups.map(\.name).sorted().joined(separator: ", ")
        let audienceList = section.scalarList("audience", required: "say which \(kind.rawValue) records go to the peer: one or more of \(rules)")
        let groupList = section.scalarList("groups", required: "say which parts of them go to the peer: one or more of \(groupNames)")
        var audience: [AudienceRule] = []
        var valid = true
        if let (items, line) = audienceList {
            if items.isEmpty { section.fail(line: line, "`\(path).audience` is empty; name at least one of \(rules)"); valid = false }
            for (name, itemLine) in items {
                guard let rule = AudienceRule(rawValue: name) else {
                    section.fail(line: itemLine, "`\(path).audience`: `\(name)` is not an audience rule; rules for \(kind.rawValue) are \(rules)")
                    valid = false
                    continue
                }
                guard rule.kinds.contains(kind) else {
                    section.fail(
                        line: itemLine, "`\(path).audience`: `\(name)` does not apply to \(kind.rawValue); rules for \(kind.rawValue) are \(rules)")
                    valid = false
                    continue
                }
                if let role, (rule == .police && role != .police) || (rule == .vru && role != .vru) {
                    section.fail(line: itemLine, "`\(path).audience`: `\(name)` never admits \(peer), whose role is \(role.rawValue); remove it")
                    valid = false
                    continue
                }
                if audience.contains(rule) {
                    section.fail(line: itemLine, "`\(path).audience`: `\(name)` is listed twice")
                    valid = false
                }
                audience.append(rule)
            }
        } else {
            valid = false
        }
        var groups = Set<String>()
        if let (items, line) = groupList {
            if items.isEmpty { section.fail(line: line, "`\(path).groups` is empty; name at least one of \(groupNames)"); valid = false }
            for (name, itemLine) in items {
                guard kind.fieldGroup(named: name) != nil else {
                    section.fail(line: itemLine, unknownGroup(name, kind: kind, section: "\(path).groups"))
                    valid = false
                    continue
                }
                if !groups.insert(name).inserted {
                    section.fail(line: itemLine, "`\(path).groups`: `\(name)` is listed twice")
                    valid = false
                }
            }
            if kind == .countyLinesLink, groups.contains("identity"), !groups.contains("people") {
                section.fail(
                    line: line,
                    "`\(path).groups`: `identity` without `people` shares nothing, since the identities are the linked people's; add `people` or remove `identity`"
                )
                valid = false
            }
        } else {
            valid = false
        }
        return valid ? KindGrant(audience: audience, groups: groups) : nil
    }

    static func unknownGroup(_ name: String, kind: RecordKind, section: String) -> String {
        let names = kind.fieldGroups.map(\.name).sorted()
        let near = Spelling.nearest(name, among: names).map { " (did you mean `\($0)`?)" } ?? ""
        return "`\(section)`: `\(name)` is not a group of \(kind.rawValue)\(near); its groups are \(names.joined(separator: ", "))"
    }

    /// The policy as peer-file YAML, for `vve peer add` and `pin` to write back unchanged.
    static func yaml(_ policy: SharingPolicy) -> String {
        var text = ""
        if !policy.share.isEmpty {
            text += "share:\n"
            if let days = policy.reviewDays { text += "  review-days: \(days)\n" }
            for kind in RecordKind.allCases {
                guard let grant = policy.share[kind] else { continue }
                text += "  \(kind.rawValue):\n"
                text += "    audience: [\(grant.audience.map(\.rawValue).joined(separator: ", "))]\n"
                let ordered = kind.orderedGroupNames(grant.groups)
                text += "    groups: [\(ordered.joined(separator: ", "))]\n"
            }
        }
        let accepted = RecordKind.allCases.filter { policy.accept[$0] != nil }
        if !accepted.isEmpty {
            text += "accept:\n"
            for kind in accepted {
                let ordered = kind.orderedGroupNames(policy.accept[kind]!)
                text += "  \(kind.rawValue): [\(ordered.joined(separator: ", "))]\n"
            }
        }
        text += "lookups: \(policy.lookups.rawValue)\n"
        if policy.askLookups { text += "ask-lookups: yes\n" }
        text += "aggregates: \(policy.aggregates.text)\n"
        if policy.askAggregates.grantsAny { text += "ask-aggregates: \(policy.askAggregates.text)\n" }
        return text
    }
}

extension YAMLMappingReader {
    /// Like `finish`, for a section whose keys are record kinds: an unknown key is named as
    /// a kind that does not exist.
    mutating func finishNamingKinds(prefix: String) {
        let kinds = RecordKind.allCases.map(\.rawValue)
        for key in unusedKeys() {
            let others = usedKeys().filter { !kinds.contains($0) }
            let guess = Spelling.nearest(key.name, among: kinds + others).map { " (did you mean `\($0)`?)" } ?? ""
            fail(
                line: key.line,
                "`\(prefix).\(key.name)` is not a record kind" + (others.isEmpty ? "" : " or setting") + guess
                    + "; kinds are \(kinds.joined(separator: ", "))" + (others.isEmpty ? "" : "; settings are \(others.joined(separator: ", "))"))
        }
        markAllUsed()
    }
}
