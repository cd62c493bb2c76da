/// Text a peer sent that this node will show a person (an error's reason, say), made safe to
/// print: a control character, which could move a terminal's cursor, rewrite what is shown
/// or set its title, is shown as an escape such as `\u{1B}` instead, and the text is cut to
/// `maximumLength` characters. Fields of records and answers are checked as they are read;
/// this is for the free text of a refusal, which is shown whatever it says.
package enum PeerText {
    /// The most characters of a peer's text shown.
    package static let maximumLength = 500

    /// `text` with every control character escaped, at most `maximumLength` characters.
    package static func printable(_ text: String) -> String {
        var shown = ""
        var count = 0
        for scalar in text.unicodeScalars {
            guard count < maximumLength else {
                shown += "…"
                break
            }
            if scalar.properties.generalCategory == .control {
                shown += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                shown.unicodeScalars.append(scalar)
            }
            count += 1
        }
        return shown
    }

    /// The `error` of a peer's JSON answer, printable, or `fallback` when it gave none.
    package static func reason(in body: JSONObject, fallback: String = "no reason given") -> String {
        body["error"]?.stringValue.map(printable) ?? fallback
    }
}
