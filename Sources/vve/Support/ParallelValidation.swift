import VVECore

/// Validates the lines of an import on every core. Parsing and validating is most of an
/// import's work and each line is independent; the writes that follow are one transaction.
enum ParallelValidation {
    /// A line's outcome: the draft, or the messages that explain why it is invalid.
    enum Outcome: Sendable {
        case valid(RecordDraft)
        case invalid(line: Int, messages: [String])
    }

    /// The outcome of every line, in file order.
    static func validate(_ lines: [(number: Int, bytes: ArraySlice<UInt8>)], today: CalendarDate) -> [Outcome] {
        lines.concurrentMap { line in
            do {
                return .valid(try RecordDraft.read(from: try JSONParser.parse(line.bytes), kind: nil, today: today))
            } catch {
                return .invalid(line: line.number, messages: classify(error).message.split(separator: "\n").map(String.init))
            }
        }
    }
}
