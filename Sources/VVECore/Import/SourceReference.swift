/// Where a record came from: the case management system that feeds the node (Liquidlogic,
/// Mosaic, Eclipse...) and the record's id there, as `{"system": "mosaic", "id": "C-104233"}`.
///
/// Unique per node: an import that meets a known reference updates that record instead of
/// creating another. It stays on the node. It is never part of a projection, a lookup answer
/// or an aggregate, and it is forgotten when the record is erased.
package struct SourceReference: Sendable, Hashable, JSONFieldValue {
    /// The feeding system: 1-32 lowercase letters, digits and hyphens, starting with a letter.
    package let system: String
    /// The record's id in that system: 1-64 letters, digits and `. _ / : # -`.
    package let id: String

    package static let systemRule = "must be 1-32 lowercase letters, digits and hyphens, starting with a letter, such as \"mosaic\""
    package static let idRule = "must be 1-64 letters, digits and . _ / : # -, such as \"C-104233\""

    package init?(system: String, id: String) {
        guard Self.isSystem(system), Self.isID(id) else { return nil }
        self.system = system
        self.id = id
    }

    static func isSystem(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...32).contains(bytes.count), (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[0]) else { return false }
        return bytes.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-")
        }
    }

    static func isID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...64).contains(bytes.count) else { return false }
        return bytes.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || Array("._/:#-".utf8).contains(byte)
        }
    }

    package static func read(from value: JSONValue, at path: FieldPath, issues: inout IssueCollector) -> SourceReference? {
        guard var reader = ObjectReader(value, at: path, issues: &issues) else { return nil }
        let system = reader.raw("system")
        let id = reader.raw("id")
        reader.finish(issues: &issues)
        var valid = true
        if let system {
            if system.stringValue.map(isSystem) != true {
                issues.add(path.appending("system"), system, systemRule)
                valid = false
            }
        } else {
            issues.add(path.appending("system"), nil, "is required: the system the record comes from, such as \"mosaic\"")
            valid = false
        }
        if let id {
            if id.stringValue.map(isID) != true {
                issues.add(path.appending("id"), id, idRule)
                valid = false
            }
        } else {
            issues.add(path.appending("id"), nil, "is required: the record's id in that system")
            valid = false
        }
        guard valid, let systemText = system?.stringValue, let idText = id?.stringValue else { return nil }
        return SourceReference(system: systemText, id: idText)
    }

    package var jsonValue: JSONValue { ["id": .string(id), "system": .string(system)] }
}
