import Foundation
import Logging
import Testing
import VVEConfig
import VVECore
import VVENet
import VVETestSupport

/// The watcher keeps the registry in step with real files in a real folder: an invalid file
/// drops its peer, but a file or folder that cannot be read at all says nothing about the
/// peers, and never empties the registry.
@Suite struct PeerFileWatcherTests {
    func peer(_ name: String, pin: String) -> PeerConfiguration {
        PeerConfiguration(
            name: AuthorityName(name)!, url: PeerURL(host: name, port: 7443), role: .borough,
            pins: [CertificateFingerprint("sha256:" + String(repeating: pin, count: 32))!],
            agreement: SharingAgreement(reference: "ISA-1", lawfulBasis: "Children Act 1989 s.47"))
    }

    @Test func peersStayWhenTheirFilesCannotBeReadAndGoWhenTheyAreInvalid() throws {
        let node = TemporaryDirectory()
        let folder = node.file("Peers")
        let files = FileManager.default
        try files.createDirectory(atPath: folder, withIntermediateDirectories: false)
        for peer in [peer("haringey", pin: "aa"), peer("enfield", pin: "bb")] {
            try Data(peer.yaml.utf8).write(to: URL(fileURLWithPath: "\(folder)/\(peer.name).yaml"))
        }
        let registry = PeerRegistry()
        let log = CapturedLog()
        let watcher = PeerFileWatcher(folder: folder, localNode: AuthorityName("camden")!, registry: registry, logger: log.logger)
        #expect(watcher.reload(reason: "start").added.map(\.rawValue) == ["enfield", "haringey"])

        // haringey's file cannot be read (a folder in its place stands for any read error).
        try files.removeItem(atPath: "\(folder)/haringey.yaml")
        try files.createDirectory(atPath: "\(folder)/haringey.yaml", withIntermediateDirectories: false)
        #expect(watcher.reload(reason: "test").isEmpty)
        #expect(registry.peer(named: AuthorityName("haringey")!) != nil)

        // The folder cannot be listed (a file in its place): every peer stays.
        try files.moveItem(atPath: folder, toPath: node.file("Peers.moved"))
        try Data("not a folder".utf8).write(to: URL(fileURLWithPath: folder))
        #expect(watcher.reload(reason: "test").isEmpty)
        #expect(registry.peers.map(\.name.rawValue).sorted() == ["enfield", "haringey"])
        #expect(log.lines.withLock { $0.contains { $0.contains("cannot read the peer files; keeping the peers as they were") } })

        // Readable again, with enfield's file invalid: enfield is refused, haringey kept.
        try files.removeItem(atPath: folder)
        try files.moveItem(atPath: node.file("Peers.moved"), toPath: folder)
        try Data("name: enfield\nurl: nowhere\n".utf8).write(to: URL(fileURLWithPath: "\(folder)/enfield.yaml"))
        #expect(watcher.reload(reason: "test").removed.map(\.rawValue) == ["enfield"])
        #expect(registry.peers.map(\.name.rawValue) == ["haringey"])
    }
}
