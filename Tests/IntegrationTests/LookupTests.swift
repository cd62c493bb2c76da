import Foundation
import Testing

/// `vve lookup` from a police node to borough nodes running `vve serve`, over mutual TLS on
/// loopback: hits, misses, silence, refusals, limits, and both sides' audit logs.
@Suite struct LookupTests {
    /// What camden shares with the police: relocations' placement (with the risk level) and
    /// status, so a hit shows both; and it answers lookups.
    static let camdenToPolice = """
        share:
          review-days: 30
          relocation:
            audience: [police]
            groups: [placement, status]
        lookups: yes
        aggregates: no

        """

    func lookup(_ node: RegionNode, _ extra: [String], reason: String? = "missing child enquiry, cross-border check") throws -> ProcessResult {
        var arguments = ["lookup", "--dir", node.directory] + extra
        if let reason { arguments += ["--reason", reason] }
        return try VVE.run(arguments, environment: ["VVE_OPERATOR": "PC 4471 Hale"])
    }

    func auditEntries(_ node: RegionNode, _ extra: [String] = ["--action", "lookup"]) throws -> [[String: Any]] {
        try JSONSerialization.jsonObject(with: Data(check(node.run(["audit", "list", "--json"] + extra)).stdout.utf8)) as? [[String: Any]] ?? []
    }

    @Test func anOfficerFindsAPersonAtOneBoroughAndNotAnotherAndBothSidesAuditIt() throws {
        let region = try TestRegion()
        let camden = try region.node("camden")
        let haringey = try region.node("haringey")
        let enfield = try region.node("enfield")
        let police = try region.node("met-police")
        // A fixed key: a fuzzy score depends on the key, so a random one would make the
        // possible match below pass or fail by chance.
        #expect(
            FileManager.default.createFile(
                atPath: camden.linkageKey, contents: Data((String(repeating: "5a", count: 32) + "\n").utf8),
                attributes: [.posixPermissions: 0o600]))
        for node in [haringey, enfield, police] {
            try camden.copyLinkageKey(to: node)
        }
        // camden answers 4 lookups a day from one peer; the officer may make 5.
        try camden.appendSetting("peer-lookups-per-day: 4\nlookup-contact: Camden MASH duty desk, 020 7946 0000")
        try police.appendSetting("operator-lookups-per-day: 5")
        for borough in [camden, haringey, enfield] { try police.pin(borough, port: 1) }
        try police.setPolicy(for: "camden", "lookups: no\nask-lookups: yes\naggregates: no\n")
        try police.setPolicy(for: "haringey", "lookups: no\nask-lookups: yes\naggregates: no\n")
        // enfield's file does not say ask-lookups: it is never asked.
        try camden.pin(police, port: 1, role: "police")
        try camden.setPolicy(for: "met-police", Self.camdenToPolice)
        try haringey.pin(police, port: 1, role: "police")
        try haringey.setPolicy(for: "met-police", "lookups: police\naggregates: no\n")
        try haringey.appendSetting("lookup-contact: Haringey MASH, 020 8489 0000")

        let added = try check(camden.run(["record", "add", "relocation", "--json", SyncTests().relocation(to: "haringey", person: "Tia")]))
        let id = try #require(added.stdout.split(separator: " ").map(String.init).first { $0.count == 36 })
        // A county lines link at haringey with an unrelated person: searched, not matched.
        try check(haringey.run(["record", "add", "shared-perpetrator", "--json", Self.perpetrator]))

        let camdenServer = try camden.serve()
        var haringeyServer = try haringey.serve()
        defer {
            _ = camdenServer.stop()
            _ = haringeyServer.stop()
        }
        try repoint(police, peer: "camden", port: camdenServer.port)
        try repoint(police, peer: "haringey", port: haringeyServer.port)

