import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals
import VVECore
import VVENet
import VVESync

/// What a node serves only with the region's linkage key, built the first time the key is
/// found: at start, at a peer's next request for changes or a lookup, or at once on SIGHUP.
/// An admin who installs the key while `vve serve` runs needs no restart. Once found, the key
/// is kept for the life of the process: it never changes under a running node.
final class RegionKeyPickup: Service, Sendable {
    /// The key's parts of a node.
    struct Keyed: Sendable {
        var changes: NodeServer.ChangesProvider
        var lookups: NodeServer.LookupProvider
        var aggregates: NodeServer.AggregateProvider
        var responder: LookupResponder
    }

    private struct State {
        var keyed: Keyed?
        /// The last reason a present key could not be used, logged once per reason.
        var problem: String?
    }

    private let state = Mutex(State())
    private let load: @Sendable () throws -> LinkageKey?
    private let build: @Sendable (LinkageKey) -> Keyed
    private let logger: Logger

    /// `load` reads the key, nil while none is installed, and throws for one that is present
    /// but unusable; `build` makes the key's parts of the node.
    init(load: @escaping @Sendable () throws -> LinkageKey?, build: @escaping @Sendable (LinkageKey) -> Keyed, logger: Logger) {
        self.load = load
        self.build = build
        self.logger = logger
    }

    /// Loads the key at start: a key that is present but unusable stops the start, as an
    /// unsafe private key does. Returns whether there is one.
    func loadAtStart() throws -> Bool {
        guard let key = try load() else { return false }
        let keyed = build(key)
        state.withLock { $0.keyed = keyed }
        return true
    }

    /// The key's parts, looking for the key again while there is none. A look is one stat of
    /// the file, so a peer's retry costs next to nothing.
    func current() -> Keyed? {
        state.withLock { state -> Keyed? in
            if let keyed = state.keyed { return keyed }
            do {
                guard let key = try load() else { return nil }
                state.keyed = build(key)
                state.problem = nil
                logger.notice("linkage key installed: serving changes and lookups from now on")
                return state.keyed
            } catch {
                let problem = "\(error)"
                if state.problem != problem {
                    state.problem = problem
                    logger.error("linkage key present but not used", metadata: ["linkage.key.problem": "\(problem)"])
                }
                return nil
            }
        }
    }

    /// Looks for the key on SIGHUP, until shutdown.
    func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            // A node that needs no key (a VRU's) is sent SIGHUP to reload its peers too, so
            // finding none here is worth a debug line only.
            for await _ in hangups where self.current() == nil {
                self.logger.debug("SIGHUP: no linkage key installed")
            }
        }
    }
}
