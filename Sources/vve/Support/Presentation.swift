import VVECore

/// How a record reads for a person.
enum RecordPresentation {
    /// A table of records with a count line.
    static func table(_ records: [CaseRecord]) -> String {
        var table = TextTable("ID", "KIND", "STATUS", "RISK", "REVIEW", "LABEL")
        for record in records {
            table.add(
                record.id.description, record.kind.rawValue, record.status.rawValue, record.fields?.riskLevel.rawValue ?? "-",
                record.reviewDate.description, record.fields?.label ?? "(erased)")
        }
        return table.rendered + "\n\(records.count) record\(records.count == 1 ? "" : "s")"
    }

    /// Every part of one record, fields as indented JSON.
    static func describe(_ record: CaseRecord) -> String {
        var lines = [
            "\(record.kind.rawValue) \(record.id)",
            "  owner:    \(record.owner)",
            "  status:   \(record.status.rawValue)",
            "  review:   \(record.reviewDate)",
            "  created:  \(record.createdAt)",
            "  updated:  \(record.updatedAt)",
            "  version:  \(record.version)",
        ]
        switch record.content {
        case .erased(let time):
            lines.append("  erased:   \(time) (only this tombstone remains)")
        case .fields(let fields):
            lines.append("fields:")
            lines.append(JSONWriter.pretty(fields.jsonValue).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        }
        return lines.joined(separator: "\n")
    }
}

/// How audit entries read for a person.
enum AuditPresentation {
    /// A table of entries with a count line.
    static func table(_ entries: [AuditEntry]) -> String {
        var table = TextTable("SEQ", "TIME", "ACTOR", "ACTION", "RECORD", "WHY / DETAIL")
        for entry in entries {
            let event = entry.event
            let why = [event.justification, event.detail].compactMap { $0 }.joined(separator: " / ")
            table.add(
                String(entry.sequence), event.time.description, event.actor, event.action.rawValue,
                event.recordID?.description ?? "-", why.isEmpty ? "-" : why)
        }
        return table.rendered + "\n\(entries.count) entr\(entries.count == 1 ? "y" : "ies")"
    }
}
