import Foundation
import Testing

/// The protocol version over real mutual TLS: `vve serve` stamps every answer with it, serves
/// a peer one version newer, and refuses a peer two versions away with a refusal that names
/// both versions and what to upgrade, audited once per peer and reason.
@Suite struct ProtocolVersionTests {
    @Test func aPeerOfAnotherVersionIsServedWithinOneAndRefusedBeyond() throws {
        let region = try TestRegion()
        let camden = try region.node("camden")
        let haringey = try region.node("haringey")
        try camden.pin(haringey, port: 1)
        let server = try camden.serve()
        defer { _ = server.stop() }
        func ask(_ header: String?, path: String = "/v1/whoami") throws -> ProcessResult {
            var arguments = [
                "--cacert", camden.directory + "/Certificates/ca.pem", "--cert", haringey.certificate, "--key", haringey.key, "-i",
            ]
            if let header { arguments += ["-H", "VVE-Protocol: \(header)"] }
            return try curl(arguments + ["https://localhost:\(server.port)\(path)"])
        }
        // No header is version 1, as before the header existed; every answer states camden's.
        for header in [nil, "1", "2"] {
            let answer = try ask(header).stdout
            #expect(answer.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(header ?? "none")")
            #expect(answer.lowercased().contains("\r\nvve-protocol: 1\r\n"), "\(header ?? "none")")
        }
        let newer = try ask("3").stdout
        #expect(newer.hasPrefix("HTTP/1.1 426 Upgrade Required\r\n"))
        #expect(newer.lowercased().contains("\r\nvve-protocol: 1\r\n"))
        #expect(
            newer.hasSuffix(
                #"{"error":"haringey speaks vve protocol 3 and camden speaks 1, which serves 1-2: upgrade vve at camden to a release within one protocol version of haringey"}"#
                    + "\n"))
        let garbled = try ask("two", path: "/v1/health").stdout
        #expect(garbled.hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
        #expect(garbled.hasSuffix(#"{"error":"VVE-Protocol \"two\" must be a whole number from 1 to 999, such as 1"}"# + "\n"))
        // Refused again: still one audited entry for the peer and the reason, then a count.
        _ = try ask("3")
        let refusals = try camden.waitForRefusals(2)
        #expect(
            refusals.filter { $0.lowercased().contains("protocol") }.count == 2,
            "one entry for each reason, the repeat counted: \(refusals)")
        #expect(refusals.contains { $0.hasPrefix("GET /v1/whoami refused: haringey speaks vve protocol 3") })
        // A node of today's version still checks the peer as before, and says which version it spoke.
        try haringey.pin(camden, port: server.port)
        let checked = try check(haringey.run(["peer", "check", "camden", "--json"])).stdout
        #expect(checked.contains(#""protocol-version": 1,"#))
    }

    /// camden has upgraded two protocol versions ahead of haringey: every command of
    /// haringey's that reaches it refuses its answers before reading them, says why and which
    /// node to upgrade, and no command takes the refusal for an answer.
    @Test func aPeerTwoVersionsAheadIsRefusedByEveryCommandThatReachesIt() async throws {
        let region = try TestRegion()
        let haringey = try region.node("haringey")
        let camden = try region.node("camden")
        try haringey.createLinkageKey()
        let fake = try await FakePeer(as: camden, caCertificate: camden.directory + "/Certificates/ca.pem", protocolVersion: 3)
        do {
            try haringey.pin(camden, port: fake.port)
            try haringey.setPolicy(for: "camden", "lookups: no\naggregates: no\nask-lookups: yes\nask-aggregates: yes\n")
            let refusal =
                "protocol-version: the peer speaks vve protocol 3 and this node speaks 1, which serves 1-2: upgrade vve at this node to a release within one protocol version of the peer"

            let checked = try haringey.run(["peer", "check", "camden"])
            #expect(checked.status == 4)
            #expect(checked.stdout.hasSuffix("  exchange:      FAILED: protocol-version\n"))
            #expect(checked.stderr == "vve: error: peer check of camden failed: \(refusal)\n")

            let synced = try haringey.run(["sync", "--peer", "camden", "--once"])
            #expect(synced.status == 4 && synced.stderr == "vve: error: sync with camden failed: camden: \(refusal)\n")
            let status = try check(haringey.run(["status"])).stdout
            #expect(status.contains("camden  borough  0       never         -    -       1x: camden: \(refusal)\n"))

            let looked = try haringey.run([
                "lookup", "--surname", "Okonjo", "--forename", "Tia", "--dob", "2011-03-04", "--reason", "missing child enquiry",
            ])
            #expect(looked.status == 2, "no answer, so a miss cannot be concluded")
            #expect(looked.stdout.contains("camden: NO ANSWER: \(refusal)"), "\(looked.stdout)")

            let reported = try haringey.run(["report", "relocations", "--purpose", "quarterly review of relocations", "--quarters", "1"])
            #expect(reported.status == 2, "camden's cells are missing")
            #expect(reported.stdout.contains("camden") && reported.stdout.contains(refusal), "\(reported.stdout)")
        } catch {
            await fake.stop()
            throw error
        }
        await fake.stop()
    }
}
