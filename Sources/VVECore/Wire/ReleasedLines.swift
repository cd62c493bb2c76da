/// A node's county lines as token groups, in its answer to a `county-lines` query that asks
/// `distinct-lines`: how many line records it holds, protected, and one group of deal-line
/// tokens for each, padded; or nothing, when it has fewer than its threshold or may not send
/// tokens to this asker again today.
package struct ReleasedLines: Sendable, Hashable {
    /// The most tokens one answer may carry, over all its groups.
    package static let maximumTokens = 100_000
    /// The most tokens one group may hold: a record's most deal lines.
    package static let maximumGroup = 20

    package let rules: DisclosureRules
    /// The node's line records: zero, or rounded; nil when withheld.
    package let count: Int?
    /// The groups, one a line record, then the padding: none for zero, else `count` plus one
    /// rounding base, sorted; nil when withheld.
    package let groups: [[KeyedToken]]?

    package init(rules: DisclosureRules, count: Int?, groups: [[KeyedToken]]?) {
        self.rules = rules
        self.count = count
        self.groups = groups
    }

    /// How groups are ordered on the wire: by their tokens, in order, as text sorts.
    package static func precedes(_ left: [KeyedToken], _ right: [KeyedToken]) -> Bool {
        left.lexicographicallyPrecedes(right)
    }

    /// The lines on the wire. `groups` is sent whenever the lines are, even empty for a
    /// count of zero, so that the answer says "none" rather than leaving the member out.
    package var jsonValue: JSONValue {
        var members: [(String, JSONValue)] = [
            ("threshold", .integer(Int64(rules.threshold))), ("roundingBase", .integer(Int64(rules.roundingBase))),
            ("withheld", .bool(groups == nil)),
        ]
        if let count, let groups {
            members.append(("count", .integer(Int64(count))))
            members.append(("groups", .array(groups.map { .array($0.map { .string($0.hex) }) })))
        }
        return .object(JSONObject(members))
    }

    /// Reads and checks the lines: a count released under the rules, and exactly that count
    /// plus one rounding base of groups (none for zero), each of 1 to `maximumGroup` distinct
    /// tokens of 32 lowercase hex digits in order, the groups in order.
    package static func read(_ value: JSONValue, at path: FieldPath, issues: inout IssueCollector) -> ReleasedLines? {
        guard let object = value.objectValue else {
            issues.add(path, value, "must be an object")
            return nil
        }
        guard let rules = DisclosureRules.read(from: object, at: path, issues: &issues) else { return nil }
        switch (object["withheld"], object["count"], object["groups"]?.arrayValue) {
        case (.bool(true)?, nil, nil):
            return ReleasedLines(rules: rules, count: nil, groups: nil)
        case (.bool(false)?, .integer(0)?, nil) where object["groups"] == nil:
            // A node with no line records, of a build that left `groups` out when empty.
            return ReleasedLines(rules: rules, count: 0, groups: [])
        case (.bool(false)?, _, let list?):
            let count: Int? = if case .integer(let number)? = object["count"] { Int(exactly: number) } else { nil }
            guard let count, rules.counts(releasedAs: count) != nil, count <= ProtectedTableAnswer.maximumCount else {
                issues.add(path.appending("count"), object["count"], "must be a count released under the rules: 0 or a rounded count")
                return nil
            }
            let expected = count == 0 ? 0 : count + rules.roundingBase
            guard list.count == expected else {
                issues.add(path.appending("groups"), nil, "must hold \(expected) groups for a count of \(count); this answer has \(list.count)")
                return nil
            }
            var groups: [[KeyedToken]] = []
            groups.reserveCapacity(list.count)
            var tokens = 0
            for element in list {
                let texts = element.arrayValue ?? []
                let group = texts.compactMap { $0.stringValue.flatMap(KeyedToken.init(hex:)) }
                tokens += group.count
                guard !group.isEmpty, group.count == texts.count, group.count <= maximumGroup, tokens <= maximumTokens,
                    zip(group, group.dropFirst()).allSatisfy({ $0 < $1 }), !(groups.last.map { precedes(group, $0) } ?? false)
                else {
                    issues.add(
                        path.appending("groups"), nil,
                        "must list groups of 1-\(maximumGroup) distinct tokens of \(KeyedToken.hexLength) lowercase hex digits, each in order, the groups in order, at most \(maximumTokens) tokens in all"
                    )
                    return nil
                }
                groups.append(group)
            }
            return ReleasedLines(rules: rules, count: count, groups: groups)
        default:
            issues.add(path.appending("withheld"), object["withheld"], "must be true with no count or groups, or false with both")
            return nil
        }
    }
}
