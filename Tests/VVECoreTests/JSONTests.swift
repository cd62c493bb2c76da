import Testing
import VVECore

@Suite struct JSONParserTests {
    @Test func parsesEveryValueType() throws {
        let value = try JSONParser.parse(#" {"a": [1, -2.5, true, false, null, "x\"\u00e9\ud83d\ude00\n"], "b": {}} "#)
        #expect(value == ["a": [.integer(1), .double(-2.5), true, false, .null, .string("x\"é😀\n")], "b": .object([:])])
    }

    @Test(arguments: [
        (#"{"a":1,"a":2}"#, "duplicate member \"a\""),
        (#"{"a":1} x"#, "unexpected content after the JSON value"),
        (#"{"a":01}"#, "leading zeros are not allowed in numbers"),
        (#"{"a":"\q"}"#, "invalid escape '\\q'"),
        (#"["\ud83d"]"#, "unpaired UTF-16 surrogate in a \\u escape"),
        ("{\"a\":\"tab\there\"}", "control character in a string; escape it as \\u00XX"),
        (#"{"a":1,}"#, "expected a quoted member name"),
        (#"[1 2]"#, "expected ',' or ']' in an array"),
        ("", "unexpected end of input"),
        (#"{"a":tru}"#, "expected 'true'"),
        (#"1e999"#, "number 1e999 is out of range"),
    ])
    func rejectsMalformedInput(text: String, reason: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(text) }
        do {
            _ = try JSONParser.parse(text)
        } catch {
            #expect(error.reason == reason)
        }
    }

    @Test func reportsLineAndColumn() {
        do {
            _ = try JSONParser.parse("{\n  \"a\": 1,\n  \"b\": ?\n}")
            Issue.record("expected a syntax error")
        } catch {
            #expect(error == JSONSyntaxError(line: 3, column: 8, reason: "unexpected character '?'"))
            #expect(error.description == "invalid JSON at line 3, column 8: unexpected character '?'")
        }
    }

    @Test func rejectsBytesThatAreNotUTF8() {
        let bytes: [UInt8] = Array(#"{"name":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(throws: JSONSyntaxError(line: 1, column: 9, reason: "string is not valid UTF-8")) { try JSONParser.parse(bytes) }
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse([0xFF, 0xFE]) }
    }

    @Test func limitsNestingDepth() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(deep) }
        let fine = String(repeating: "[", count: 20) + String(repeating: "]", count: 20)
        #expect(throws: Never.self) { try JSONParser.parse(fine) }
    }
}

@Suite struct JSONWriterTests {
    @Test func canonicalFormSortsMembersAndEscapes() {
        let value: JSONValue = ["b": 1, "a": ["z": "q\"\\\u{01}", "y": .null], "é": true]
        #expect(JSONWriter.canonical(value) == #"{"a":{"y":null,"z":"q\"\\\u0001"},"b":1,"é":true}"#)
    }

    @Test func canonicalFormRoundTrips() throws {
        var records = SyntheticRecords(seed: 11, owner: AuthorityName("camden")!, today: CalendarDate("2026-11-23")!)
        for _ in 0..<200 {
            let json = records.nextDraft().jsonValue
            let text = JSONWriter.canonical(json)
            #expect(try JSONParser.parse(text) == json)
            #expect(try JSONParser.parse(JSONWriter.pretty(json)) == json)
        }
    }

    @Test func prettyFormIsIndentedAndStable() {
        #expect(JSONWriter.pretty(["b": [1, 2], "a": .object([:]), "c": []]) == "{\n  \"a\": {},\n  \"b\": [\n    1,\n    2\n  ],\n  \"c\": []\n}")
    }
}

@Suite struct MergePatchTests {
    /// The examples of RFC 7396, appendix A.
    @Test(arguments: [
        (#"{"a":"b"}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
        (#"{"a":"b"}"#, #"{"b":"c"}"#, #"{"a":"b","b":"c"}"#),
        (#"{"a":"b"}"#, #"{"a":null}"#, #"{}"#),
        (#"{"a":"b","b":"c"}"#, #"{"a":null}"#, #"{"b":"c"}"#),
        (#"{"a":["b"]}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
        (#"{"a":"c"}"#, #"{"a":["b"]}"#, #"{"a":["b"]}"#),
        (#"{"a":{"b":"c"}}"#, #"{"a":{"b":"d","c":null}}"#, #"{"a":{"b":"d"}}"#),
        (#"{"a":[{"b":"c"}]}"#, #"{"a":[1]}"#, #"{"a":[1]}"#),
        (#"["a","b"]"#, #"["c","d"]"#, #"["c","d"]"#),
        (#"{"a":"b"}"#, #"["c"]"#, #"["c"]"#),
        (#"{"a":"foo"}"#, #"null"#, #"null"#),
        (#"{"a":"foo"}"#, #""bar""#, #""bar""#),
        (#"{"e":null}"#, #"{"a":1}"#, #"{"a":1,"e":null}"#),
        (#"[1,2]"#, #"{"a":"b","c":null}"#, #"{"a":"b"}"#),
        (#"{}"#, #"{"a":{"bb":{"ccc":null}}}"#, #"{"a":{"bb":{}}}"#),
    ])
    func appliesRFC7396Examples(target: String, patch: String, result: String) throws {
        let merged = try JSONParser.parse(target).merging(patch: try JSONParser.parse(patch))
        #expect(JSONWriter.canonical(merged) == result)
    }

    @Test func anAbsentMemberIsAbsentNotNull() throws {
        let value = try JSONParser.parse(Array(#"{"a": null, "b": 1}"#.utf8))
        #expect(value["a"] == .some(.null))
        #expect(value["missing"] == Optional<JSONValue>.none)
        #expect(JSONObject()["missing"] == Optional<JSONValue>.none)
    }
}
