import Foundation
import GRDB
import Testing

/// What a finished `vve` process left behind.
struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs the real `vve` executable, built beside the test bundle.
enum VVE {
    /// `$VVE_BINARY`, else the `vve` next to this test executable in the build folder.
    static let binary: String = {
        if let override = ProcessInfo.processInfo.environment["VVE_BINARY"] { return override }
        let testExecutable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return testExecutable.deletingLastPathComponent().appendingPathComponent("vve").path
    }()

    /// The environment every run gets: nothing inherited that changes vve's behaviour.
    static func environment(_ extra: [String: String]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["VVE_HOME"] = nil
        environment["VVE_OPERATOR"] = nil
        return environment.merging(extra) { _, new in new }
    }

    /// Starts `vve` and waits for it.
    @discardableResult
    static func run(
        _ arguments: [String], in directory: String? = nil, environment extra: [String: String] = [:], stdin: Data? = nil
    ) throws
        -> ProcessResult
    {
        let process = try start(arguments, in: directory, environment: extra, stdin: stdin)
        process.process.waitUntilExit()
        return process.result()
    }

    /// Starts `vve` without waiting, for tests that signal it.
    static func start(
        _ arguments: [String], in directory: String? = nil, environment extra: [String: String] = [:], stdin: Data? = nil
    ) throws
        -> RunningProcess
    {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw TestFailure("no vve executable at \(binary); build the package first (swift build)")
        }
        let outputs = temporaryPath("vve-out-")
        guard FileManager.default.createFile(atPath: outputs + ".out", contents: nil),
            FileManager.default.createFile(atPath: outputs + ".err", contents: nil)
        else { throw TestFailure("cannot create output files at \(outputs)") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = environment(extra)
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputs + ".out"))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: outputs + ".err"))
        if let stdin {
            let input = outputs + ".in"
            guard FileManager.default.createFile(atPath: input, contents: stdin) else { throw TestFailure("cannot write \(input)") }
            process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: input))
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        return RunningProcess(process: process, outputs: outputs)
    }
}

/// A `vve` process that may still be running.
struct RunningProcess {
    let process: Process
    let outputs: String

    func result() -> ProcessResult {
        defer {
            for suffix in [".out", ".err", ".in"] { try? FileManager.default.removeItem(atPath: outputs + suffix) }
        }
        let read = { (suffix: String) in String(decoding: FileManager.default.contents(atPath: outputs + suffix) ?? Data(), as: UTF8.self) }
        return ProcessResult(status: process.terminationStatus, stdout: read(".out"), stderr: read(".err"))
    }
}

/// A new path under the temporary folder, normalised as vve normalises paths.
func temporaryPath(_ prefix: String) -> String {
    URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(prefix + UUID().uuidString).standardizedFileURL.path
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A node made by `vve init` in a fresh temporary folder, removed when the test ends.
final class TestNode {
    let directory: String
    let name: String
    static let operatorName = "j.okafor"

    init(name: String = "camden") throws {
        let parent = temporaryPath("vve-node-")
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        directory = parent + "/" + name
        self.name = name
        let result = try VVE.run(["init", "--name", name, "--dir", directory])
        guard result.status == 0 else { throw TestFailure("vve init failed: \(result.stderr)") }
    }

    deinit {
        try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: directory).deletingLastPathComponent().path)
    }

    var database: String { directory + "/vve.sqlite" }

    /// Runs vve inside the node's folder as the test operator.
    @discardableResult
    func run(_ arguments: [String], stdin: Data? = nil, operatorName: String? = TestNode.operatorName) throws -> ProcessResult {
        try VVE.run(arguments, in: directory, environment: operatorName.map { ["VVE_OPERATOR": $0] } ?? [:], stdin: stdin)
    }

    /// Writes a file into the node's folder and returns its path.
    func write(_ name: String, _ contents: Data) throws -> String {
        let path = directory + "/" + name
        guard FileManager.default.createFile(atPath: path, contents: contents) else { throw TestFailure("cannot write \(path)") }
        return path
    }

    /// Every row of every table, as text: equal snapshots mean the store did not change.
    func snapshot() throws -> [String] {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: database, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            try ["record", "change_log", "audit_log"].flatMap { table in
                try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY 1").map { "\(table): \($0)" }
            }
        }
    }

    /// Opens the database for a test to change it behind vve's back.
    func tamper(_ sql: String) throws {
        let queue = try DatabaseQueue(path: database)
        try queue.write { db in try db.execute(sql: sql) }
        try queue.close()
    }
}
