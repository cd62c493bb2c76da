import Foundation
import GRDB
import Testing

/// A region made with the real CLI in a temporary folder: a CA, and nodes with keys and
/// certificates signed by it. Removed when the test ends.
final class TestRegion {
    let root: String
    var caDirectory: String { root + "/ca" }

    init() throws {
        root = temporaryPath("vve-region-")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try check(VVE.run(["cert", "ca-init", "--dir", caDirectory, "--name", "Test Region CA"]))
    }

    deinit {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// `vve init`, then a key, a request and a certificate for `localhost` and the node's name.
    func node(_ name: String) throws -> RegionNode {
        let node = RegionNode(name: name, directory: root + "/" + name, region: self)
        try check(VVE.run(["init", "--name", name, "--dir", node.directory]))
        try check(VVE.run(["cert", "request", "--node", name, "--dns", "localhost", "--dir", node.directory]))
        try check(VVE.run(["cert", "sign", "--ca", caDirectory, node.directory + "/Certificates/\(name).csr"]))
        try FileManager.default.copyItem(atPath: caDirectory + "/ca.pem", toPath: node.directory + "/Certificates/ca.pem")
        return node
    }

    /// A further key and certificate for `node` at `stem` (.key, .pem), signed by `ca`
    /// (default: the region's), valid from `notBefore` for `days`.
    @discardableResult
    func certificate(for node: RegionNode, stem: String, ca: String? = nil, notBefore: String? = nil, days: Int = 365) throws -> String {
        try check(VVE.run(["cert", "request", "--node", node.name, "--dns", "localhost", "--out", stem]))
        var arguments = ["cert", "sign", "--ca", ca ?? caDirectory, stem + ".csr", "--days", "\(days)"]
        if let notBefore { arguments += ["--not-before", notBefore] }
        try check(VVE.run(arguments))
        return stem + ".pem"
    }

    /// A second, unrelated CA.
    func rogueCA() throws -> String {
        let directory = root + "/rogue-ca"
        try check(VVE.run(["cert", "ca-init", "--dir", directory, "--name", "Rogue CA"]))
        return directory
    }
}

/// Fails the test with the process's stderr when it did not exit 0.
@discardableResult
func check(_ result: ProcessResult) throws -> ProcessResult {
    guard result.status == 0 else { throw TestFailure("vve exited \(result.status): \(result.stderr)") }
    return result
}

/// One node of a `TestRegion`.
final class RegionNode {
    let name: String
    let directory: String
    unowned let region: TestRegion

    init(name: String, directory: String, region: TestRegion) {
        self.name = name
        self.directory = directory
        self.region = region
    }

    var certificate: String { directory + "/Certificates/\(name).pem" }
    var key: String { directory + "/Certificates/\(name).key" }
    var linkageKey: String { directory + "/Certificates/linkage.key" }

    /// Makes the region's linkage key here, with `vve linkage-key create`.
    func createLinkageKey() throws {
        try check(VVE.run(["linkage-key", "create", linkageKey]))
    }

    /// Gives `other` this node's linkage key, as an admin copies the region's key to a node.
    func copyLinkageKey(to other: RegionNode) throws {
        try FileManager.default.copyItem(atPath: linkageKey, toPath: other.linkageKey)
    }

    /// Runs vve with `--dir` this node.
    @discardableResult
    func run(_ arguments: [String]) throws -> ProcessResult {
        try VVE.run(arguments + ["--dir", directory], environment: ["VVE_OPERATOR": "a.admin"])
    }

    /// Adds settings to the end of node.yaml.
    func appendSetting(_ text: String) throws {
        let file = directory + "/node.yaml"
        try (try String(contentsOfFile: file, encoding: .utf8) + text + "\n").write(toFile: file, atomically: true, encoding: .utf8)
    }

