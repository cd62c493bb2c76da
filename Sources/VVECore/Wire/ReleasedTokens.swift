/// A node's people as tokens, in its answer to `known-in-several-areas`: the padded set, or
/// nothing when the node holds fewer people than its threshold, and how many people it could
/// not count, protected like any count.
package struct ReleasedTokens: Sendable, Hashable {
    /// The most tokens one answer may carry: far above a borough's people.
    package static let maximumTokens = 100_000

    package let rules: DisclosureRules
    /// Sorted; nil when withheld.
    package let tokens: [KeyedToken]?
    /// People without a full name and date of birth, who have no token.
    package let uncounted: ReleasedCount

    package init(rules: DisclosureRules, tokens: [KeyedToken]?, uncounted: ReleasedCount) {
        self.rules = rules
        self.tokens = tokens
        self.uncounted = uncounted
    }

    package var jsonValue: JSONValue {
        var uncountedObject: JSONObject = ["status": .string(uncounted.status.rawValue)]
        if let value = uncounted.value { uncountedObject["value"] = .integer(Int64(value)) }
        return .compactObject([
            ("threshold", .integer(Int64(rules.threshold))), ("roundingBase", .integer(Int64(rules.roundingBase))),
            ("withheld", .bool(tokens == nil)), ("tokens", tokens.map { .array($0.map { .string($0.hex) }) }),
            ("uncounted", .object(uncountedObject)),
        ])
    }

    /// Reads and checks a token set: never fewer tokens than the threshold, always a multiple
    /// of the rounding base, each token 32 lowercase hex digits, sorted and distinct.
    package static func read(_ value: JSONValue, at path: FieldPath, issues: inout IssueCollector) -> ReleasedTokens? {
        guard let object = value.objectValue else {
            issues.add(path, value, "must be an object")
            return nil
        }
        guard let rules = DisclosureRules.read(from: object, at: path, issues: &issues) else { return nil }
        var tokens: [KeyedToken]?
        switch (object["withheld"], object["tokens"]?.arrayValue) {
        case (.bool(true)?, nil): tokens = nil
        case (.bool(false)?, let list?):
            let read = list.compactMap { $0.stringValue.flatMap(KeyedToken.init(hex:)) }
            guard read.count == list.count, zip(read, read.dropFirst()).allSatisfy({ $0 < $1 }) else {
                issues.add(path.appending("tokens"), nil, "must list distinct tokens of \(KeyedToken.hexLength) lowercase hex digits, in order")
                return nil
            }
            guard read.count >= rules.threshold, read.count % rules.roundingBase == 0, read.count <= maximumTokens else {
                issues.add(
                    path.appending("tokens"), nil,
                    "must hold at least \(rules.threshold) tokens, a multiple of \(rules.roundingBase), at most \(maximumTokens); this set has \(read.count)"
                )
                return nil
            }
            tokens = read
        default:
            issues.add(path.appending("withheld"), object["withheld"], "must be true with no tokens, or false with the tokens")
            return nil
        }
        let raw = object["uncounted"]?.objectValue
        let status = raw?["status"]?.stringValue.flatMap(ReleasedCount.Status.init(rawValue:))
        let number: Int? = if case .integer(let n)? = raw?["value"] { Int(exactly: n) } else { nil }
        let uncounted: ReleasedCount
        switch (status, number) {
        case (.exact?, 0?): uncounted = ReleasedCount(value: 0, status: .exact)
        case (.rounded?, let n?) where rules.counts(releasedAs: n) != nil && n <= ProtectedTableAnswer.maximumCount:
            uncounted = ReleasedCount(value: n, status: .rounded)
        case (.suppressed?, nil): uncounted = ReleasedCount(value: nil, status: .suppressed)
        default:
            issues.add(
                path.appending("uncounted"), object["uncounted"], "must be a count released under the rules: 0, a rounded count, or suppressed")
            return nil
        }
        return ReleasedTokens(rules: rules, tokens: tokens, uncounted: uncounted)
    }
}
