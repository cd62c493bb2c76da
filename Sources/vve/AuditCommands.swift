import ArgumentParser
import VVEConfig
import VVECore
import VVENet
import VVEStore

/// `vve audit ...`: the hash-chained audit log.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Read and verify the audit log.", subcommands: [ListAudit.self, VerifyAudit.self])
}

struct ListAudit: NodeCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List audit entries, oldest first.",
        discussion: """
            Examples:
              vve audit list --action erase --limit 20 --dir ~/vve/camden
              vve audit list --lookups --json --dir ~/vve/camden
            """)

    @Option(help: "Only this action.")
    var action: AuditAction?

    @Option(help: "Only the last N entries.")
    var limit: Int?

    @Flag(help: "Only peers' lookups that matched this node's records or copies: who looked up what, and why.")
    var lookups = false

    @Flag(help: "Print a JSON array of entries instead of a table.")
    var json = false

    @OptionGroup var location: NodeLocation

    func checkOptions() throws {
        if let limit, limit < 1 { throw CommandFailure("--limit must be 1 or more", status: .usage) }
        if lookups, action != nil { throw CommandFailure("--lookups lists lookup hits; it cannot be combined with --action", status: .usage) }
    }

    func execute(on node: OpenedNode) throws {
        let store = node.store
        let entries =
            lookups
            ? Array(try store.lookupHits(since: Timestamp(millisecondsSinceEpoch: 0), limit: limit ?? Int.max).reversed())
            : try store.auditEntries(action: action, limit: limit)
        if json {
            Output.json(.array(entries.map(\.jsonValue)))
            return
        }
        Output.line(AuditPresentation.table(entries))
    }
}

struct VerifyAudit: AsyncNodeCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Check every link of the audit chain. Exits 1 and names the first bad entry if broken.",
        discussion: """
            The chain checks itself only as far as its head, which lives in the same file. With --peers, every peer is asked \
            for the entries of this log it saw at the head of this node's batches (one a day, kept 400 days); each must still \
            be in the log with the same hash, or the log was cut short or rewritten.

            Examples:
              vve audit verify --peers --dir ~/vve/camden
              vve audit verify \\
                --expect 1207:sha256:5d0e8c4b7f2a91e3c6b8d4f0a2e7c9b1d3f5a7c9e1b3d5f7a9c2e4b6d8f0a1c3 \\
                --dir ~/vve/camden

            Exit codes: 0 the chain is intact; 1 it is broken, cut short or rewritten; 4 with --peers, only that a peer did not answer.
            """)

    @Option(
        name: .customLong("expect"),
        help: ArgumentHelp(
            "An entry whose hash was kept elsewhere (a ticket, a log shipper), as this command printed it: it must still be in the log with that hash (repeatable).",
            valueName: "SEQ:sha256:HASH"))
    var expected: [String] = []

    @Flag(help: "Also check the log against the entries of it that every peer kept.")
    var peers = false

    @OptionGroup var location: NodeLocation

    /// The anchors asked for: sequence numbers and hashes.
    var anchors: [(sequence: Int64, hash: String)] {
        get throws {
            try expected.map { text in
                let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
                let hash = parts.count == 2 ? (parts[1].hasPrefix("sha256:") ? String(parts[1].dropFirst(7)) : parts[1]) : ""
                guard let sequence = Int64(parts[0]), sequence >= 1, hash.count == 64, hash.allSatisfy({ $0.isHexDigit && !$0.isUppercase })
                else {
                    throw CommandFailure(
                        "--expect \"\(text)\" must be an entry's sequence and hash, such as 120:sha256: and 64 lowercase hex digits, as `vve audit verify` prints them",
                        status: .usage)
                }
                return (sequence, hash)
            }
        }
    }

    func checkOptions() throws { _ = try anchors }

    func execute(on node: OpenedNode) async throws {
        let store = node.store
        switch try store.verifyAudit() {
        case .intact(let count, let head):
            // The chain checks itself only as far as its head, which lives in the same file:
            // an entry anchored elsewhere shows whether the end was cut off or re-hashed.
            for anchor in try anchors {
                try Self.check(
                    AuditAnchor(sequence: anchor.sequence, hash: anchor.hash), in: store, endingAt: count,
                    seen: "entry \(anchor.sequence) was anchored with sha256:\(anchor.hash)")
            }
            Output.line("Audit chain intact: \(count) entries, head sha256:\(head)")
            if !expected.isEmpty {
                Output.line("Anchored entries found unchanged: \(try anchors.map { String($0.sequence) }.joined(separator: ", "))")
            }
            if peers { try await verifyAgainstPeers(store, count: count) }
        case .broken(let fault):
            throw CommandFailure(
                "audit chain broken: \(fault); entries from \(fault.sequence) on cannot be trusted. Restore the database from backup and investigate",
                status: .auditBroken)
        }
    }

    /// Throws unless the log, intact up to entry `count`, still holds `anchor` with its hash;
    /// `seen` says where the anchor comes from, and `alsoBy` what else cuts a log short.
    static func check(_ anchor: AuditAnchor, in store: CaseStore, endingAt count: Int, seen: String, alsoBy: String = "") throws {
        guard let hash = try store.auditHash(at: anchor.sequence) else {
            throw CommandFailure(
                "audit log cut short: it ends at entry \(count), but \(seen); entries after \(count) were removed\(alsoBy). Restore the database from backup and investigate",
                status: .auditBroken)
        }
        guard hash == anchor.hash else {
            throw CommandFailure(
                "audit log rewritten: \(seen), and it now has sha256:\(hash); the log was changed at or before that entry and hashed again. Restore the database from backup and investigate",
                status: .auditBroken)
        }
    }

    /// Checks the log, intact up to entry `count`, against the anchors each peer kept.
    func verifyAgainstPeers(_ store: CaseStore, count: Int) async throws {
        let files = try PeerFiles(location)
        let directory = PeerDirectory.load(location.peersFolder, localNode: files.node.name)
        let identity = try NodeIdentity.load(files.node, directory: location.directory)
        var silent: [String] = []
        for peer in directory.peers.sorted(by: { $0.name < $1.name }) {
            let anchors: [AuditAnchor]
            do {
                anchors = try await AuditAnchorRequest.anchors(from: peer, identity: identity)
            } catch {
                silent.append(peer.name.rawValue)
                Output.line("\(peer.name): no answer: \(PeerText.printable("\(error)"))")
                continue
            }
            for anchor in anchors {
                try Self.check(
                    anchor, in: store, endingAt: count,
                    seen: "\(peer.name) saw entry \(anchor.sequence) with sha256:\(anchor.hash) at \(anchor.seenAt?.description ?? "?")",
                    alsoBy: " (restoring a backup does this too)")
            }
            let latest =
                anchors.max { $0.sequence < $1.sequence }.map { "; the latest, entry \($0.sequence), seen at \($0.seenAt?.description ?? "?")" } ?? ""
            Output.line("\(peer.name): \(anchors.count) anchored entr\(anchors.count == 1 ? "y" : "ies") found unchanged\(latest)")
        }
        guard silent.isEmpty else {
            throw CommandFailure(
                "not checked against \(silent.joined(separator: ", ")), which did not answer; the log agrees with every peer that did. Run `vve peer check` on each",
                status: .peerCheckFailed)
        }
    }
}
