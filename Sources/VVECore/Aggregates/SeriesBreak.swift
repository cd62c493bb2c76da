/// A break a node declares in one measure's series (`series-breaks:` in node.yaml): from
/// `date` its counts are not comparable with those before, for the reason `note` gives, such
/// as "police recording changed: every absence is now recorded as missing". A node's answers
/// of the measure carry its breaks that fall in the quarters asked, and reports mark them on
/// the trend and in the CSV, so a rise that is the recording's is not read as the children's.
package struct SeriesBreak: Sendable, Hashable, Comparable, JSONFieldValue {
    /// The longest note.
    package static let maximumNoteLength = 200
    /// The most breaks one measure of one node may declare, and so one answer carry.
    package static let maximumPerMeasure = 10
    /// The rule for a note, as errors say it.
    package static let noteRule = "must be one sentence of 1-\(maximumNoteLength) printable characters on one line"

    package let date: CalendarDate
    package let note: String

    /// A break, or nil when the note breaks `noteRule`.
    package init?(date: CalendarDate, note: String) {
        let text = note.trimmingWhitespace()
        guard !text.isEmpty, text.count <= Self.maximumNoteLength, !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return nil }
        self.date = date
        self.note = text
    }

    /// The quarter the break falls in: the first whose counts follow the new practice, at
    /// least in part.
    package var quarter: Quarter { Quarter(containing: date) }

    /// The breaks among `breaks` that fall in `quarters`, in date order.
    package static func within(_ quarters: [Quarter], _ breaks: [SeriesBreak]) -> [SeriesBreak] {
        guard let first = quarters.first, let last = quarters.last else { return [] }
        return breaks.filter { $0.quarter >= first && $0.quarter <= last }.sorted()
    }

    package static func < (lhs: SeriesBreak, rhs: SeriesBreak) -> Bool { (lhs.date, lhs.note) < (rhs.date, rhs.note) }

    package var jsonValue: JSONValue { ["date": .string(date.description), "note": .string(note)] }

    package static func read(from value: JSONValue, at path: FieldPath, issues: inout IssueCollector) -> SeriesBreak? {
        guard var reader = ObjectReader(value, at: path, issues: &issues) else { return nil }
        let date = reader.required("date", as: CalendarDate.self, hint: "the day the series breaks, as YYYY-MM-DD", issues: &issues)
        let note = reader.requiredText("note", limit: maximumNoteLength, hint: "what changed, in one sentence", issues: &issues)
        reader.finish(issues: &issues)
        guard let date, let note else { return nil }
        return SeriesBreak(date: date, note: note)
    }
}
