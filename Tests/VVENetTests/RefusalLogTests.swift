import Logging
import Synchronization
import Testing
import VVEConfig
import VVECore
import VVENet
import VVEStore
import VVETestSupport

@Suite struct RefusalLogTests {
    let time = Timestamp(millisecondsSinceEpoch: 1_764_000_000_000)
    let fingerprint = CertificateFingerprint("sha256:" + String(repeating: "cd", count: 32))!

    @Test func everyRefusalIsAuditedButOnlyTheFirstFewAreLogged() throws {
        let store = try CaseStore.inMemory(node: AuthorityName("camden")!)
        let log = CapturedLog()
        let refusals = RefusalLog(store: store, logger: log.logger)
        for port in 0..<25 {
            refusals.record(.unpinned(fingerprint: fingerprint, subject: "CN=x", expected: []), remote: "10.0.0.9:\(40000 + port)", at: time)
        }
        #expect(try store.auditEntries(action: .refuse).isEmpty)
        refusals.flush()
        let entries = try store.auditEntries(action: .refuse)
        #expect(entries.count == 25)
        #expect(entries.first?.event.actor == "tls:unidentified")
        #expect(
            entries.first?.event.detail
                == "connection from 10.0.0.9:40000 refused (unpinned): certificate \(fingerprint) (CN=x) is not pinned by any peer file here; pin it with `vve peer add`"
        )
        #expect(log.lines.withLock { $0.count } == 10)
        #expect(try store.verifyAudit() == .intact(entries: 25, headHash: entries.last!.hash))
    }

    @Test func aFloodBeyondTheQueueIsCountedNotLost() throws {
        let store = try CaseStore.inMemory(node: AuthorityName("camden")!)
        var configuration = RefusalLog.Configuration()
        configuration.queueLimit = 5
        let refusals = RefusalLog(store: store, logger: CapturedLog().logger, configuration: configuration)
        for _ in 0..<12 { refusals.record(.noCertificate, remote: "10.0.0.9:1", at: time) }
        refusals.flush()
        let details = try store.auditEntries(action: .refuse).compactMap(\.event.detail)
        #expect(details.count == 6)
        #expect(details.last == "7 further connections refused while the refusal queue was full; not itemised")
        refusals.flush()
        #expect(try store.auditEntries(action: .refuse).count == 6)
    }

    @Test func theRegistryReportsWhatAReloadChanged() throws {
        let pinA = CertificateFingerprint("sha256:" + String(repeating: "aa", count: 32))!
        let pinB = CertificateFingerprint("sha256:" + String(repeating: "bb", count: 32))!
        func peer(_ name: String, _ pins: [CertificateFingerprint], role: PeerRole = .borough) -> PeerConfiguration {
            PeerConfiguration(
                name: AuthorityName(name)!, url: PeerURL(host: name, port: 7443), role: role, pins: pins,
                agreement: SharingAgreement(reference: "ISA-1", lawfulBasis: "Children Act 1989 s.47"))
        }
        let registry = PeerRegistry(PeerDirectory(peers: [peer("haringey", [pinA]), peer("enfield", [pinB])], problems: []))
        #expect(registry.peer(pinning: pinA)?.name.rawValue == "haringey")
        let changes = registry.replace(with: PeerDirectory(peers: [peer("haringey", [pinA], role: .police), peer("hackney", [pinB])], problems: []))
        #expect(changes.added.map(\.rawValue) == ["hackney"])
        #expect(changes.removed.map(\.rawValue) == ["enfield"])
        #expect(changes.changed.map(\.rawValue) == ["haringey"])
        #expect(registry.peer(pinning: pinB)?.name.rawValue == "hackney")
        #expect(registry.peer(named: AuthorityName("enfield")!) == nil)
        #expect(registry.replace(with: PeerDirectory(peers: registry.peers, problems: [])).isEmpty)
    }
}
