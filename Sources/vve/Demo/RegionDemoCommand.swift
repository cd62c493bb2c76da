import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle

/// `vve demo` (region): five nodes on loopback over mutual TLS, in one process, each with its
/// own SQLite store, certificates, peer files and pull loops, walked through step by step.
struct RegionDemoCommand: AsyncReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "region",
        abstract: "Start a five-node region on loopback and show what flows where, a conflict, and an erasure; Ctrl-C stops it.",
        discussion: """
            A fresh region CA, certificates and peer files are made in a temporary folder (removed on exit unless --keep). \
            Every node serves mutual TLS on 127.0.0.1 and pulls from the other four; all records are synthetic.

            Examples:
              vve demo region
              vve demo region --keep --exit
            """)

    @Flag(help: "Keep the region's folder afterwards.")
    var keep = false

    @Flag(help: "Stop after the walkthrough instead of running until Ctrl-C.")
    var exit = false

    func execute() async throws {
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("vve-demo-region-\(UUID().uuidString.prefix(8))")
            .standardizedFileURL.path
        defer {
            if !keep { try? FileManager.default.removeItem(atPath: root) }
        }
        var logger = Logger(label: "vve.demo", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = ProcessInfo.processInfo.environment["VVE_DEMO_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .error
        let region = try DemoRegionNodes.create(in: root, logger: logger)
        let walkthrough = DemoWalkthrough(region: region, runUntilStopped: !exit, root: root, keep: keep)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: region.services + [.init(service: walkthrough, successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        if let failure = walkthrough.failure.withLock({ $0 }) { throw failure }
        Output.line()
        Output.line(keep ? "Stopped. The region's folders are kept in \(root)." : "Stopped. The region's temporary folder has been removed.")
    }
}
