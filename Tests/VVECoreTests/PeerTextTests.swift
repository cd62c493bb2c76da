import Testing
import VVECore

/// A peer's free text reaches a person's terminal only with its control characters escaped.
@Suite struct PeerTextTests {
    @Test func controlCharactersAreEscapedAndLongTextIsCut() {
        // An escape sequence that would clear the screen and set the window title.
        #expect(PeerText.printable("refused\u{1B}[2J\u{1B}]0;owned\u{07}") == "refused\\u{1B}[2J\\u{1B}]0;owned\\u{7}")
        // C1 controls and line breaks too; other text, accents included, as it is.
        #expect(PeerText.printable("a\u{9B}b\nc\té") == "a\\u{9B}b\\u{A}c\\u{9}é")
        let long = String(repeating: "x", count: 600)
        #expect(PeerText.printable(long) == String(repeating: "x", count: 500) + "…")
        #expect(PeerText.reason(in: ["error": "no\u{1B}"]) == "no\\u{1B}")
        #expect(PeerText.reason(in: [:]) == "no reason given")
    }
}