    /// Pins `peer` at `https://localhost:PORT` with its certificate (or the ones given).
    func pin(_ peer: RegionNode, port: Int, certificates: [String]? = nil, role: String = "borough") throws {
        var arguments = ["peer", "add", peer.name, "--url", "https://localhost:\(port)", "--role", role]
        for file in certificates ?? [peer.certificate] { arguments += ["--cert", file] }
        arguments += ["--agreement", "NL-ISA-2026-004", "--lawful-basis", "Children Act 1989 s.47"]
        try check(run(arguments))
    }

    /// Gives the peer file `Peers/PEER.yaml` this policy in place of the deny-all one that
    /// `vve peer add` writes.
    func setPolicy(for peer: String, _ policy: String) throws {
        let file = directory + "/Peers/\(peer).yaml"
        let text = try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: "lookups: no\naggregates: no\n", with: policy)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
    }

    /// Points node.yaml at another certificate and key (by stem), or another CA certificate.
    func use(certificateStem stem: String? = nil, caCertificate: String? = nil) throws {
        let text = """
            name: \(name)
            certificate: \(stem.map { $0 + ".pem" } ?? certificate)
            private-key: \(stem.map { $0 + ".key" } ?? key)
            ca-certificate: \(caCertificate ?? directory + "/Certificates/ca.pem")

            """
        guard FileManager.default.createFile(atPath: directory + "/node.yaml", contents: Data(text.utf8)) else {
            throw TestFailure("cannot rewrite node.yaml")
        }
    }

    /// Starts `vve serve` on a free loopback port and waits until it listens.
    func serve(_ extra: [String] = []) throws -> TestServer {
        let process = try VVE.start(["serve", "--listen", "127.0.0.1:0", "--dir", directory] + extra)
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let output = String(decoding: FileManager.default.contents(atPath: process.outputs + ".out") ?? Data(), as: UTF8.self)
            if let range = output.range(of: #"listening on 127\.0\.0\.1:(\d+)"#, options: .regularExpression),
                let port = Int(output[range].split(separator: ":").last ?? "")
            {
                return TestServer(process: process, port: port)
            }
            if !process.process.isRunning {
                throw TestFailure("vve serve exited \(process.process.terminationStatus): \(process.result().stderr)")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.process.terminate()
        throw TestFailure("vve serve did not start listening within 20 s")
    }

    /// The `refuse` audit entries' details, oldest first, read straight from the store.
    func refusals() throws -> [String] {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: directory + "/vve.sqlite", configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            try String.fetchAll(db, sql: "SELECT detail FROM audit_log WHERE action = 'refuse' ORDER BY seq")
        }
    }

    /// Waits until at least `count` refusals are audited (they are written once a second).
    func waitForRefusals(_ count: Int) throws -> [String] {
        let deadline = Date().addingTimeInterval(10)
        var found = try refusals()
        while found.count < count, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
            found = try refusals()
        }
        return found
    }
}

/// A running `vve serve`, stopped (SIGKILL) when dropped unless stopped first.
final class TestServer {
    let process: RunningProcess
    let port: Int

    init(process: RunningProcess, port: Int) {
        self.process = process
        self.port = port
    }

    /// Sends SIGTERM and waits for a graceful exit.
    func stop() -> ProcessResult {
        process.process.terminate()
        process.process.waitUntilExit()
        return process.result()
    }

    func signal(_ number: Int32) {
        kill(process.process.processIdentifier, number)
    }

    deinit {
        if process.process.isRunning {
            kill(process.process.processIdentifier, SIGKILL)
            process.process.waitUntilExit()
        }
    }
}

/// Runs curl against a node, as an admin would, with `--resolve` unnecessary on localhost.
func curl(_ arguments: [String]) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["curl", "-sS", "--max-time", "10"] + arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ProcessResult(
        status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
}

/// curl with a node's certificate and key against `https://localhost:PORT/PATH`.
func curl(as certificate: String?, key: String?, ca: String, port: Int, path: String = "/v1/whoami") throws -> ProcessResult {
    var arguments = ["--cacert", ca]
    if let certificate, let key { arguments += ["--cert", certificate, "--key", key] }
    return try curl(arguments + ["https://localhost:\(port)\(path)"])
}
