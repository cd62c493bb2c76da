import Logging
import Synchronization
import VVEConfig
import VVECore
import VVESync

/// The peers this node currently trusts, looked up by the certificate they present. The TLS
/// handshake and every request read it; the peer-file watcher replaces it whole, so a peer
/// added or removed on disk takes effect on the next handshake or request.
package final class PeerRegistry: Sendable {
    private struct State {
        var byFingerprint: [CertificateFingerprint: PeerConfiguration] = [:]
        var byName: [AuthorityName: PeerConfiguration] = [:]
        var problems: [ConfigErrors] = []
    }

    private let state = Mutex(State())

    package init(_ directory: PeerDirectory = PeerDirectory(peers: [], problems: [])) {
        _ = replace(with: directory)
    }

    /// What changed when the registry was replaced, for the log.
    package struct Changes: Sendable, Equatable {
        package var added: [AuthorityName] = []
        package var removed: [AuthorityName] = []
        package var changed: [AuthorityName] = []
        /// True when anything differs.
        package var isEmpty: Bool { added.isEmpty && removed.isEmpty && changed.isEmpty }
    }

    /// Replaces every peer at once and reports the difference.
    @discardableResult
    package func replace(with directory: PeerDirectory) -> Changes {
        var next = State()
        for peer in directory.peers {
            next.byName[peer.name] = peer
            for pin in peer.pins { next.byFingerprint[pin] = peer }
        }
        next.problems = directory.problems
        return state.withLock { current in
            var changes = Changes()
            for (name, peer) in next.byName {
                if let old = current.byName[name] {
                    if old != peer { changes.changed.append(name) }
                } else {
                    changes.added.append(name)
                }
            }
            changes.removed = current.byName.keys.filter { next.byName[$0] == nil }
            changes.added.sort()
            changes.removed.sort()
            changes.changed.sort()
            current = next
            return changes
        }
    }

    /// The peer that pins this certificate, if any.
    package func peer(pinning fingerprint: CertificateFingerprint) -> PeerConfiguration? {
        state.withLock { $0.byFingerprint[fingerprint] }
    }

    /// The peer of this name, if it is trusted now.
    package func peer(named name: AuthorityName) -> PeerConfiguration? {
        state.withLock { $0.byName[name] }
    }

    /// Every trusted peer, by name.
    package var peers: [PeerConfiguration] {
        state.withLock { $0.byName.values.sorted { $0.name < $1.name } }
    }

    /// The peer files that were refused at the last load.
    package var problems: [ConfigErrors] {
        state.withLock { $0.problems }
    }
}

extension PeerRegistry {
    /// Whether a match index is kept: for lookups, and for the people a peer may count with
    /// `known-in-several-areas`, whose tokens are made from its exact keys.
    package var needsMatchIndex: Bool {
        peers.contains { $0.policy.lookups != .no || $0.policy.aggregates.grants(.knownInSeveralAreas) }
    }
}

extension PeerRegistry {
    /// The peers to pull from now, each with the policy its batches are checked against.
    package var pullTargets: [PullTarget] {
        peers.map { PullTarget(name: $0.name, policy: $0.policy, revision: $0.hashValue) }
    }
}
