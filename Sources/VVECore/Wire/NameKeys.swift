import Crypto

extension MatchKeys {
    /// Reads `{"exact": HEX?, "fuzzy": HEX}` as `jsonValue` writes it.
    package static func read(from value: JSONValue, at path: FieldPath, issues: inout IssueCollector) -> MatchKeys? {
        guard var reader = ObjectReader(value, at: path, issues: &issues) else { return nil }
        var exact: [UInt8]?
        if let text = reader.raw("exact") {
            if let hex = text.stringValue, hex.utf8.count == 64, let bytes = Hex.decode(hex) {
                exact = bytes
            } else {
                issues.add(path.appending("exact"), text, "must be 64 lowercase hex digits (HMAC-SHA256)")
            }
        }
        var fuzzy: FuzzyEncoding?
        if let text = reader.raw("fuzzy") {
            fuzzy = text.stringValue.flatMap(FuzzyEncoding.init(hex:))
            if fuzzy == nil {
                issues.add(path.appending("fuzzy"), text, "must be \(FuzzyEncoding.encodedBits / 4) lowercase hex digits")
            } else if fuzzy?.isBalanced == false {
                // An unbalanced part is no encoding vve makes; one with most bits set would
                // agree with every date or name so far as it goes.
                issues.add(path.appending("fuzzy"), nil, "is not a match-key encoding: each of its parts must have exactly half its bits set")
                fuzzy = nil
            }
        } else {
            issues.add(path.appending("fuzzy"), nil, "is required: the fuzzy encoding")
        }
        reader.finish(issues: &issues)
        guard let fuzzy else { return nil }
        return MatchKeys(exact: exact, fuzzy: fuzzy)
    }
}

/// The match keys of one name a person is known by.
package struct NameKeys: Sendable, Hashable {
    /// The name's exact key and fuzzy encoding.
    package var keys: MatchKeys
    /// Whether the name is an alias. Aliases (street names above all) are shared by many
    /// people, so one counts only when its encoding is identical: the same alias and the
    /// same date-of-birth parts. A hit through an alias is never labelled `match`.
    package var isAlias: Bool

    /// Keys of one name, and whether it is an alias.
    package init(keys: MatchKeys, isAlias: Bool) {
        self.keys = keys
        self.isAlias = isAlias
    }

    /// The keys as audit logs keep them at both ends: `[alias ]keys sha256:HEX`, the first 16
    /// bytes of SHA-256 over a label and the keys' canonical JSON.
    ///
    /// A digest, not the keys: with the linkage key, a fuzzy encoding gives up the name and
    /// date of birth behind it token by token, so an audit log holding encodings would be a
    /// list of the people looked up for anyone at a node of the region. A digest still ties
    /// the asker's entry to the answerer's, and lets an auditor test a name and date of birth
    /// they already have, one full guess at a time.
    package var auditText: String {
        var hash = SHA256()
        hash.update(data: Array("vve audit keys\u{0}".utf8))
        hash.update(data: JSONWriter.canonicalBytes(keys.jsonValue))
        return (isAlias ? "alias " : "") + "keys sha256:" + Hex.encode(hash.finalize().prefix(16))
    }

    /// `{"exact": HEX?, "fuzzy": HEX, "alias": true?}`.
    package var jsonValue: JSONValue {
        var object = keys.jsonValue.objectValue ?? JSONObject()
        if isAlias { object["alias"] = .bool(true) }
        return .object(object)
    }

    /// Reads what `jsonValue` writes, recording each problem.
    package static func read(from value: JSONValue, at path: FieldPath, issues: inout IssueCollector) -> NameKeys? {
        var isAlias = false
        var members = value.objectValue ?? JSONObject()
        if let flag = members["alias"] {
            guard case .bool(let alias) = flag else {
                issues.add(path.appending("alias"), flag, "must be true or false")
                return nil
            }
            isAlias = alias
            members["alias"] = nil
        }
        guard let keys = MatchKeys.read(from: value.objectValue == nil ? value : .object(members), at: path, issues: &issues) else { return nil }
        return NameKeys(keys: keys, isAlias: isAlias)
    }
}

extension Person {
    /// The keys of every name this person is matched by, the person's own name first.
    package func lookupKeys(_ encoder: MatchKeyEncoder) -> [NameKeys] {
        let hasName = surname != nil || forenames != nil
        return lookupVariants.enumerated().map { index, variant in
            NameKeys(keys: encoder.keys(for: variant), isAlias: !(hasName && index == 0))
        }
    }

    /// Every name this person is matched by, with its keys and the traits of the person
    /// under that name, as a match index holds them.
    package func indexedNames(_ encoder: MatchKeyEncoder) -> [IndexedName] {
        zip(lookupKeys(encoder), lookupVariants).map { keys, variant in IndexedName(keys, traits: MatchTraits(of: variant)) }
    }

    /// The names this person is matched by: the person, then each alias with the person's
    /// date of birth. An alias of two or more words reads as forename and surname (its first
    /// and last word); a single word as a surname, as street names usually are. Aliases count
    /// only with a full date of birth: many people share a street name, and an alias with
    /// less than a full date matched strangers in the quality test.
    package var lookupVariants: [Person] {
        var variants: [Person] = []
        if surname != nil || forenames != nil { variants.append(Person(forenames: forenames, surname: surname, dateOfBirth: dateOfBirth)) }
        guard dateOfBirth?.calendarDate != nil || variants.isEmpty else { return variants }
        for alias in aliases {
            let words = alias.split(whereSeparator: { $0.isWhitespace }).map(String.init)
            guard let last = words.last else { continue }
            variants.append(Person(forenames: words.count > 1 ? words[0] : nil, surname: last, dateOfBirth: dateOfBirth))
        }
        return variants
    }
}
