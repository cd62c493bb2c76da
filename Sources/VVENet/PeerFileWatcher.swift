import Foundation
import Logging
import ServiceLifecycle
import UnixSignals
import VVEConfig
import VVECore

/// Keeps the registry in step with the `Peers` folder while the server runs: it looks for a
/// changed file every `interval` and reloads at once on SIGHUP. A file that becomes invalid
/// drops its peer (refused, never guessed at) and is logged with file:line.
package struct PeerFileWatcher: Service {
    let folder: String
    let localNode: AuthorityName
    let registry: PeerRegistry
    let logger: Logger
    let interval: Duration

    /// `interval` defaults to one second: an admin's `vve peer add` takes effect within it.
    package init(folder: String, localNode: AuthorityName, registry: PeerRegistry, logger: Logger, interval: Duration = .seconds(1)) {
        self.folder = folder
        self.localNode = localNode
        self.registry = registry
        self.logger = logger
        self.interval = interval
    }

    /// Reads the folder and replaces the registry, logging what changed and every problem.
    @discardableResult
    package func reload(reason: String) -> PeerRegistry.Changes {
        let directory = PeerDirectory.load(folder, localNode: localNode)
        let changes = registry.replace(with: directory)
        if !changes.isEmpty {
            logger.notice(
                "peers reloaded",
                metadata: [
                    "reload.reason": "\(reason)",
                    "peers.added": "\(changes.added.map(\.rawValue).joined(separator: ","))",
                    "peers.removed": "\(changes.removed.map(\.rawValue).joined(separator: ","))",
                    "peers.changed": "\(changes.changed.map(\.rawValue).joined(separator: ","))",
                ])
        }
        for problem in directory.problems {
            logger.error("peer file refused", metadata: ["config.error": "\(problem)"])
        }
        return changes
    }

    /// A cheap fingerprint of the folder: each file's name, inode, size and modification time.
    func folderSignature() -> [String] {
        let files = FileManager.default
        guard let names = try? files.contentsOfDirectory(atPath: folder) else { return [] }
        return names.sorted().map { name in
            var status = stat()
            guard stat(folder + "/" + name, &status) == 0 else { return name }
            return "\(name) \(status.st_ino) \(status.st_size) \(status.st_mtim.tv_sec).\(status.st_mtim.tv_nsec)"
        }
    }

    package func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in hangups { self.reload(reason: "SIGHUP") }
                }
                group.addTask {
                    var signature = self.folderSignature()
                    while !Task.isCancelled {
                        try? await Task.sleep(for: self.interval)
                        let next = self.folderSignature()
                        if next != signature {
                            signature = next
                            self.reload(reason: "peer files changed")
                        }
                    }
                }
                await group.next()
                group.cancelAll()
            }
        }
    }
}
