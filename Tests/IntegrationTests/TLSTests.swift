import Foundation
import Glibc
import Testing
import VVETestSupport

/// `vve serve` and `vve peer check` over real mutual-TLS sockets on 127.0.0.1, with real
/// processes, certificates made by `vve cert`, and curl as an independent client.
@Suite(.serialized) struct TLSTests {
    /// camden serves; haringey is pinned by camden and pins camden.
    func pinnedPair() throws -> (TestRegion, RegionNode, RegionNode, TestServer) {
        let region = try TestRegion()
        let camden = try region.node("camden")
        let haringey = try region.node("haringey")
        try camden.pin(haringey, port: 1)
        let server = try camden.serve()
        try haringey.pin(camden, port: server.port)
        return (region, camden, haringey, server)
    }

    @Test func aPinnedPeerIsServedAndIdentifiedAndTheServerStopsGracefully() throws {
        let (region, camden, haringey, server) = try pinnedPair()
        defer { withExtendedLifetime(region) {} }
        let whoami = try curl(as: haringey.certificate, key: haringey.key, ca: camden.directory + "/Certificates/ca.pem", port: server.port)
        #expect(whoami.status == 0)
        #expect(whoami.stdout.contains(#""peer":"haringey","role":"borough""#))
        #expect(whoami.stdout.contains(#""node":"camden""#))
        let health = try curl(
            as: haringey.certificate, key: haringey.key, ca: camden.directory + "/Certificates/ca.pem", port: server.port, path: "/v1/health")
        #expect(health.status == 0)
        #expect(health.stdout.contains(#""status":"ok""#))

        let checked = try haringey.run(["peer", "check", "camden"])
        #expect(checked.status == 0, "\(checked.stderr)")
        let lines = checked.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 10)
        #expect(lines.first == "Checking peer camden at https://localhost:\(server.port)")
        #expect(lines.dropFirst().first == "  connect:       ok (localhost:\(server.port))")
        #expect(lines.contains("  handshake:     ok, mutual TLS"))
        #expect(lines.contains { $0.hasPrefix("  peer identity: camden, sha256:") && $0.hasSuffix(".. matches the current pin") })
        #expect(lines.contains("  our identity:  the peer knows us as haringey"))
        #expect(lines.contains("  protocol:      the peer speaks vve protocol 1; this node speaks 1"))
        #expect(lines.contains("  certificates:  the peer's expires in 364 days; ours in 364 days"))
        #expect(
            lines.contains {
                $0.range(of: #"^  clock skew:    [+-]\d+\.\d{3} s \(the peer's clock minus ours\)$"#, options: .regularExpression) != nil
            })
        #expect(lines.contains { $0.range(of: #"^  round trip:    \d+\.\d ms$"#, options: .regularExpression) != nil })
        #expect(lines.last == "Peer check passed.")

