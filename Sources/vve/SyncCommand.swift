import ArgumentParser
import Foundation
import VVEConfig
import VVECore
import VVENet
import VVEStore
import VVESync

/// `vve sync`: pull a peer's changes by hand.
struct SyncCommand: AsyncNodeCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: "Pull a peer's changes now: its records shared with this node, and its writes to this node's records.",
        discussion: """
            Batches apply whole, each in one transaction with the cursor that follows it, so an interrupted sync resumes \
            where it stopped and applies nothing twice. A refused batch is audited and stops the sync.

            Example:
              vve sync --peer haringey --once --dir ~/vve/camden

            Exit codes: 0 synced; 3 no such peer; 4 the peer was unreachable, refused, or sent a malformed batch; 65 a batch was refused here.
            """)

    @Option(help: ArgumentHelp("The peer to pull from.", valueName: "NAME"))
    var peer: String

    @Flag(help: "Pull until the peer has nothing more, then stop (continuous pulling runs inside `vve serve`).")
    var once = false

    @Option(help: "Changes per batch (1-1000).")
    var batchSize = 500

    @OptionGroup var location: NodeLocation

    func checkOptions() throws {
        guard once else { throw CommandFailure("pass --once: continuous sync runs inside `vve serve`", status: .usage) }
        guard (1...ChangesRequest.maximumBatch).contains(batchSize) else {
            throw CommandFailure("--batch-size must be 1-\(ChangesRequest.maximumBatch)", status: .usage)
        }
    }

    func execute(on node: OpenedNode) async throws {
        let files = try PeerFiles(location)
        let peerConfiguration = try files.load(try files.name(peer))
        let identity = try NodeIdentity.load(files.node, directory: location.directory)
        let store = node.store
        var total = BatchOutcome()
        var cursor = try store.cursor(for: peerConfiguration.name)
        var batches = 0
        let client = NetworkPeerClient(registry: PeerRegistry(PeerDirectory(peers: [peerConfiguration], problems: [])), identity: identity)
        let name = peerConfiguration.name
        // Later batches are fetched and read while this one is applied.
        var prefetch = try BatchPrefetch(
            from: name, client: client, store: store, limit: batchSize, wait: .zero, depth: PullConfiguration().prefetch)
        defer { prefetch.cancel() }
        var restarted = false
        while true {
            let batch: IncomingBatch
            do {
                guard let next = try await prefetch.nextBatch() else { break }
                batch = next
            } catch {
                // Kept for `vve status`, as the pull loop keeps its failures.
                try? store.recordPullFailure(from: name, reason: "\(error)", at: Clock.now())
                throw CommandFailure("sync with \(name) failed: \(error)", status: .peerCheckFailed)
            }
            if batch.sharesNothing {
                try store.recordNothingShared(by: name, at: Clock.now())
                Output.line("\(name) shares nothing with this node: nothing to pull.")
                return
            }
            let outcome: BatchOutcome
            do {
                switch try await store.applyPulled(batch, from: name, policy: peerConfiguration.policy, mayRestart: !restarted, at: Clock.now()) {
                case .applied(let applied): outcome = applied
                case .restarted(let reason):
                    restarted = true
                    Output.line("\(name)'s change log restarted: \(reason). Reading it again from the start.")
                    prefetch.cancel()
                    prefetch = try BatchPrefetch(
                        from: name, client: client, store: store, limit: batchSize, wait: .zero, depth: PullConfiguration().prefetch)
                    continue
                }
            } catch let tooSoon as RestartTooSoon {
                // Once a sync: a peer whose log restarts again at once is not one to follow blindly.
                throw CommandFailure(
                    "sync with \(name) stopped: \(name)'s change log restarted twice in one sync (\(tooSoon.reason))", status: .peerCheckFailed)
            }
            total = total + outcome
            cursor = batch.cursor
            batches += 1
            if !batch.hasMore { break }
        }
        try store.recordPullSuccess(from: name, lag: 0, at: Clock.now())
        var counts = ["\(total.applied) applied", "\(total.unchanged) already held"]
        if total.retried > 0 { counts.append("\(total.retried) set aside before and applied now") }
        if total.setAside > 0 { counts.append("\(total.setAside) refused and set aside (`vve status` says why)") }
        Output.line(
            "Synced from \(peerConfiguration.name): \(counts.joined(separator: ", ")), in \(batches) batch\(batches == 1 ? "" : "es"); cursor \(cursor)"
        )
    }
}
