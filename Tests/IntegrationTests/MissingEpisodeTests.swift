import Foundation
import Testing

/// Missing episodes between real `vve serve` processes over mutual TLS: the police record
/// one, the areas it names receive it, the home authority sees the 72-hour clock and writes
/// its interview offer back, and a borough it does not name receives nothing.
@Suite struct MissingEpisodeTests {
    /// What the police share with every borough, and take back from it.
    static let policeShares = """
        share:
          review-days: 90
          missing-episode:
            audience: [home-authority, host-area, found-in]
            groups: [identity, episode, interview, link, status]
        accept:
          missing-episode: [interview]
        lookups: no
        aggregates: no

        """

    /// `hours` ago, in the form records hold, to the minute.
    static func hoursAgo(_ hours: Double) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm':00.000Z'"
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.locale = Locale(identifier: "en_GB_POSIX")
        return formatter.string(from: Date().addingTimeInterval(-hours * 3600))
    }

    @Test func theHomeAuthoritySeesTheClockAndItsOfferReachesThePolice() throws {
        let region = try TestRegion()
        let police = try region.node("met-police")
        let camden = try region.node("camden")
        let haringey = try region.node("haringey")
        let islington = try region.node("islington")
        for server in [police, camden] {
            try server.createLinkageKey()
        }
        // 30 and 6 hours ago, plus the minutes the test may take: the clock shows 65h left.
        let reported = Self.hoursAgo(30.5), returned = Self.hoursAgo(6.5)
        let episode = """
            {"reviewDate": "\(TestDates.review)", "fields": {"person": {"forenames": "Tia", "surname": "Okonjo", "dateOfBirth": "2011-03-04"}, \
            "homeAuthority": "camden", "hostArea": "haringey", "reportedMissingAt": "\(reported)", "returnedAt": "\(returned)", \
            "riskGrading": "high", "policeReference": "MPS-4471/26"}}
            """
        let added = try check(
            VVE.run(
                ["record", "add", "missing-episode", "--json", "-", "--dir", police.directory], environment: ["VVE_OPERATOR": "pc.hale"],
                stdin: Data(episode.utf8)))
        let id = try #require(added.stdout.firstMatch(of: /([0-9a-f]{8}-[0-9a-f-]{27})/)?.1).description
        // camden serves its change feed too, for the police to pull its writes back.
        let camdenServer = try camden.serve()
        for borough in [camden, haringey, islington] {
            try police.pin(borough, port: borough === camden ? camdenServer.port : 1)
            try police.setPolicy(for: borough.name, Self.policeShares)
        }
        let server = try police.serve()
        for borough in [camden, haringey, islington] {
            try borough.pin(police, port: server.port, role: "police")
            #expect(try check(borough.run(["sync", "--peer", "met-police", "--once"])).status == 0)
        }

        // The home authority and the host area hold it; islington, named nowhere, does not.
        let due = try check(camden.run(["missing", "due"])).stdout
        let returnedText = returned.prefix(10) + " " + returned.dropFirst(11).prefix(5) + "Z"
        #expect(
            due == """
                CHILD       RETURNED           CLOCK     DUTY       HOME    OFFERS  RELOCATION  OWNER              ID
                Tia Okonjo  \(returnedText)  65h left  statutory  camden  none    -           met-police (copy)  \(id)

                """)
        #expect(try check(haringey.run(["missing", "due"])).stdout.contains("Tia Okonjo"))
        #expect(try check(islington.run(["missing", "due"])).stdout == "No returned child is awaiting a return home interview.\n")
        #expect(
            try check(camden.run(["status"])).stdout.contains(
                "Return home interviews: 1 awaited, 0 past the 72 hours with a statutory duty (`vve missing due` lists them)"))
        // The morning briefing: the return falls in the last 24 hours, the report does not.
        let overnight = try check(camden.run(["missing", "overnight", "--json"])).stdout
        let events = try #require(JSONSerialization.jsonObject(with: Data(overnight.utf8)) as? [[String: Any]])
        #expect(events.map { $0["event"] as? String } == ["returned"])
        #expect(events.first?["child"] as? String == "Tia Okonjo" && events.first?["policeReference"] as? String == "MPS-4471/26")
        let since = try check(camden.run(["missing", "overnight", "--since", Self.hoursAgo(48)])).stdout
        #expect(
            since.split(separator: "\n").dropFirst().map { $0.split(separator: " ", omittingEmptySubsequences: true)[2] } == ["reported", "returned"])
        let badSince = try camden.run(["missing", "overnight", "--since", "yesterday"])
        #expect(badSince.status == 64)
        #expect(
            badSince.stderr
                == "vve: error: --since yesterday: is not a timestamp; write it in UTC as YYYY-MM-DDTHH:MM:SS.mmmZ, such as 2026-12-05T17:00:00.000Z\n"
        )

        // camden offers the interview on its copy; the police take it, as they accept the
        // interview group from camden, and list it with the offer.
        let offeredAt = Self.hoursAgo(1)
        try check(camden.run(["copy", "update", id, "--json", #"{"fields": {"interviewOffers": [{"offeredAt": "\#(offeredAt)"}]}}"#]))
        #expect(try check(police.run(["sync", "--peer", "camden", "--once"])).status == 0)
        let record = try check(police.run(["record", "show", id])).stdout
        #expect(record.contains(#""offeredAt": "\#(offeredAt)""#), "\(record)")
        let offerText = offeredAt.prefix(10) + " " + offeredAt.dropFirst(11).prefix(5) + "Z"
        #expect(try check(police.run(["missing", "due"])).stdout.contains("  offered in time  statutory  camden  1, last \(offerText)  -  "))
        _ = camdenServer.stop()
        _ = server.stop()
    }
}