        // 1. An exact hit at camden, a miss at haringey, enfield not asked: exit 0.
        let exact = try lookup(police, ["--surname", "Okonjo", "--forename", "Tia", "--dob", "2011-03-04", "--case-ref", "CAD-4471/26"])
        #expect(exact.status == 0, "\(exact.stderr)")
        let lookupID = try #require(exact.stdout.firstMatch(of: /Lookup ([0-9a-f-]{36})/)?.1).description
        #expect(
            exact.stdout == """
                camden: 1 hit
                  MATCH  SCORE  WHY                           KIND        OWNER   RISK  STATUS  REFERENCE                             CONTACT
                  match  1.000  same names and date of birth  relocation  camden  high  active  \(id)  Ada Brennan, 02079460001
                haringey: no hit
                Known elsewhere: every peer asked answered (2). A `possible` match is confirmed through the contact, never assumed.
                Lookup \(lookupID) is in the audit log here and at each peer that answered.

                """)
        #expect(exact.stderr.isEmpty)

        // 2. A misspelt surname and only a year of birth: a possible match, with its score and
        // why, as JSON.
        let fuzzy = try lookup(police, ["--surname", "Okonja", "--forename", "Tia", "--yob", "2011", "--json"])
        #expect(fuzzy.status == 0, "\(fuzzy.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(fuzzy.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(report["outcome"] as? String == "hits")
        let peers = report["peers"] as? [[String: Any]] ?? []
        #expect(peers.map { $0["peer"] as? String } == ["camden", "haringey"])
        let hit = try #require((peers.first?["hits"] as? [[String: Any]])?.first)
        #expect(hit["label"] as? String == "possible")
        #expect(hit["reference"] as? String == id)
        let score = try #require(Double(hit["score"] as? String ?? ""))
        #expect(score >= 0.8 && score < 1)
        #expect(hit["reason"] as? String == "close")
        #expect(peers.last?["state"] as? String == "answered" && peers.last?["hits"] == nil)

        // 3. No reason: refused before anything is sent.
        let unreasoned = try lookup(police, ["--surname", "Okonjo", "--forename", "Tia"], reason: nil)
        #expect(unreasoned.status == 64)
        #expect(unreasoned.stderr == "vve: error: no reason: a lookup is refused without one; pass --reason \"why, in a few words\"\n")
        #expect(try lookup(police, ["--surname", "Okonjo", "--forename", "Tia"], reason: "check").status == 64)
        // A reason naming the person would carry the name beside its keys: refused.
        let naming = try lookup(police, ["--surname", "Okonjo", "--forename", "Tia"], reason: "missing: Tia OKONJO, seen in Camden")
        #expect(naming.status == 64)
        #expect(
            naming.stderr
                == "vve: error: the reason or case reference contains \"Tia\", a name of the person looked up; both are sent to every peer asked, so say why without the name\n"
        )

        // 4. haringey down: listed as no answer, never as a miss; exit 2.
        #expect(haringeyServer.stop().status == 0)
        let partial = try lookup(police, ["--surname", "Nobody", "--forename", "Known", "--dob", "2010-01-01"])
        #expect(partial.status == 2)
        let partialLines = partial.stdout.split(separator: "\n").map(String.init)
        #expect(partialLines.first == "camden: no hit")
        #expect(partialLines[1].hasPrefix("haringey: NO ANSWER: "))
        #expect(partialLines[2] == "Incomplete: haringey did not answer; a miss there cannot be concluded.")

        // 5. haringey back: camden answers its 4th lookup from met-police today, and refuses
        // the 5th, which is shown as refused, never as a miss.
        haringeyServer = try haringey.serve()
        try repoint(police, peer: "haringey", port: haringeyServer.port)
        #expect(try lookup(police, ["--surname", "Okonjo", "--forename", "Tia", "--dob", "2011-03-04"]).status == 0)
        let limited = try lookup(police, ["--surname", "Okonjo", "--forename", "Tia", "--dob", "2011-03-04"])
        #expect(limited.status == 2)
        #expect(
            limited.stdout.hasPrefix(
                """
                camden: REFUSED: peer:met-police has looked up 4 names in the last 24 hours; the limit is 4 a day, each alias counting as a name. Ask the node's admin if this is needed
                haringey: no hit
                Incomplete: camden did not answer; a miss there cannot be concluded.

                """))

        // 6. The officer has made 5 lookups (the unreasoned ones were never made): the 6th
        // is refused here, before anything is sent.
        let refusedHere = try lookup(police, ["--surname", "Okonjo", "--forename", "Tia"])
        #expect(refusedHere.status == 75)
        #expect(
            refusedHere.stderr
                == "vve: error: lookup refused: PC 4471 Hale has looked up 5 names in the last 24 hours; the limit is 5 a day, each alias counting as a name. Ask the node's admin if this is needed\n"
        )

        // The asking side: operator, reason, case reference, peers asked and what came back.
        let asked = try auditEntries(police)
        #expect(asked.count == 5)
        let first = try #require(asked.first)
        #expect(first["actor"] as? String == "PC 4471 Hale")
        #expect(first["justification"] as? String == "missing child enquiry, cross-border check")
        let firstDetail = first["detail"] as? String ?? ""
        #expect(firstDetail.hasPrefix("lookup \(lookupID), case CAD-4471/26; keys: keys sha256:"))
        #expect(firstDetail.hasSuffix("; asked camden, haringey; camden: \(id) match 1.000 same-name-and-date; haringey: no hit; outcome hits"))
        #expect((asked[2]["detail"] as? String ?? "").contains("; haringey: no answer ("))
        #expect((asked[4]["detail"] as? String ?? "").contains("; camden: refused (peer:met-police has looked up 4 names"))

        // The answering side: the asking peer, the reason, the record matched, the keys, and
        // never the name.
        let answered = try auditEntries(camden)
        #expect(answered.filter { $0["recordId"] == nil }.count == 4)
        let hits = try auditEntries(camden, ["--lookups"])
        #expect(hits.map { $0["recordId"] as? String } == [id, id, id])
        #expect(hits.allSatisfy { $0["actor"] as? String == "peer:met-police" })
        #expect(hits.first?["detail"] as? String == "record matched a lookup: match 1.000 same-name-and-date")
        #expect(hits[1]["detail"] as? String == "record matched a lookup: possible \(hit["score"] as? String ?? "") close")
        let summary = try #require(answered.first { $0["recordId"] == nil }?["detail"] as? String)
        #expect(summary.hasPrefix("lookup \(lookupID) from met-police, case CAD-4471/26; keys: keys sha256:"))
        // Both ends keep the same digest of the keys, and neither keeps a key itself: no run
        // of 64 hex digits (an exact key, or any part of an encoding) is in either log.
        let digest = { (text: String) in text.range(of: #"sha256:[0-9a-f]{32}"#, options: .regularExpression).map { String(text[$0]) } }
        #expect(digest(firstDetail) != nil && digest(firstDetail) == digest(summary))
        for entry in try auditEntries(police) + answered {
            #expect((entry["detail"] as? String ?? "").range(of: "[0-9a-f]{64}", options: .regularExpression) == nil, "\(entry)")
        }
        #expect(summary.hasSuffix("; hits: \(id) match 1.000 same-name-and-date"))
        // Refused before any matching, a lookup over the limit is audited through the
        // refusal log, which writes once a second.
        _ = try camden.waitForRefusals(1)
        let refusals = try auditEntries(camden, ["--action", "refuse"]).compactMap { $0["detail"] as? String }
        #expect(
            refusals.count == 1
                && refusals[0].hasSuffix(
                    "refused: peer:met-police has looked up 4 names in the last 24 hours; the limit is 4 a day, each alias counting as a name. Ask the node's admin if this is needed"
                )
        )
        // No log at either end holds a name looked up: the asking node's neither.
        for node in [camden, haringey, police] {
            let everything = try check(node.run(["audit", "list", "--json"])).stdout
            #expect(!everything.contains("Okonja") && !everything.contains("Nobody"), "\(node.name)'s audit log holds a queried name")
            #expect(!everything.contains("Okonjo") || node === camden)
        }
        // haringey answered every lookup it was asked (it is down for one), with no hit.
        #expect(try auditEntries(haringey).count == 4)
        // enfield was never asked.
        #expect(try auditEntries(enfield).isEmpty)

        // A malformed lookup is refused with each problem named, audited, and never searched.
        let malformed = try curl([
            "--cacert", police.directory + "/Certificates/ca.pem", "--cert", police.certificate, "--key", police.key, "-w", "\n%{http_code}",
            "-H", "content-type: application/json", "-d",
            #"{"keyScheme": 2, "lookupId": "Bad Id", "reason": "missing child enquiry, cross-border", "variants": []}"#,
            "https://localhost:\(camdenServer.port)/v1/lookup",
        ])
        #expect(
            malformed.stdout == #"""
                {"error":"malformed lookup: lookupId: \"Bad Id\" must be 8-64 lowercase letters, digits and hyphens; variants: must hold 1-6 sets of match keys, one per name"}

                400
                """#)
        // Keys of another match-key scheme are refused, never compared.
        let otherScheme = try curl([
            "--cacert", police.directory + "/Certificates/ca.pem", "--cert", police.certificate, "--key", police.key, "-w", "\n%{http_code}",
            "-H", "content-type: application/json", "-d",
            #"{"keyScheme": 1, "lookupId": "abcdefgh-1", "reason": "missing child enquiry, cross-border", "variants": [{"exact": "\#(String(repeating: "ab", count: 32))"}]}"#,
            "https://localhost:\(camdenServer.port)/v1/lookup",
        ])
        #expect(
            otherScheme.stdout.hasSuffix(
                #"keyScheme: 1 is not this node's match-key scheme, 2: under another scheme the same person gives other keys, so a miss would mean nothing; the two nodes must run vve versions with the same scheme"}"#
                    + "\n\n400"), "\(otherScheme.stdout)")
        let refusedNow = try auditEntries(camden, ["--action", "refuse"]).compactMap { $0["detail"] as? String }
        #expect(refusedNow.count == 3 && refusedNow[1].hasPrefix("malformed lookup refused: lookupId: "))
        #expect(refusedNow[2].contains("keyScheme: 1 is not this node's match-key scheme"))

        // The owner's status says its records were looked up.
        let status = try check(camden.run(["status"])).stdout
        #expect(status.contains("Lookups matched this node's records 3 times in 30 days; latest "))
        #expect(status.contains(" on record \(id) (`vve audit list --lookups` says by whom and why)"))
    }

    /// A lookup that finds a copy at a holder tells the record's owner, over mutual TLS.
    @Test func aHitOnACopyReachesTheRecordsOwner() throws {
        let region = try TestRegion()
        let camden = try region.node("camden")
        let haringey = try region.node("haringey")
        let police = try region.node("met-police")
        try camden.createLinkageKey()
        for node in [haringey, police] {
            try camden.copyLinkageKey(to: node)
        }
        try camden.pin(haringey, port: 1)
        try camden.setPolicy(for: "haringey", RegionSyncTests.camdenPolicy)
        try haringey.pin(camden, port: 1)
        try haringey.pin(police, port: 1, role: "police")
        try haringey.setPolicy(for: "met-police", "lookups: yes\naggregates: no\n")
        try haringey.appendSetting("lookup-contact: Haringey MASH, 020 8489 0000")
        try police.pin(haringey, port: 1)
        try police.setPolicy(for: "haringey", "lookups: no\nask-lookups: yes\naggregates: no\n")
        let added = try check(camden.run(["record", "add", "relocation", "--json", SyncTests().relocation(to: "haringey", person: "Tia")]))
        let id = try #require(added.stdout.split(separator: " ").map(String.init).first { $0.count == 36 })

        let camdenServer = try camden.serve(["--long-poll", "2"])
        let haringeyServer = try haringey.serve(["--long-poll", "2"])
        defer {
            _ = camdenServer.stop()
            _ = haringeyServer.stop()
        }
        try repoint(camden, peer: "haringey", port: haringeyServer.port)
        try repoint(haringey, peer: "camden", port: camdenServer.port)
        try repoint(police, peer: "haringey", port: haringeyServer.port)
        try eventually("haringey holds the copy") { try RegionSyncTests().copyIDs(haringey) == [id] }

        // haringey holds the person as match keys only, and finds them; camden is the owner.
        let result = try lookup(police, ["--surname", "Okonjo", "--forename", "Tia", "--dob", "2011-03-04"])
        #expect(result.status == 0, "\(result.stderr)")
        let lookupID = try #require(result.stdout.firstMatch(of: /Lookup ([0-9a-f-]{36})/)?.1).description
        #expect(
            result.stdout.hasPrefix(
                """
                haringey: 1 hit
                  MATCH  SCORE  WHY                           KIND        OWNER   RISK  STATUS  REFERENCE                             CONTACT
                  match  1.000  same names and date of birth  relocation  camden  -     -       \(id)  Haringey MASH, 020 8489 0000

                """))

        // camden hears of it from haringey, with the asker and its reason.
        try eventually("camden audits the notice") { try !auditEntries(camden, ["--lookups"]).isEmpty }
        let told = try auditEntries(camden, ["--lookups"])
        #expect(told.count == 1)
        #expect(told.first?["recordId"] as? String == id)
        #expect(told.first?["actor"] as? String == "peer:haringey")
        #expect(told.first?["justification"] as? String == "missing child enquiry, cross-border check")
        let detail = told.first?["detail"] as? String ?? ""
        #expect(detail.hasPrefix("haringey's copy matched lookup \(lookupID) by met-police at "))
        #expect(detail.hasSuffix(": match 1.000 same-name-and-date"))
        #expect(try check(camden.run(["status"])).stdout.contains("Lookups matched this node's records 1 time in 30 days; latest at "))

        // The copy holds the person's exact key alone: a misspelt surname, which camden would
        // answer as a `possible`, finds nothing at haringey, and its store holds no encoding.
        let misspelt = try lookup(police, ["--surname", "Okonja", "--forename", "Tia", "--dob", "2011-03-04"])
        #expect(misspelt.status == 1, "\(misspelt.stderr)")
        #expect(misspelt.stdout.hasPrefix("haringey: no hit\n"))
        let copies = try SyncTests().sharedCopies(haringey)
        #expect(copies.count == 1 && copies.allSatisfy { !$0.contains("fuzzy") && $0.contains(#""exact":""#) })
    }

    /// A hit while another peer is down exits 5, not 2: a script that tests for a hit is
    /// never told of a miss, and the table still says the answer is incomplete.
    @Test func aHitWhileAnotherPeerIsDownHasAnExitCodeOfItsOwn() throws {
        let region = try TestRegion()
        defer { withExtendedLifetime(region) {} }
        let camden = try region.node("camden")
        let haringey = try region.node("haringey")
        let police = try region.node("met-police")
        try camden.createLinkageKey()
        try camden.copyLinkageKey(to: police)
        try camden.appendSetting("lookup-contact: Camden MASH duty desk, 020 7946 0000")
        try camden.pin(police, port: 1, role: "police")
        try camden.setPolicy(for: "met-police", Self.camdenToPolice)
        let added = try check(camden.run(["record", "add", "relocation", "--json", SyncTests().relocation(to: "haringey", person: "Tia")]))
        let id = try #require(added.stdout.split(separator: " ").map(String.init).first { $0.count == 36 })
        let server = try camden.serve()
        defer { _ = server.stop() }
        try police.pin(camden, port: server.port)
        try police.pin(haringey, port: 1)
        for peer in ["camden", "haringey"] { try police.setPolicy(for: peer, "lookups: no\nask-lookups: yes\naggregates: no\n") }

        let found = try lookup(police, ["--surname", "Okonjo", "--forename", "Tia", "--dob", "2011-03-04"])
        #expect(found.status == 5, "\(found.stderr)")
        let lines = found.stdout.split(separator: "\n").map(String.init)
        #expect(
            lines.prefix(3) == [
                "camden: 1 hit",
                "  MATCH  SCORE  WHY                           KIND        OWNER   RISK  STATUS  REFERENCE                             CONTACT",
                "  match  1.000  same names and date of birth  relocation  camden  high  active  \(id)  Ada Brennan, 02079460001",
            ])
        #expect(lines[3].hasPrefix("haringey: NO ANSWER: "))
        #expect(lines[4] == "Incomplete: haringey did not answer; a miss there cannot be concluded.")
        let json = try lookup(police, ["--surname", "Okonjo", "--forename", "Tia", "--dob", "2011-03-04", "--json"])
        #expect(json.status == 5)
        #expect((try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])?["outcome"] as? String == "hits-incomplete")
        // Nothing found and haringey silent: still 2.
        #expect(try lookup(police, ["--surname", "Vane", "--forename", "Marcus"]).status == 2)
    }

    /// An officer's lookups a minute are counted at the asking node, aliases as names, before
    /// anything is sent: a lookup no peer answered still counts.
    @Test func anOfficerOverTheLimitOfAMinuteIsRefusedBeforeAnythingIsSent() throws {
        let region = try TestRegion()
        let police = try region.node("met-police")
        let camden = try region.node("camden")
        try police.createLinkageKey()
        try police.appendSetting("operator-lookups-per-minute: 3")
        try police.pin(camden, port: 1)
        try police.setPolicy(for: "camden", "lookups: no\nask-lookups: yes\naggregates: no\n")
        // camden is not listening: each lookup is incomplete (exit 2), and counts.
        #expect(try lookup(police, ["--surname", "Okonjo", "--forename", "Tia"]).status == 2)
        #expect(try lookup(police, ["--surname", "Okonjo", "--forename", "Tia", "--dob", "2011-03-04", "--alias", "T Money"]).status == 2)
        let refused = try lookup(police, ["--surname", "Vane", "--forename", "Marcus"])
        #expect(refused.status == 75)
        #expect(
            refused.stderr
                == "vve: error: lookup refused: PC 4471 Hale has looked up 3 names in the last minute; the limit is 3 a minute, each alias counting as a name. Wait a minute\n"
        )
        #expect(refused.stdout.isEmpty)
        #expect(try auditEntries(police).count == 2)
        // Another officer has a count of their own.
        let other = try VVE.run(
            [
                "lookup", "--dir", police.directory, "--surname", "Vane", "--forename", "Marcus", "--reason",
                "missing child enquiry, cross-border check",
            ],
            environment: ["VVE_OPERATOR": "PC 5120 Ross"])
        #expect(other.status == 2, "\(other.stderr)")
    }

    @Test func aNodeWithNoPeerTakingItsLookupsSaysHowToConfigureOne() throws {
        let region = try TestRegion()
        let police = try region.node("met-police")
        let camden = try region.node("camden")
        try police.createLinkageKey()
        try police.pin(camden, port: 1)
        let result = try lookup(police, ["--surname", "Okonjo", "--forename", "Tia"])
        #expect(result.status == 78)
        #expect(
            result.stderr
                == "vve: error: no peer takes this node's lookups: add `ask-lookups: yes` to the file in \(police.directory)/Peers of each peer whose agreement covers lookups\n"
        )
    }

    static let perpetrator = """
        {"reviewDate": "\(TestDates.review)", "fields": {"person": {"forenames": "Marcus", "surname": "Vane", "dateOfBirth": "1994-07-12"}, \
        "role": "controller", "areasOfActivity": ["haringey"], "riskLevel": "high", \
        "policeContact": {"name": "DS Ruth Akande", "phone": "020 7946 0002"}}}
        """

    func repoint(_ node: RegionNode, peer: String, port: Int) throws {
        try RegionSyncTests().repoint(node, peer: peer, port: port)
    }
}
