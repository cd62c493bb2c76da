import VVECore

extension YAMLMappingReader {
    /// `series-breaks:`, a list of breaks a node declares in its measures' series, each a
    /// mapping of `measure`, `date` and `note`:
    ///
    ///     series-breaks:
    ///       - measure: missing-episodes
    ///         date: 2025-04-01
    ///         note: "Police recording changed: every absence is now recorded as missing."
    ///
    /// Absent means none. Every problem is reported at its line, and a break with one is left
    /// out.
    mutating func seriesBreaks() -> [Measure: [SeriesBreak]] {
        guard let (node, line) = node("series-breaks") else { return [:] }
        guard let sequence = node.sequence else {
            fail(line: line, "`series-breaks` must be a list of breaks, each with `measure`, `date` and `note`; see docs/guide/configuration.md")
            return [:]
        }
        var breaks: [Measure: [SeriesBreak]] = [:]
        for item in sequence {
            let itemLine = item.mark?.line ?? line
            guard var entry = YAMLMappingReader(item, file: file) else {
                fail(line: itemLine, "`series-breaks`: each break must be a mapping of `measure`, `date` and `note`")
                continue
            }
            let counted = Measure.allCases.filter(\.isCountedByQuarter)
            let measure = entry.value(
                "measure", required: "name the measure whose series breaks",
                rule: "must be a measure counted by quarter: \(counted.map(\.rawValue).joined(separator: ", "))"
            ) { Measure(rawValue: $0).flatMap { $0.isCountedByQuarter ? $0 : nil } }
            let date = entry.value(
                "date", required: "give the day the series breaks, as YYYY-MM-DD", rule: "must be a date as YYYY-MM-DD, such as 2025-04-01",
                CalendarDate.init)
            let note = entry.string("note", required: "say what changed, in one sentence")
            if let note, date != nil, SeriesBreak(date: date!.value, note: note.value) == nil {
                entry.fail(line: note.line, "`note` \(SeriesBreak.noteRule)")
            }
            entry.finish()
            absorb(entry)
            guard let measure, let date, let note, let seriesBreak = SeriesBreak(date: date.value, note: note.value) else { continue }
            if breaks[measure.value, default: []].contains(where: { $0.date == seriesBreak.date }) {
                fail(
                    line: date.line, "`series-breaks`: \(measure.value.rawValue) already breaks on \(date.value); give one break a day, with one note"
                )
            } else if breaks[measure.value, default: []].count == SeriesBreak.maximumPerMeasure {
                fail(
                    line: itemLine,
                    "`series-breaks`: \(measure.value.rawValue) has more than \(SeriesBreak.maximumPerMeasure) breaks; keep the ones its reports still span"
                )
            } else {
                breaks[measure.value, default: []].append(seriesBreak)
            }
        }
        return breaks.mapValues { $0.sorted() }
    }
}
