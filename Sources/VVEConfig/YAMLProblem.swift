/// libyaml's problems in an admin's words, with the fix: "did not find expected key" says
/// nothing to someone who indented one line by three spaces instead of two.
enum YAMLProblem {
    /// `problem` as libyaml words it, found at `line`; `openedOn` is where the construct it
    /// was reading began, when libyaml says. Returns the line to report, which for a list or
    /// a quote left open is where it opens, since libyaml notices only where the file no
    /// longer makes sense.
    static func explained(_ problem: String, line: Int, openedOn: Int?) -> (line: Int, text: String) {
        let earlier = openedOn.flatMap { $0 > 0 && $0 < line ? $0 : nil }
        switch problem {
        case "did not find expected ',' or ']'":
            return (earlier ?? line, "a `[` list that is not closed; end it with `]` on the line it opens")
        case "did not find expected ',' or '}'":
            return (earlier ?? line, "a `{` mapping that is not closed; end it with `}` on the line it opens")
        case "found unexpected end of stream":
            return (earlier ?? line, "a quote or a list that is not closed before the file ends; close it")
        default:
            return (line, text(problem, openedOn: earlier))
        }
    }

    private static func text(_ problem: String, openedOn earlier: Int?) -> String {
        switch problem {
        case "did not find expected key":
            return
                "this line is not indented like the keys around it; a key lines up with the other keys of its section, two spaces deeper than the section's name"
        case "mapping values are not allowed in this context":
            return
                "a `key:` where none can be: this line is indented deeper than the one above it allows, or a value holds `: ` and needs quotes, such as `lawful-basis: \"DPA 2018: Sch.8\"`"
        case "found character that cannot start any token":
            return "a character that cannot start a value here, most often a tab; indent with spaces"
        case "did not find expected '-' indicator":
            return "a list item that does not line up with the items above it; each starts with `- ` at the same indentation"
        case "could not find expected ':'":
            return "a line without `: ` where a `key: value` line is expected; add the colon, or join it to the line above"
        default:
            return problem + (earlier.map { " (while reading what begins on line \($0))" } ?? "")
        }
    }
}
