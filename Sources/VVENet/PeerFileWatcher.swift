import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals
import VVEConfig
import VVECore

/// Keeps the registry in step with the `Peers` folder while the server runs: it looks for a
/// changed file every `interval` and reloads at once on SIGHUP. A file that becomes invalid
/// drops its peer (refused, never guessed at) and is logged with file:line. A folder or file
/// that cannot be read at all (out of file descriptors, say) says nothing about the peers,
/// so the registry keeps what it had for them, and the error is logged: a node never drops
/// every peer because a read failed. Reloads run one at a time, so an older read of the
/// folder never replaces a newer one.
package struct PeerFileWatcher: Service {
    let folder: String
    let localNode: AuthorityName
    let registry: PeerRegistry
    let logger: Logger
    let interval: Duration
    /// Held for the whole of a reload: SIGHUP and the folder watch may both ask for one.
    private let reloading = ReloadLock()

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
        reloading.mutex.withLock { _ in replace(reason: reason) }
    }

    private func replace(reason: String) -> PeerRegistry.Changes {
        var directory = PeerDirectory.load(folder, localNode: localNode)
        if let problem = directory.folderProblem {
            logger.error("cannot read the peer files; keeping the peers as they were", metadata: ["config.error": "\(problem)"])
            return PeerRegistry.Changes()
        }
        // A file that could not be read keeps its peer as it was, unless another file now
        // names that peer or pins one of its certificates.
        for name in directory.unreadable {
            guard let kept = AuthorityName(name).flatMap(registry.peer(named:)),
                !directory.peers.contains(where: { $0.name == kept.name || !Set($0.pins).isDisjoint(with: kept.pins) })
            else { continue }
            directory.peers.append(kept)
            logger.error("cannot read a peer file; keeping the peer as it was", metadata: ["peer.name": "\(kept.name)"])
        }
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

/// One lock shared by every copy of a watcher.
private final class ReloadLock: Sendable {
    let mutex = Mutex(())
}
