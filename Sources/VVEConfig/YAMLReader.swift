import VVECore
import Yams

/// A configuration problem, located at `file:line`, with the fix in the message.
package struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    package var file: String
    /// 1-based line; 0 when the problem concerns the whole file.
    package var line: Int
    package var message: String

    package init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    package var description: String {
        line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)"
    }
}

/// Every problem found in one file, reported together.
package struct ConfigErrors: Error, Sendable, Equatable, CustomStringConvertible {
    package var errors: [ConfigError]

    package init(_ errors: [ConfigError]) {
        self.errors = errors
    }

    package var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// Reads one YAML mapping, keeping the line of every key so that errors point at it, and
/// reporting keys that nothing reads (typos). Yams itself refuses duplicate keys.
package struct YAMLMappingReader {
    /// The file being read, as errors name it.
    package let file: String
    /// The line where the mapping starts.
    package let line: Int
    private var entries: [(key: String, line: Int, value: Node)] = []
    private var used: Set<String> = []
    /// Problems found so far.
    package private(set) var errors: [ConfigError] = []

    /// Parses a whole document whose root must be a mapping.
    package static func document(_ text: String, file: String) throws(ConfigErrors) -> YAMLMappingReader {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigErrors([Self.describe(error, file: file)])
        } catch {
            throw ConfigErrors([ConfigError(file: file, line: 0, message: "cannot be read as YAML: \(error)")])
        }
        guard let root else {
            throw ConfigErrors([ConfigError(file: file, line: 0, message: "is empty; see docs/guide/configuration.md for the keys it needs")])
        }
        guard let reader = YAMLMappingReader(root, file: file) else {
            throw ConfigErrors([ConfigError(file: file, line: root.mark?.line ?? 0, message: "must be a mapping of `key: value` lines")])
        }
        if !reader.errors.isEmpty { throw ConfigErrors(reader.errors) }
        return reader
    }

    /// Starts reading a node, or returns nil when it is not a mapping.
    package init?(_ node: Node, file: String) {
        guard let mapping = node.mapping else { return nil }
        self.file = file
        self.line = node.mark?.line ?? 0
        // Yams refuses duplicate keys while composing, so every key here is unique.
        for (keyNode, value) in mapping {
            entries.append((keyNode.string ?? "", keyNode.mark?.line ?? 0, value))
        }
    }

    private static func describe(_ error: YamlError, file: String) -> ConfigError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            {
                let (line, text) = YAMLProblem.explained(problem, line: mark.line, openedOn: context?.mark.line)
                return ConfigError(file: file, line: line, message: "is not valid YAML: " + text)
            }()
        case .duplicatedKeysInMapping(let duplicates, let context):
            ConfigError(
                file: file, line: context.mark.line,
                message: duplicates.map { "`\($0)`" }.joined(separator: ", ") + " is given more than once; keep one")
        default:
            ConfigError(file: file, line: 0, message: "is not valid YAML: \(error)")
        }
    }

    /// Records a problem at a line.
    package mutating func fail(line: Int, _ message: String) {
        errors.append(ConfigError(file: file, line: line, message: message))
    }

    /// The value node and line of `key`, marking it as read.
    package mutating func node(_ key: String) -> (node: Node, line: Int)? {
        used.insert(key)
        guard let entry = entries.first(where: { $0.key == key }) else { return nil }
        return (entry.value, entry.line)
    }

    /// A scalar string value; records an error when it is required and missing, or not a scalar.
    package mutating func string(_ key: String, required hint: String? = nil) -> (value: String, line: Int)? {
        guard let (node, line) = node(key) else {
            if let hint { fail(line: self.line, "`\(key)` is missing: \(hint)") }
            return nil
        }
        guard let scalar = node.scalar else {
            fail(line: line, "`\(key)` must be a single value, not a list or mapping")
            return nil
        }
        return (scalar.string, line)
    }

    /// A string value parsed by `parse`; `rule` explains a value it rejects.
    package mutating func value<Value>(
        _ key: String, required hint: String? = nil, rule: String, _ parse: (String) -> Value?
    ) -> (value: Value, line: Int)? {
        guard let (text, line) = string(key, required: hint) else { return nil }
        guard let value = parse(text) else {
            fail(line: line, "`\(key)` is \"\(text)\"; it \(rule)")
            return nil
        }
        return (value, line)
    }

    /// Keys present but never read, with their lines.
    func unusedKeys() -> [(name: String, line: Int)] {
        entries.filter { !used.contains($0.key) }.map { ($0.key, $0.line) }
    }

    /// Keys read so far, sorted.
    func usedKeys() -> [String] { used.sorted() }

    /// Marks every key as read, once a caller has reported the unread ones itself.
    mutating func markAllUsed() {
        for entry in entries { used.insert(entry.key) }
    }

    /// Records an error for every key that was never read, naming the keys that are known.
    package mutating func finish() {
        for entry in entries where !used.contains(entry.key) {
            let known = used.sorted().map { "`\($0)`" }.joined(separator: ", ")
            let guess = Spelling.nearest(entry.key, among: used.sorted()).map { " (did you mean `\($0)`?)" } ?? ""
            fail(line: entry.line, "`\(entry.key)` is not a known setting here\(guess); known settings are \(known)")
        }
    }
}
