import Foundation
import VVECore

/// Reading JSON input from a file, standard input or the command line.
enum InputSource {
    /// The largest single JSON document accepted (a record or a patch).
    static let maximumDocumentBytes = 1 << 20

    /// Reads a whole file's bytes, failing with exit 66 when it cannot be read.
    static func readBytes(path: String) throws -> [UInt8] {
        if path == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "it cannot be read (check its permissions)" : "it does not exist"
            throw CommandFailure("cannot read \(path): \(reason)", status: .noInput)
        }
        return Array(data)
    }

    /// Reads a UTF-8 text file.
    static func readText(path: String) throws -> String {
        guard let text = String(validating: try readBytes(path: path), as: UTF8.self) else {
            throw CommandFailure("\(path) is not UTF-8 text", status: .invalidInput)
        }
        return text
    }

    /// Reads one JSON document given as a file path, `-` for standard input, or inline text
    /// starting with `{`.
    static func document(_ argument: String) throws -> JSONValue {
        let bytes = argument.hasPrefix("{") ? Array(argument.utf8) : try readBytes(path: argument)
        guard bytes.count <= maximumDocumentBytes else {
            throw CommandFailure("the JSON document is \(bytes.count) bytes; the limit is \(maximumDocumentBytes)", status: .invalidInput)
        }
        return try JSONParser.parse(bytes)
    }

    /// Splits NDJSON into its non-blank lines, keeping 1-based line numbers for messages.
    /// A carriage return before a newline is dropped, so files from Windows tools work.
    static func lines(of bytes: [UInt8]) -> [(number: Int, bytes: ArraySlice<UInt8>)] {
        var lines: [(Int, ArraySlice<UInt8>)] = []
        var start = 0
        var number = 1
        func take(_ end: Int) {
            var slice = bytes[start..<end]
            if slice.last == UInt8(ascii: "\r") { slice = slice.dropLast() }
            if slice.contains(where: { $0 != 0x20 && $0 != 0x09 }) { lines.append((number, slice)) }
        }
        for index in bytes.indices where bytes[index] == UInt8(ascii: "\n") {
            take(index)
            start = index + 1
            number += 1
        }
        if start < bytes.count { take(bytes.count) }
        return lines
    }
}

/// Builds a document from `--set PATH=VALUE` flags. A value that parses as JSON is used as
/// JSON (numbers, `true`, arrays, objects); anything else is a string.
enum SetFlags {
    /// Applies each assignment to `document`, creating objects along dotted paths.
    static func apply(_ assignments: [String], to document: JSONValue) throws -> JSONValue {
        var result = document
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                throw CommandFailure("--set \(assignment): write it as PATH=VALUE, such as --set riskLevel=high", status: .usage)
            }
            let path = assignment[..<equals].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard !path.contains(where: \.isEmpty) else {
                throw CommandFailure("--set \(assignment): the path has an empty part; use names joined by dots", status: .usage)
            }
            let rawValue = String(assignment[assignment.index(after: equals)...])
            let value = (try? JSONParser.parse(rawValue)) ?? .string(rawValue)
            result = result.merging(patch: nested(path, value))
        }
        return result
    }

    private static func nested(_ path: [String], _ value: JSONValue) -> JSONValue {
        path.reversed().reduce(value) { inner, key in .object(JSONObject([(key, inner)])) }
    }
}
