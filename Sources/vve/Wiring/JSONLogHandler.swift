import Foundation
import Logging
import VVECore

/// `vve serve --log-format json`: one JSON object a line on standard error, for a log
/// shipper. Each line has `time` (UTC, milliseconds), `level`, `label`, `message`, `source`
/// (the module that logged) and `metadata`, whose keys are the same dotted keys the text
/// logs print (`peer.name`, `aggregate.query`). The logs say the same as the text ones, so
/// the same rule holds: never a secret, a record's contents or a person.
struct JSONLogHandler: LogHandler {
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    let label: String
    /// Where each line goes; standard error in `vve serve`.
    let write: @Sendable (String) -> Void

    init(label: String, write: @escaping @Sendable (String) -> Void = JSONLogHandler.standardError) {
        self.label = label
        self.write = write
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let own = event.metadata { merged.merge(own) { _, new in new } }
        write(
            Self.line(time: Self.now(), level: event.level, label: label, message: event.message.description, source: event.source, metadata: merged))
    }

    /// One log line, without its line break.
    static func line(time: Timestamp, level: Logger.Level, label: String, message: String, source: String, metadata: Logger.Metadata) -> String {
        let object: JSONValue = [
            "time": .string(time.description), "level": .string(level.rawValue), "label": .string(label), "message": .string(message),
            "source": .string(source), "metadata": .object(JSONObject(metadata.sorted { $0.key < $1.key }.map { ($0.key, json($0.value)) })),
        ]
        return JSONWriter.canonical(object)
    }

    /// A metadata value as JSON: text as a string, lists and dictionaries as arrays and
    /// objects, anything else by its description.
    static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let convertible): .string(convertible.description)
        case .array(let values): .array(values.map(json))
        case .dictionary(let members): .object(JSONObject(members.sorted { $0.key < $1.key }.map { ($0.key, json($0.value)) }))
        }
    }

    static func now() -> Timestamp {
        Timestamp(millisecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    /// Writes a line and its line break to standard error in one call, so that lines from
    /// concurrent tasks do not interleave.
    static let standardError: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
