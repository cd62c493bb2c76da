/// A person in a copy shared without `identity`: `{"matchKeys": {"exact": HEX}}`, the exact
/// key alone, or `{"matchKeys": {}}` when the person has none (a name or the full date of
/// birth is missing).
///
/// A copy never carries a fuzzy encoding. With the linkage key, which every node of a region
/// holds, an encoding gives up the normalised name and date of birth behind it token by
/// token; an exact key gives up a person only to a guess of the whole name and date of birth.
/// A holder therefore finds such a copy's person by exact key alone, and a `possible` match
/// on the record is answered by its owner, which holds the names
/// (docs/design/match-keys-and-lookups.md).
package struct SharedPersonKey: Sendable, Hashable {
    /// HMAC-SHA256 of the normalised surname, forename and full date of birth, when the
    /// person has all three.
    package var exact: [UInt8]?

    package init(exact: [UInt8]?) {
        self.exact = exact
    }

    /// The exact key of a person's keys; the fuzzy encoding stays with the owner.
    package init(_ keys: MatchKeys) {
        exact = keys.exact
    }

    /// `{"matchKeys": {"exact": HEX}}`, or `{"matchKeys": {}}`.
    package var jsonValue: JSONValue {
        ["matchKeys": .compactObject([("exact", exact.map { .string(Hex.encode($0)) })])]
    }

    /// Reads a person as `jsonValue` writes it, recording each problem.
    package static func read(from value: JSONValue, at path: FieldPath, issues: inout IssueCollector) -> SharedPersonKey? {
        guard var person = ObjectReader(value, at: path, issues: &issues) else { return nil }
        let keysPath = path.appending("matchKeys")
        var exact: [UInt8]?
        var readable = true
        if let keys = person.raw("matchKeys") {
            if var reader = ObjectReader(keys, at: keysPath, issues: &issues) {
                if let text = reader.raw("exact") {
                    if let hex = text.stringValue, hex.utf8.count == 64, let bytes = Hex.decode(hex) {
                        exact = bytes
                    } else {
                        issues.add(keysPath.appending("exact"), text, "must be 64 lowercase hex digits (HMAC-SHA256)")
                        readable = false
                    }
                }
                reader.finish(issues: &issues)
            } else {
                readable = false
            }
        } else {
            issues.add(keysPath, nil, "is required: the person's exact key, or {} when the person has none")
            readable = false
        }
        person.finish(issues: &issues)
        return readable ? SharedPersonKey(exact: exact) : nil
    }

    /// A copy's document, as an owner sends it or a holder stores it, without the fuzzy
    /// encoding of any person sent as match keys.
    ///
    /// vve releases before this one sent an encoding with each such person. A holder drops it
    /// on reading, whoever sent it, so that it is never stored, indexed or passed on, and a
    /// copy from a peer not yet upgraded is still applied rather than refused.
    package static func droppingFuzzyEncodings(from document: JSONValue) -> JSONValue {
        guard case .object(var copy) = document,
            let kind = copy["kind"]?.stringValue.flatMap(RecordKind.init(rawValue:))
        else { return document }
        let members = [kind.personMember, kind == .countyLinesLink ? "linkedPeople" : nil].compactMap { $0 }
        var changed = false
        if case .object(var fields)? = copy["fields"] {
            for member in members {
                if let value = fields[member], let dropped = droppingFuzzyEncodings(member, value, kind: kind) {
                    fields[member] = dropped
                    changed = true
                }
            }
            copy["fields"] = .object(fields)
        }
        if case .object(var registers)? = copy["registers"] {
            for member in members {
                guard case .array(var writes)? = registers["fields." + member] else { continue }
                for index in writes.indices {
                    guard case .object(var write) = writes[index], let value = write["value"],
                        let dropped = droppingFuzzyEncodings(member, value, kind: kind)
                    else { continue }
                    write["value"] = dropped
                    writes[index] = .object(write)
                    changed = true
                }
                registers["fields." + member] = .array(writes)
            }
            copy["registers"] = .object(registers)
        }
        return changed ? .object(copy) : document
    }

    /// A member's value without its people's fuzzy encodings; nil when it holds none.
    private static func droppingFuzzyEncodings(_ member: String, _ value: JSONValue, kind: RecordKind) -> JSONValue? {
        if member == kind.personMember { return droppingFuzzyEncoding(ofPerson: value) }
        guard case .array(var linked) = value else { return nil }
        var changed = false
        for index in linked.indices {
            guard case .object(var entry) = linked[index], let person = entry["person"], let dropped = droppingFuzzyEncoding(ofPerson: person)
            else { continue }
            entry["person"] = dropped
            linked[index] = .object(entry)
            changed = true
        }
        return changed ? .array(linked) : nil
    }

    /// A person without the fuzzy encoding of its match keys; nil when it has none.
    private static func droppingFuzzyEncoding(ofPerson value: JSONValue) -> JSONValue? {
        guard case .object(var person) = value, case .object(var keys)? = person["matchKeys"], keys["fuzzy"] != nil else { return nil }
        keys["fuzzy"] = nil
        person["matchKeys"] = .object(keys)
        return .object(person)
    }
}

extension SharedPersonKey: CanonicalJSONWritable {
    /// `jsonValue`, written straight into the output: one goes out with every person sent.
    package func writeCanonical(to writer: inout CanonicalJSONWriter) {
        writer.object { writer in
            writer.key("matchKeys")
            writer.object { writer in
                if let exact {
                    writer.key("exact")
                    writer.hexString(exact)
                }
            }
        }
    }
}
