/// The first line of `vve record export`:
/// `{"vveExport": {"node": "camden", "exportedAt": "...", "records": 120, "whole": true}}`.
///
/// It tells `vve record import` that the lines after it are whole records, with their ids,
/// versions and times, to be restored as they are, and whose node they are: an export is
/// imported only into a node of the same name, since every record id is bound to its owner.
package struct ExportHeader: Sendable, Hashable {
    /// The node whose records these are.
    package var node: AuthorityName
    /// When the export was made.
    package var exportedAt: Timestamp
    /// How many records follow.
    package var records: Int
    /// Whether the export holds every record and tombstone of the node, not a filtered part.
    package var whole: Bool

    package init(node: AuthorityName, exportedAt: Timestamp, records: Int, whole: Bool) {
        self.node = node
        self.exportedAt = exportedAt
        self.records = records
        self.whole = whole
    }

    package var jsonValue: JSONValue {
        [
            "vveExport": [
                "node": node.jsonValue, "exportedAt": exportedAt.jsonValue, "records": .integer(Int64(records)), "whole": .bool(whole),
            ]
        ]
    }

    /// The header a line is; nil when the line is not one (a record to import).
    package static func read(_ value: JSONValue) throws(ValidationError) -> ExportHeader? {
        guard let header = value.objectValue?["vveExport"] else { return nil }
        var issues = IssueCollector()
        let path = FieldPath.root.appending("vveExport")
        guard value.objectValue?.count == 1, var reader = ObjectReader(header, at: path, issues: &issues) else {
            if issues.issues.isEmpty { issues.add(.root, nil, "an export's first line holds `vveExport` alone") }
            throw ValidationError(issues: issues.issues)
        }
        let node = reader.required("node", as: AuthorityName.self, hint: "the node the records are of", issues: &issues)
        let exportedAt = reader.required("exportedAt", as: Timestamp.self, hint: "when the export was made", issues: &issues)
        let records = reader.raw("records")
        let whole = reader.raw("whole")
        reader.finish(issues: &issues)
        guard case .integer(let count)? = records, count >= 0 else {
            issues.add(path.appending("records"), records, "must be the number of records that follow")
            throw ValidationError(issues: issues.issues)
        }
        guard case .bool(let isWhole)? = whole else {
            issues.add(path.appending("whole"), whole, "must be true or false")
            throw ValidationError(issues: issues.issues)
        }
        guard let node, let exportedAt, issues.issues.isEmpty else { throw ValidationError(issues: issues.issues) }
        return ExportHeader(node: node, exportedAt: exportedAt, records: Int(count), whole: isWhole)
    }
}

/// A line of an export after its header: a whole record, as `vve record show --json`
/// prints it, with its source reference when it has one.
package struct ExportedRecord: Sendable, Hashable {
    package var record: CaseRecord
    package var source: SourceReference?

    package init(record: CaseRecord, source: SourceReference?) {
        self.record = record
        self.source = source
    }

    package var jsonValue: JSONValue {
        var members = record.jsonValue.objectValue ?? JSONObject()
        members["source"] = source?.jsonValue
        return .object(members)
    }

    /// Reads a whole record and its source, checking every field as a stored record is
    /// checked; the dates are not held against today, since they are the record's history.
    package static func read(_ value: JSONValue) throws(ValidationError) -> ExportedRecord {
        guard var members = value.objectValue else {
            throw ValidationError(issues: [
                ValidationIssue(path: .root, value: nil, rule: "is \(value.typeName); expected an object: one record per line")
            ])
        }
        var source: SourceReference?
        if let raw = members.removeValue(forKey: "source"), raw != .null {
            var issues = IssueCollector()
            source = SourceReference.read(from: raw, at: FieldPath.root.appending("source"), issues: &issues)
            guard source != nil else { throw ValidationError(issues: issues.issues) }
        }
        return ExportedRecord(record: try CaseRecord.read(from: .object(members)), source: source)
    }
}
