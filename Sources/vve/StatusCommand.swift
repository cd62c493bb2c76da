import ArgumentParser
import VVEConfig
import VVECore
import VVEStore

/// `vve status`: how this node stands with each peer it pulls from.
struct StatusCommand: NodeCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show every peer's pull state: cursor, last success, lag in changes and seconds, last error.",
        discussion: """
            The pull loops of `vve serve` keep this state in the store, so it can be read while the server runs. LAG is the \
            number of the peer's change-log entries not yet scanned at the last success; BEHIND is the seconds since this node \
            last had everything the peer had logged (0 when caught up). A peer that shares nothing with this node shows \
            "nothing to pull": it is asked again hourly, or at once when its peer file changes.

            Example:
              vve status --dir ~/vve/camden
            """)

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @OptionGroup var location: NodeLocation

    func execute(on node: OpenedNode) throws {
        let files = try PeerFiles(location)
        let directory = PeerDirectory.load(location.peersFolder, localNode: files.node.name)
        let configuration = node.configuration
        let store = node.store
        let states = try store.peerSyncStates()
        let now = Clock.now()
        let head = try store.latestChangeSequence()
        let setAside = Dictionary(grouping: try store.setAsideItems(), by: \.peer)
        // The owner learns its records were looked up: peers' lookups that hit them.
        let lookupHits = try store.lookupHits(since: Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch - 30 * 86_400_000))
        let interviews = try store.returnInterviewCounts(at: now)
        let configured = Set(directory.peers.map(\.name))
        // Peers removed from Peers/ keep their cursor; show them, so that nothing is hidden.
        let removed = states.keys.filter { !configured.contains($0) }.sorted { $0.rawValue < $1.rawValue }
        let rows: [(name: AuthorityName, role: String, state: PeerSyncState)] =
            directory.peers.map { ($0.name, $0.role.rawValue, states[$0.name] ?? PeerSyncState(peer: $0.name)) }
            + removed.map { ($0, "removed", states[$0]!) }
        if json {
            let peers: [JSONValue] = rows.map { row in
                var object: JSONObject = [
                    "peer": .string(row.name.rawValue), "role": .string(row.role), "cursor": .integer(row.state.cursor),
                    "failures": .integer(Int64(row.state.failures)),
                ]
                object["lastAttempt"] = row.state.lastAttempt.map { .string($0.description) } ?? .null
                object["lastSuccess"] = row.state.lastSuccess.map { .string($0.description) } ?? .null
                object["lagChanges"] = row.state.lagChanges.map { .integer($0) } ?? .null
                object["lagSeconds"] = row.state.lagSeconds(now: now).map { .integer($0) } ?? .null
                object["lastError"] = row.state.lastError.map { .string($0) } ?? .null
                object["lastErrorAt"] = row.state.lastErrorAt.map { .string($0.description) } ?? .null
                object["nothingSharedAt"] = row.state.nothingSharedAt.map { .string($0.description) } ?? .null
                object["setAside"] = .array(
                    (setAside[row.name] ?? []).map { item in
                        [
                            "recordId": item.recordID.map { .string($0.description) } ?? .null, "reason": .string(PeerText.printable(item.reason)),
                            "refusedBy": .string(item.refusedBy), "at": .string(item.at.description), "refusals": .integer(Int64(item.refusals)),
                        ]
                    })
                return .object(object)
            }
            Output.json([
                "node": .string(configuration.name.rawValue), "changeLogHead": .integer(head), "peers": .array(peers),
                "lookupHits30Days": .integer(Int64(lookupHits.count)),
                "returnInterviewsAwaited": .integer(Int64(interviews.awaiting)), "returnInterviewsOverdue": .integer(Int64(interviews.overdue)),
            ])
            return
        }
        Output.line("Node \(configuration.name): change log at \(head), \(directory.peers.count) peer\(directory.peers.count == 1 ? "" : "s")")
        if let latest = lookupHits.first {
            Output.line(
                "Lookups matched this node's records \(lookupHits.count) time\(lookupHits.count == 1 ? "" : "s") in 30 days; latest at \(latest.event.time) on record \(latest.event.recordID?.description ?? "?") (`vve audit list --lookups` says by whom and why)"
            )
        }
        if interviews.awaiting > 0 {
            Output.line(
                "Return home interviews: \(interviews.awaiting) awaited, \(interviews.overdue) past the 72 hours with a statutory duty (`vve missing due` lists them)"
            )
        }
        guard !rows.isEmpty else {
            Output.line("No peers. Add one with `vve peer add`.")
            return
        }
        var table = TextTable("PEER", "ROLE", "CURSOR", "LAST SUCCESS", "LAG", "BEHIND", "LAST ERROR")
        for row in rows {
            let state = row.state
            let error = state.lastError.map { "\(state.failures)x: \($0)" } ?? "-"
            table.add(
                row.name.rawValue, row.role, "\(state.cursor)",
                state.nothingSharedAt != nil ? "nothing to pull" : state.lastSuccess?.description ?? "never",
                state.lagChanges.map(String.init) ?? "-", state.lagSeconds(now: now).map { "\($0) s" } ?? "-", error)
        }
        Output.line(table.rendered)
        for row in rows {
            guard let items = setAside[row.name], let latest = items.max(by: { $0.at < $1.at }) else { continue }
            Output.line(
                "\(row.name): \(items.count) item\(items.count == 1 ? "" : "s") refused and set aside; the latest, at \(latest.at)\(latest.recordID.map { " about \($0)" } ?? ""): \(PeerText.printable(latest.reason))."
            )
            Output.line(
                "  Set-aside items are retried when this node's policy for \(row.name) changes, or under another vve version. `vve status --json` lists each; `vve audit list --action refuse` has every refusal."
            )
        }
    }
}
