import Logging
import Synchronization
import Testing
import VVEConfig
import VVECore
import VVENet
import VVEStore
import VVESync
import VVETestSupport

@Suite struct RefusalLogTests {
    let time = Timestamp(millisecondsSinceEpoch: 1_764_000_000_000)
    let fingerprint = CertificateFingerprint("sha256:" + String(repeating: "cd", count: 32))!

    /// The audit log cannot be pruned, so a flood from one address must not grow it: the
    /// first refusal of each address and reason in a window is audited in full, the rest
    /// counted into one entry when the window closes.
    @Test func aFloodFromOneAddressIsAuditedOncePerReasonAndCountedPerWindow() throws {
        let store = try CaseStore.inMemory(node: AuthorityName("camden")!)
        let log = CapturedLog()
        let refusals = RefusalLog(store: store, logger: log.logger)
        for port in 0..<25 {
            refusals.record(.unpinned(fingerprint: fingerprint, subject: "CN=x", expected: []), remote: "10.0.0.9:\(40000 + port)", at: time)
        }
        for port in 0..<3 { refusals.record(.noCertificate, remote: "10.0.0.9:\(41000 + port)", at: time) }
        refusals.record(.noCertificate, remote: "[fd00::7]:41999", at: time)
        #expect(try store.auditEntries(action: .refuse).isEmpty)
        refusals.flush()
        let first = try store.auditEntries(action: .refuse)
        #expect(
            first.compactMap(\.event.detail) == [
                "connection from 10.0.0.9:40000 refused (unpinned): certificate \(fingerprint) (CN=x) is not pinned by any peer file here; pin it with `vve peer add`",
                "connection from 10.0.0.9:41000 refused (no-certificate): \(CertificateRefusal.noCertificate)",
                "connection from [fd00::7]:41999 refused (no-certificate): \(CertificateRefusal.noCertificate)",
            ])
        #expect(first.allSatisfy { $0.event.actor == "tls:unidentified" })
        #expect(log.lines.withLock { $0.count } == 10)
        // Within the window, nothing more; when it closes, one count for each.
        refusals.flush()
        #expect(try store.auditEntries(action: .refuse).count == 3)
        refusals.flush(closingWindow: true)
        let all = try store.auditEntries(action: .refuse)
        #expect(
            all.dropFirst(3).compactMap(\.event.detail) == [
                "2 further connections from 10.0.0.9 refused (no-certificate) from \(time) to \(time); the first of the window is audited in full",
                "24 further connections from 10.0.0.9 refused (unpinned) from \(time) to \(time); the first of the window is audited in full",
            ])
        #expect(try store.verifyAudit() == .intact(entries: 5, headHash: all.last!.hash))
        // A new window audits the next refusal in full again.
        refusals.record(.noCertificate, remote: "10.0.0.9:42000", at: time)
        refusals.flush()
        #expect(try store.auditEntries(action: .refuse).count == 6)
    }

    @Test func refusalsFromMoreAddressesThanAreToldApartAreCountedTogether() throws {
        let store = try CaseStore.inMemory(node: AuthorityName("camden")!)
        var configuration = RefusalLog.Configuration()
        configuration.trackedSources = 2
        let refusals = RefusalLog(store: store, logger: CapturedLog().logger, configuration: configuration)
        for address in 1...5 { refusals.record(.noCertificate, remote: "10.0.0.\(address):1", at: time) }
        refusals.flush(closingWindow: true)
        let details = try store.auditEntries(action: .refuse).compactMap(\.event.detail)
        #expect(details.count == 3)
        #expect(
            details.last
                == "3 refused from \(time) to \(time) from sources beyond the 2 told apart in a window; not itemised")
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

extension RefusalLogTests {
    /// A peer repeating a refused request, a lookup over its limit say, adds one entry in full
    /// and one count a window, as a flood of connections does.
    @Test func aPeerRepeatingARefusedRequestIsAuditedOnceAndCounted() throws {
        let store = try CaseStore.inMemory(node: AuthorityName("camden")!)
        let refusals: any RefusalAuditor = RefusalLog(store: store, logger: CapturedLog().logger)
        for number in 1...50 {
            refusals.refuse(
                AuditEvent(
                    time: time, actor: "peer:met-police", action: .refuse, detail: "lookup \(number) from met-police; refused: over its limit"),
                source: "peer:met-police", reason: "lookup over its limit")
        }
        refusals.refuse(
            AuditEvent(time: time, actor: "peer:haringey", action: .refuse, detail: "lookup 51 from haringey; refused: not granted"),
            source: "peer:haringey", reason: "lookup not granted")
        (refusals as! RefusalLog).flush(closingWindow: true)
        let entries = try store.auditEntries(action: .refuse)
        #expect(
            entries.map { "\($0.event.actor): \($0.event.detail ?? "")" } == [
                "peer:met-police: lookup 1 from met-police; refused: over its limit",
                "peer:haringey: lookup 51 from haringey; refused: not granted",
                "peer:met-police: 49 further requests of peer:met-police refused (lookup over its limit) from \(time) to \(time); the first of the window is audited in full",
            ])
    }
}
