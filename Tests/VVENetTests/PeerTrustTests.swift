import Foundation
import Testing
import VVECore
import VVENet
import VVETestSupport
import X509

@Suite struct PeerTrustTests {
    @Test func aNodeCertificateFromTheRegionCAIsTrustedBothWays() throws {
        let fixture = try CertificateFixture()
        let certificate = try fixture.node("haringey", dns: ["haringey.vve.example"])
        let trust = PeerTrust(ca: fixture.ca.certificate)
        guard case .success(let (leaf, fingerprint)) = trust.evaluate([certificate], as: .client) else {
            Issue.record("refused")
            return
        }
        #expect(leaf == certificate)
        #expect(fingerprint == CertificateFiles.fingerprint(certificate))
        #expect(CertificateFiles.dnsNames(certificate) == ["haringey", "haringey.vve.example"])
        #expect(throws: Never.self) { try trust.evaluate([certificate], as: .server(host: "HARINGEY.vve.example")).get() }
    }

    @Test func eachFaultGetsItsOwnReason() throws {
        let fixture = try CertificateFixture()
        let trust = PeerTrust(ca: fixture.ca.certificate)
        let rogue = try RegionCA.create(in: fixture.folder + "/rogue", name: "Rogue CA")
        let now = Date()
        func reason(_ certificates: [Certificate], _ role: PeerTrust.Role = .client) -> String {
            switch trust.evaluate(certificates, as: role, now: now) {
            case .success: "trusted"
            case .failure(let refusal): refusal.label
            }
        }
        #expect(reason([]) == "no-certificate")
        #expect(reason([try fixture.node("haringey", signer: rogue)]) == "wrong-ca")
        #expect(reason([try fixture.node("haringey", notBefore: now.addingTimeInterval(-40 * 86400), days: 30)]) == "expired")
        #expect(reason([try fixture.node("haringey", notBefore: now.addingTimeInterval(86400))]) == "not-yet-valid")
        #expect(reason([fixture.ca.certificate]) == "wrong-usage")
        #expect(reason([try fixture.node("haringey")], .server(host: "enfield")) == "name-mismatch")
        #expect(reason([try fixture.node("haringey")], .server(host: "haringey")) == "trusted")
    }

    @Test func refusalsSayWhatToDo() throws {
        let fingerprint = CertificateFingerprint("sha256:" + String(repeating: "ab", count: 32))!
        let expired = CertificateRefusal.expired(fingerprint: fingerprint, notAfter: Date(timeIntervalSince1970: 1_706_659_200))
        #expect(
            expired.description
                == "certificate sha256:abababababababab.. expired at 2024-01-31T00:00:00Z; it must be renewed (`vve cert request`, then `vve cert sign`)"
        )
        let unpinned = CertificateRefusal.unpinned(fingerprint: fingerprint, subject: "CN=evil\n2026 fake log line", expected: [])
        #expect(
            unpinned.description
                == "certificate \(fingerprint) (CN=evil?2026 fake log line) is not pinned by any peer file here; pin it with `vve peer add`")
    }

    @Test func signingChecksTheRequest() throws {
        let fixture = try CertificateFixture()
        let request = try NodeRequest.create(node: AuthorityName("camden")!, dnsNames: [], stem: fixture.folder + "/camden")
        #expect(throws: CertificateFileError("--days 0: a node certificate lasts 1-825 days; renew it before it expires")) {
            try fixture.ca.sign(request, days: 0)
        }
        #expect(throws: CertificateFileError("--dns bad_name: not a DNS name; use letters, digits, hyphens and dots, such as camden.vve.example")) {
            try NodeRequest.create(node: AuthorityName("camden")!, dnsNames: ["bad_name"], stem: fixture.folder + "/other")
        }
        // The key is private from the moment it exists, and nothing is overwritten.
        var status = stat()
        #expect(stat(fixture.folder + "/camden.key", &status) == 0)
        #expect(status.st_mode & 0o777 == 0o600)
        #expect(throws: CertificateFileError.self) {
            try NodeRequest.create(node: AuthorityName("camden")!, dnsNames: [], stem: fixture.folder + "/camden")
        }
        #expect(throws: CertificateFileError.self) { try RegionCA.create(in: fixture.folder + "/ca", name: "Again") }
        let loaded = try RegionCA.load(from: fixture.folder + "/ca")
        #expect(loaded.certificate == fixture.ca.certificate)
    }

    @Test func fingerprintsParseAsOpenSSLPrintsThem() {
        let hex = "1de03cc69784f2a00b1519e84ba3e5300199b117d92af42ce5e4e81f18c9afbb"
        let colons = stride(from: 0, to: 64, by: 2).map { i -> String in
            let start = hex.index(hex.startIndex, offsetBy: i)
            return String(hex[start..<hex.index(start, offsetBy: 2)]).uppercased()
        }.joined(separator: ":")
        #expect(CertificateFingerprint("sha256:" + colons)?.description == "sha256:" + hex)
        #expect(CertificateFingerprint("SHA256:" + hex)?.hex == hex)
        #expect(CertificateFingerprint(hex) == nil)
        #expect(CertificateFingerprint("sha256:" + hex.dropLast()) == nil)
        #expect(CertificateFingerprint("sha1:" + hex) == nil)
    }
}