        let stopped = server.stop()
        #expect(stopped.status == 0)
        #expect(stopped.stdout.hasSuffix("vve serve: node camden stopped\n"))
        #expect(try camden.refusals().isEmpty)
        // camden shares nothing and answers no lookups, as a VRU's node: no key is its normal
        // state, not a fault.
        #expect(
            stopped.stderr.contains("no linkage key, and none needed") && !stopped.stderr.contains("no linkage key: peers cannot"),
            "\(stopped.stderr)")
    }

    @Test func everyBadCertificateIsRefusedAndAudited() throws {
        let (region, camden, haringey, server) = try pinnedPair()
        let ca = camden.directory + "/Certificates/ca.pem"
        let rogue = try region.rogueCA()
        let other = try region.certificate(for: haringey, stem: region.root + "/other-ca", ca: rogue)
        let unpinned = try region.certificate(for: haringey, stem: region.root + "/unpinned")
        let expired = try region.certificate(for: haringey, stem: region.root + "/expired", notBefore: "2024-01-01", days: 30)
        let future = try region.certificate(for: haringey, stem: region.root + "/future", notBefore: "2099-01-01", days: 30)

        let attempts: [(String?, String?, String)] = [
            (nil, nil, "no-certificate"),
            (other, region.root + "/other-ca.key", "wrong-ca"),
            (unpinned, region.root + "/unpinned.key", "unpinned"),
            (expired, region.root + "/expired.key", "expired"),
            (future, region.root + "/future.key", "not-yet-valid"),
        ]
        for (certificate, key, reason) in attempts {
            let result = try curl(as: certificate, key: key, ca: ca, port: server.port)
            #expect(result.status != 0, "\(reason) was served: \(result.stdout)")
            #expect(result.stdout.isEmpty, "\(reason) got an answer")
            #expect(result.stderr.contains("alert"), "\(reason): \(result.stderr)")
        }
        // Not TLS at all, and TLS older than 1.3, even with the pinned certificate: no CBC
        // suite or TLS 1.2 is offered to anyone.
        #expect(try curl(["http://localhost:\(server.port)/v1/health"]).stdout.isEmpty)
        #expect(
            try curl([
                "--tls-max", "1.2", "--cert", haringey.certificate, "--key", haringey.key, "--cacert", ca,
                "https://localhost:\(server.port)/v1/health",
            ]).status != 0)
        // Each cause's first refusal from this address in the window is audited in full.
        let refusals = try camden.waitForRefusals(attempts.count + 1)
        #expect(refusals.count == attempts.count + 1)
        for (detail, attempt) in zip(refusals, attempts) {
            #expect(detail.hasPrefix("connection from 127.0.0.1:"), "\(detail)")
            #expect(detail.contains("refused (\(attempt.2)):"), "\(detail)")
        }
        #expect(
            refusals.dropFirst(attempts.count).first?.hasSuffix(
                "refused (handshake-failed): the TLS handshake failed (HTTP_REQUEST); peers must speak TLS 1.3 and present their node certificate"
            ) == true)
        // The pinned certificate is still served after all that.
        #expect(try curl(as: haringey.certificate, key: haringey.key, ca: ca, port: server.port).status == 0)
        let log = server.stop().stderr
        #expect(log.contains("refusal.reason=unpinned"))
        // The TLS 1.2 attempt was a second handshake failure from the address in the window:
        // counted, and the count audited when the window closed, at shutdown.
        let counted = try camden.refusals()
        #expect(counted.count == attempts.count + 2)
        #expect(counted.last?.hasPrefix("1 further connections from 127.0.0.1 refused (handshake-failed) from ") == true, "\(counted.last ?? "")")
        // Logs name peers and certificates, never a key or a case.
        #expect(!log.contains("PRIVATE KEY"))
    }

    /// A stranger that connects and never starts a handshake is closed once the handshake
    /// deadline passes, not held until the idle timeout, and audited.
    @Test func aConnectionThatNeverHandshakesIsClosedAndAudited() throws {
        let region = try TestRegion()
        let camden = try region.node("camden")
        try camden.appendSetting("handshake-timeout-seconds: 1")
        let server = try camden.serve()
        defer { _ = server.stop() }
        // Read with a bound far above the deadline, so a server that never closes fails the
        // test rather than hanging it.
        let connection = try RawConnection(port: server.port, readTimeoutSeconds: 30)
        #expect(connection.readOne() == 0, "the server closed the connection")
        let refusals = try camden.waitForRefusals(1)
        #expect(
            refusals.first?.hasSuffix(
                "refused (handshake-failed): the TLS handshake failed (no handshake within 1 s); peers must speak TLS 1.3 and present their node certificate"
            ) == true, "\(refusals)")
    }

    /// One address cannot hold more connections than the node takes from it: the next is
    /// closed before any handshake, and audited; one closed makes room again.
    @Test func connectionsFromOneAddressAreBounded() throws {
        let region = try TestRegion()
        let camden = try region.node("camden")
        try camden.appendSetting("connections-per-address: 2")
        try camden.appendSetting("handshake-timeout-seconds: 60")
        let server = try camden.serve()
        defer { _ = server.stop() }
        func connect() throws -> RawConnection { try RawConnection(port: server.port, readTimeoutSeconds: 5) }
        var held = [try connect(), try connect()]
        #expect(try connect().readOne() == 0, "the third connection from one address is closed at once")
        let refusals = try camden.waitForRefusals(1)
        #expect(
            refusals.first?.hasSuffix(
                "refused (too-many-connections): this address already has 2 connections open here, the most one address may hold (`connections-per-address:`); close some first"
            ) == true, "\(refusals)")
        held.removeFirst()
        // Room again: the next connection is held open, waiting for its handshake.
        Thread.sleep(forTimeInterval: 0.5)
        #expect(try connect().readOne() == -1, "a connection within the limit is held open")
        withExtendedLifetime(held) {}
    }

    /// A peer has at most two change requests in progress at once. A long-poll waits with the
    /// peer's file as it was when the request came; a peer removed meanwhile must not be
    /// served when it wakes.
    @Test func changeRequestsAreBoundedPerPeerAndALongPollWhosePeerIsRemovedIsRefused() throws {
        let region = try TestRegion()
        let camden = try region.node("camden")
        let haringey = try region.node("haringey")
        try camden.createLinkageKey()
        try camden.pin(haringey, port: 1)
        try camden.setPolicy(for: "haringey", SyncTests.policy)
        let server = try camden.serve()
        defer { _ = server.stop() }
        let ca = camden.directory + "/Certificates/ca.pem"
        // haringey asks for changes and waits up to 10 s: camden has nothing for it yet.
        let poll = Process()
        poll.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        poll.arguments = [
            "curl", "-sS", "--max-time", "30", "-w", " %{http_code}", "--cacert", ca, "--cert", haringey.certificate, "--key", haringey.key,
            "https://localhost:\(server.port)/v1/changes?since=0&wait=10",
        ]
        let out = Pipe()
        poll.standardOutput = out
        try poll.run()
        // Two more wait beside it; a third is more than a peer may have in progress at once.
        func curlInBackground(_ wait: Int) throws -> (Process, Pipe) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "curl", "-sS", "--max-time", "30", "-w", " %{http_code}", "-o", "/dev/null", "--cacert", ca, "--cert", haringey.certificate,
                "--key", haringey.key, "https://localhost:\(server.port)/v1/changes?since=0&wait=\(wait)",
            ]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            return (process, pipe)
        }
        Thread.sleep(forTimeInterval: 0.5)
        let second = try curlInBackground(1)
        Thread.sleep(forTimeInterval: 0.2)
        let third = try check(
            try curl([
                "-w", " %{http_code}", "--cacert", ca, "--cert", haringey.certificate, "--key", haringey.key,
                "https://localhost:\(server.port)/v1/changes?since=0",
            ]))
        let refused = third.stdout
        let waiting = [String(decoding: second.1.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)]
        second.0.waitUntilExit()
        Thread.sleep(forTimeInterval: 1)
        try check(camden.run(["peer", "remove", "haringey"]))
        let answer = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        poll.waitUntilExit()
        #expect(answer == #"{"error":"haringey was removed from this node's peers while its request waited"}"# + "\n 403", "\(answer)")
        #expect(waiting.allSatisfy { $0.hasSuffix(" 200") } && refused.hasSuffix(" 429"), "\(waiting) \(refused)")
        #expect(refused.contains("haringey already has 2 change requests in progress here; ask again when one finishes"))
        let disclosed = try camden.run(["audit", "list", "--action", "disclose", "--json"]).stdout
        #expect(disclosed == "[]\n", "nothing was disclosed to the removed peer")
    }

    /// A node whose admin has not yet installed the region's linkage key refuses changes with
    /// the whole fix, and serves them from the next request once the key is installed: no
    /// restart.
    @Test func aNodeWithoutTheLinkageKeySaysHowToInstallItAndPicksItUpAtTheNextRequest() throws {
        let (region, camden, haringey, server) = try pinnedPair()
        defer { withExtendedLifetime(region) {} }
        let changes = [
            "-w", " %{http_code}", "--cacert", camden.directory + "/Certificates/ca.pem", "--cert", haringey.certificate, "--key",
            haringey.key, "https://localhost:\(server.port)/v1/changes?since=0",
        ]
        // camden shares relocations with haringey, so haringey waits for its key.
        try camden.setPolicy(for: "haringey", SyncTests.policy)
        let refusal =
            #"{"error":"this node does not serve changes yet: it has no linkage key; its admin must install the region's key with `vve linkage-key install FILE`, which the running node picks up at the next request"}"#
            + "\n 503"
        #expect(try eventually("camden reloads haringey's file") { try check(try curl(changes)).stdout == refusal })
        let regionKey = region.root + "/linkage.key"
        try check(VVE.run(["linkage-key", "create", regionKey]))
        let installed = try camden.run(["linkage-key", "install", regionKey])
        let target = camden.linkageKey
        #expect(
            installed.stdout == """
                Installed the linkage key at \(target) (mode 0600).
                A running `vve serve` uses it from a peer's next request; SIGHUP makes it look at once.

                """, "\(installed.stderr)")
        #expect(try FileManager.default.attributesOfItem(atPath: target)[.posixPermissions] as? Int == 0o600)
        #expect(try check(try curl(changes)).stdout.hasSuffix(" 200"))
        #expect(try camden.run(["linkage-key", "install", regionKey]).stdout == "\(target) already holds this key; nothing to do.\n")
        let otherKey = region.root + "/other.key"
        try check(VVE.run(["linkage-key", "create", otherKey]))
        let refused = try camden.run(["linkage-key", "install", otherKey])
        #expect(refused.status == 78)
        #expect(
            refused.stderr
                == "vve: error: \(target) already holds another linkage key; vve never replaces one, since every match key changes with it. If it is wrong, move it aside and install again\n"
        )
        try "not a key\n".write(toFile: region.root + "/bad.key", atomically: true, encoding: .utf8)
        let bad = try haringey.run(["linkage-key", "install", region.root + "/bad.key"])
        #expect(bad.status == 64)
        #expect(
            bad.stderr
                == "vve: error: \(region.root)/bad.key is not a linkage key: it must be 64 or more hex digits, as `vve linkage-key create` writes; ask the region for its copy\n"
        )
    }

    /// `peer check` passes but warns, naming the fix, while either node lacks the linkage key
    /// that syncs and lookups between them need; a node that shares nothing needs none.
    @Test func peerCheckWarnsWhileEitherSideLacksTheLinkageKey() throws {
        let (region, camden, haringey, server) = try pinnedPair()
        defer { withExtendedLifetime((region, server)) {} }
        let warnings = {
            try check(haringey.run(["peer", "check", "camden"])).stdout.split(separator: "\n").filter { $0.hasPrefix("  warning:") }
        }
        #expect(try warnings().isEmpty, "neither shares anything: no key is needed")
        let sharing =
            "share:\n  review-days: 90\n  relocation:\n    audience: [receiving-authority]\n    groups: [placement]\nlookups: no\naggregates: no\n"
        try camden.setPolicy(for: "haringey", sharing)
        try haringey.setPolicy(for: "camden", sharing)
        let remote =
            "  warning:       the peer has no linkage key: this node cannot pull from it or send it lookups until its admin runs `vve linkage-key install FILE`"
        let local =
            "  warning:       this node has no linkage key: camden cannot pull from it or look people up here until you run `vve linkage-key install FILE`"
        #expect(try eventually("camden reloads its peer file") { try warnings() == [remote[...], local[...]] })
        let regionKey = region.root + "/linkage.key"
        try check(VVE.run(["linkage-key", "create", regionKey]))
        try check(camden.run(["linkage-key", "install", regionKey]))
        #expect(try warnings() == [local[...]])
        try check(haringey.run(["linkage-key", "install", regionKey]))
        #expect(try warnings().isEmpty)
    }

    /// SIGHUP makes a running node look for its linkage key at once, before any peer asks.
    @Test func sighupPicksUpAnInstalledLinkageKey() throws {
        let (region, camden, _, server) = try pinnedPair()
        defer { withExtendedLifetime(region) {} }
        let regionKey = region.root + "/linkage.key"
        try check(VVE.run(["linkage-key", "create", regionKey]))
        try check(camden.run(["linkage-key", "install", regionKey]))
        Thread.sleep(forTimeInterval: 1)
        let errors = { String(decoding: FileManager.default.contents(atPath: server.process.outputs + ".err") ?? Data(), as: UTF8.self) }
        #expect(!errors().contains("linkage key installed"), "nothing looks for the key unasked")
        server.signal(SIGHUP)
        #expect(try eventually("the key is picked up") { errors().contains("linkage key installed: serving changes and lookups from now on") })
    }

    @Test func aPeerRemovedWhileTheServerRunsIsRefusedWithinSeconds() throws {
        let (region, camden, haringey, server) = try pinnedPair()
        defer { withExtendedLifetime(region) {} }
        let ca = camden.directory + "/Certificates/ca.pem"
        #expect(try curl(as: haringey.certificate, key: haringey.key, ca: ca, port: server.port).status == 0)
        try check(camden.run(["peer", "remove", "haringey"]))
        let deadline = Date().addingTimeInterval(5)
        var refused = false
        while !refused, Date() < deadline {
            refused = try curl(as: haringey.certificate, key: haringey.key, ca: ca, port: server.port).status != 0
            if !refused { Thread.sleep(forTimeInterval: 0.2) }
        }
        #expect(refused)
        #expect(try camden.waitForRefusals(1).first?.contains("refused (unpinned)") == true)
        let checked = try haringey.run(["peer", "check", "camden"])
        #expect(checked.status == 4)
        #expect(checked.stdout.hasSuffix("  our identity:  FAILED: refused-by-peer\n"))
        #expect(
            checked.stderr.hasPrefix(
                "vve: error: peer check of camden failed: refused-by-peer: the peer refused our certificate (TLS alert certificate unknown); the peer does not pin our certificate sha256:"
            ))
    }

    @Test func sighupReloadsPeerFilesAtOnce() throws {
        let region = try TestRegion()
        let camden = try region.node("camden")
        let haringey = try region.node("haringey")
        let server = try camden.serve(["--reload-interval", "3600"])
        let ca = camden.directory + "/Certificates/ca.pem"
        try camden.pin(haringey, port: 1)
        // With an hour between looks, only SIGHUP can make the new peer known.
        #expect(try curl(as: haringey.certificate, key: haringey.key, ca: ca, port: server.port).status != 0)
        server.signal(SIGHUP)
        let deadline = Date().addingTimeInterval(5)
        var served = false
        while !served, Date() < deadline {
            served = try curl(as: haringey.certificate, key: haringey.key, ca: ca, port: server.port).status == 0
            if !served { Thread.sleep(forTimeInterval: 0.1) }
        }
        #expect(served)
        #expect(server.stop().stderr.contains("reload.reason=SIGHUP"))
    }

    @Test func rotationServesEitherPinnedCertificateUntilTheOldPinIsDropped() throws {
        let (region, camden, haringey, server) = try pinnedPair()
        let ca = camden.directory + "/Certificates/ca.pem"
        let next = try region.certificate(for: haringey, stem: region.root + "/haringey-next")
        let nextKey = region.root + "/haringey-next.key"
        try check(camden.run(["peer", "pin", "haringey", "--cert", next]))
        #expect(try camden.run(["peer", "show", "haringey"]).stdout.contains("pin (next):    sha256:"))
        #expect(try eventually(within: 10) { try curl(as: next, key: nextKey, ca: ca, port: server.port).status == 0 })
        #expect(try curl(as: haringey.certificate, key: haringey.key, ca: ca, port: server.port).status == 0)
        try check(camden.run(["peer", "pin", "haringey", "--cert", next, "--only"]))
        #expect(try eventually(within: 10) { try curl(as: haringey.certificate, key: haringey.key, ca: ca, port: server.port).status != 0 })
        #expect(try curl(as: next, key: nextKey, ca: ca, port: server.port).status == 0)
    }

    @Test func peerCheckNamesEachCertificateFailure() throws {
        let region = try TestRegion()
        let camden = try region.node("camden")
        let haringey = try region.node("haringey")
        try haringey.pin(camden, port: 1)
        let rogue = try region.rogueCA()
        try region.certificate(for: haringey, stem: haringey.directory + "/expired", notBefore: "2024-01-01", days: 30)
        try region.certificate(for: haringey, stem: haringey.directory + "/future", notBefore: "2099-01-01", days: 30)
        try region.certificate(for: haringey, stem: haringey.directory + "/rogue", ca: rogue)
        try region.certificate(for: haringey, stem: haringey.directory + "/unpinned")

        let cases: [(stem: String?, ca: String?, host: String, reason: String)] = [
            (haringey.directory + "/expired", nil, "localhost", "expired"),
            (haringey.directory + "/future", nil, "localhost", "not-yet-valid"),
            (haringey.directory + "/rogue", rogue + "/ca.pem", "localhost", "wrong-ca"),
            (haringey.directory + "/unpinned", nil, "localhost", "unpinned"),
            (nil, nil, "127.0.0.1", "name-mismatch"),
        ]
        for scenario in cases {
            try haringey.use(certificateStem: scenario.stem, caCertificate: scenario.ca)
            let server = try haringey.serve()
            try? FileManager.default.removeItem(atPath: camden.directory + "/Peers/haringey.yaml")
            let pinned = haringey.certificate
            var arguments = ["peer", "add", "haringey", "--url", "https://\(scenario.host):\(server.port)", "--role", "borough", "--cert", pinned]
            arguments += ["--agreement", "NL-ISA-2026-004", "--lawful-basis", "Children Act 1989 s.47"]
            try check(camden.run(arguments))
            let checked = try camden.run(["peer", "check", "haringey", "--timeout", "3"])
            #expect(checked.status == 4, "\(scenario.reason): \(checked.stdout)")
            #expect(checked.stdout.hasSuffix("  peer identity: FAILED: \(scenario.reason)\n"), "\(scenario.reason): \(checked.stdout)")
            #expect(
                checked.stderr.hasPrefix("vve: error: peer check of haringey failed: \(scenario.reason): the peer's certificate sha256:"),
                "\(checked.stderr)")
            _ = server.stop()
        }
        // Each time, camden's client ended the handshake with an alert: haringey's audit says
        // its certificate was refused, not that camden spoke the wrong TLS.
        let audited = try haringey.refusals()
        #expect(audited.count == cases.count, "\(audited)")
        for refusal in audited {
            #expect(
                refusal.contains("refused (handshake-failed): the other end ended the TLS handshake with an alert (")
                    && refusal.hasSuffix(
                        "): it refused this node's certificate, most often because it pins another one or trusts another CA; `vve peer check` run there names the cause"
                    ), "\(refusal)")
        }
    }

    @Test func peerCheckExplainsARefusalCausedByOurOwnCertificate() throws {
        let (region, camden, haringey, server) = try pinnedPair()
        defer { withExtendedLifetime(region) {} }
        // haringey switches to an expired certificate that camden even pins: camden still refuses it.
        let expired = try region.certificate(for: haringey, stem: haringey.directory + "/expired", notBefore: "2024-01-01", days: 30)
        try check(camden.run(["peer", "pin", "haringey", "--cert", expired]))
        try haringey.use(certificateStem: haringey.directory + "/expired")
        var checked = try haringey.run(["peer", "check", "camden", "--json"])
        // camden's server takes up the new pin within its reload interval.
        _ = try eventually(within: 10) {
            checked = try haringey.run(["peer", "check", "camden", "--json"])
            return checked.stdout.contains(#""reason": "refused-by-peer""#)
        }
        #expect(checked.status == 4)
        #expect(checked.stdout.contains(#""reason": "refused-by-peer""#), "\(checked.stdout)")
        #expect(checked.stdout.contains("our own certificate sha256:"))
        #expect(checked.stderr.contains("the peer refused our certificate (TLS alert certificate unknown); our own certificate sha256:"))
        #expect(checked.stderr.hasSuffix("expired at 2024-01-31T00:00:00Z; it must be renewed (`vve cert request`, then `vve cert sign`)\n"))
        #expect(try camden.waitForRefusals(1).first?.contains("refused (expired)") == true)
        _ = server.stop()
        // A certificate from another CA than this node's own is refused before anything is sent.
        let rogue = try region.rogueCA()
        try region.certificate(for: haringey, stem: haringey.directory + "/rogue", ca: rogue)
        try haringey.use(certificateStem: haringey.directory + "/rogue")
        let foreign = try haringey.run(["peer", "check", "camden"])
        #expect(foreign.status == 78)
        #expect(
            foreign.stderr
                == "vve: error: node certificate \(haringey.directory)/rogue.pem was not issued by the region CA in \(haringey.directory)/Certificates/ca.pem; every peer would refuse it: have it signed with `vve cert sign --ca`\n"
        )
    }

    @Test func peerCheckNamesRefusedConnectionsAndTimeouts() throws {
        let region = try TestRegion()
        let camden = try region.node("camden")
        let haringey = try region.node("haringey")
        // A socket that accepts TCP connections and never speaks TLS.
        let silent = try SilentListener()
        try camden.pin(haringey, port: silent.port)
        let timedOut = try camden.run(["peer", "check", "haringey", "--timeout", "1"])
        #expect(timedOut.status == 4)
        #expect(
            timedOut.stderr
                == "vve: error: peer check of haringey failed: timeout: no answer within 1 s while waiting for the TLS handshake and the first answer; check the url, firewalls, and that the peer is up\n"
        )
        let port = silent.port
        silent.close()
        let refused = try camden.run(["peer", "check", "haringey", "--timeout", "1"])
        #expect(refused.status == 4)
        #expect(refused.stdout == "Checking peer haringey at https://localhost:\(port)\n  connect:       FAILED: connection-refused\n")
        #expect(
            refused.stderr
                == "vve: error: peer check of haringey failed: connection-refused: connection refused at localhost:\(port): the peer's vve serve is not running there, or the url's port is wrong\n"
        )
    }

    @Test func aPrivateKeyReadableByOthersStopsTheServerFromStarting() throws {
        let region = try TestRegion()
        let camden = try region.node("camden")
        chmod(camden.key, 0o644)
        let result = try camden.run(["serve", "--listen", "127.0.0.1:0"])
        #expect(result.status == 78)
        #expect(
            result.stderr
                == "vve: error: private key \(camden.key) has mode 644, readable by group or others; run `chmod 600 \(camden.key)` and check who may have copied it\n"
        )
    }
}

/// A plain TCP connection to a loopback port that sends nothing: a stranger that never starts
/// a handshake. Closed when released.
final class RawConnection {
    let descriptor: Int32

    init(port: Int, readTimeoutSeconds: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard descriptor >= 0, connected == 0 else {
            Glibc.close(descriptor)
            throw TestFailure("cannot connect to 127.0.0.1:\(port)")
        }
        var bound = timeval(tv_sec: readTimeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &bound, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Reads one byte: 0 when the server closed the connection, -1 when it still holds it
    /// open, silent, past the read timeout.
    func readOne() -> Int {
        var byte: UInt8 = 0
        return read(descriptor, &byte, 1)
    }

    deinit { Glibc.close(descriptor) }
}

/// A loopback TCP socket that is listening but never accepts: connections complete in the
/// kernel and then hear nothing.
final class SilentListener {
    let descriptor: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 16) == 0 else {
            Glibc.close(descriptor)
            throw TestFailure("cannot listen on loopback")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() {
        Glibc.close(descriptor)
    }
}

/// The certificates walkthrough (docs/guide/certificates-and-peers.md), as `Tools/tls-walkthrough.sh` runs it, so the documented steps
/// keep working.
@Suite struct WalkthroughTests {
    @Test func theCertificatesWalkthroughSucceedsBothWays() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [root.appendingPathComponent("Tools/tls-walkthrough.sh").path, VVE.binary]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.components(separatedBy: "Peer check passed.").count == 3)
        #expect(text.contains(#""node":"camden","peer":"haringey""#))
        #expect(text.hasSuffix("tls-walkthrough: ok\n"))
    }
}
