import Testing
import VVEConfig
import VVECore

@Suite struct PolicyConfigurationTests {
    static let head = """
        name: haringey
        url: https://haringey.vve.example:7443
        role: borough
        pins: [\(PeerConfigurationTests.pin)]
        agreement:
          reference: NL-ISA-2026-004
          lawful-basis: "Children Act 1989 s.47"

        """

    func errors(_ policy: String) -> [String] {
        do {
            _ = try PeerConfiguration.parse(Self.head + policy, file: "Peers/haringey.yaml", expectedName: "haringey")
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }

    @Test func lookupsCanBeLimitedToPoliceAndAskedOfAPeer() throws {
        let peer = try PeerConfiguration.parse(Self.head + "lookups: police\nask-lookups: yes\n", file: "x", expectedName: "haringey")
        #expect(peer.policy.lookups == .police && peer.policy.askLookups)
        // A borough's file saying `police` never answers it; a police peer's does.
        #expect(!peer.policy.lookups.answers(role: .borough) && peer.policy.lookups.answers(role: .police))
        #expect(LookupGrant.yes.answers(role: .vru) && !LookupGrant.no.answers(role: .police))
        // Written back as read.
        #expect(try PeerConfiguration.parse(peer.yaml, file: "x", expectedName: "haringey") == peer)
        #expect(errors("ask-lookups: maybe\n") == ["Peers/haringey.yaml:8: `ask-lookups` is \"maybe\"; it must be yes or no"])
    }

    @Test func aggregatesGrantEveryMeasureNoneOrAList() throws {
        func grant(_ text: String) throws -> AggregateGrant {
            let peer = try PeerConfiguration.parse(Self.head + text, file: "x", expectedName: "haringey")
            #expect(try PeerConfiguration.parse(peer.yaml, file: "x", expectedName: "haringey") == peer, "written back as read")
            return peer.policy.aggregates
        }
        #expect(try grant("") == .none)
        #expect(try grant("aggregates: no\n") == .none)
        #expect(try grant("aggregates: yes\n") == .every)
        let listed = try grant("aggregates: [county-lines, relocations]\n")
        #expect(listed == .measures([.relocations, .countyLines]))
        #expect(listed.text == "[relocations, county-lines]")
        #expect(listed.grants(.relocations) && !listed.grants(.perpetrators) && AggregateGrant.every.grants(.knownInSeveralAreas))
        #expect(try grant("aggregates:\n  - perpetrators\n") == .measures([.perpetrators]))
        #expect(
            errors("aggregates: [relocations, murders, relocations]\n") == [
                "Peers/haringey.yaml:8: `aggregates`: `murders` is not a measure; the measures are relocations, relocation-briefing, county-lines, perpetrators, missing-episodes, return-interviews, known-in-several-areas, or say yes for every one, or no",
                "Peers/haringey.yaml:8: `aggregates`: `relocations` is listed twice",
            ])
        #expect(
            errors("aggregates: []\n") == [
                "Peers/haringey.yaml:8: `aggregates` lists no measure; list at least one (relocations, relocation-briefing, county-lines, perpetrators, missing-episodes, return-interviews, known-in-several-areas), or say no"
            ])
    }

    @Test func askAggregatesSendsEveryMeasureNoneOrAList() throws {
        func asked(_ text: String) throws -> AggregateGrant {
            let peer = try PeerConfiguration.parse(Self.head + text, file: "x", expectedName: "haringey")
            #expect(try PeerConfiguration.parse(peer.yaml, file: "x", expectedName: "haringey") == peer, "written back as read")
            return peer.policy.askAggregates
        }
        #expect(try asked("") == .none)
        #expect(try asked("ask-aggregates: yes\n") == .every)
        let police = try asked("ask-aggregates: [return-interviews, missing-episodes]\n")
        #expect(police == .measures([.missingEpisodes, .returnInterviews]) && police.text == "[missing-episodes, return-interviews]")
        #expect(
            errors("ask-aggregates: [missing]\n") == [
                "Peers/haringey.yaml:8: `ask-aggregates`: `missing` is not a measure; the measures are relocations, relocation-briefing, county-lines, perpetrators, missing-episodes, return-interviews, known-in-several-areas, or say yes for every one, or no"
            ])
    }

    @Test func aFullPolicyParsesAndWritesBack() throws {
        let text =
            Self.head + """
                share:
                  review-days: 90
                  relocation:
                    audience: [receiving-authority, originating-authority]
                    groups: [identity, placement, contacts, follow-up, status]
                  county-lines-link:
                    audience: [exporting-area, importing-areas]
                    groups: [line, areas, people, activity]
                accept:
                  relocation: [follow-up]
                lookups: yes
                aggregates: no

                """
        let peer = try PeerConfiguration.parse(text, file: "Peers/haringey.yaml", expectedName: "haringey")
        #expect(peer.policy.reviewDays == 90)
        #expect(
            peer.policy.share[.relocation]
                == KindGrant(
                    audience: [.receivingAuthority, .originatingAuthority], groups: ["identity", "placement", "contacts", "follow-up", "status"]))
        #expect(peer.policy.share[.countyLinesLink]?.groups == ["line", "areas", "people", "activity"])
        #expect(peer.policy.share[.sharedPerpetrator] == nil)
        #expect(peer.policy.accept == [.relocation: ["follow-up"]])
        #expect(peer.policy.lookups == .yes && peer.policy.aggregates == .none && !peer.policy.askLookups)
        #expect(try PeerConfiguration.parse(peer.yaml, file: "x", expectedName: "haringey") == peer)
        // With no policy sections at all, nothing is shared.
        let bare = try PeerConfiguration.parse(Self.head, file: "x", expectedName: "haringey")
        #expect(bare.policy == .denyAll)
    }

    @Test func everyPolicyErrorNamesItsLineAndFix() {
        let text = """
            share:
              review-days: forever
              relocaton:
                audience: [all]
                groups: [identity]
              relocation:
                audience: [exporting-area, police, all, all]
                groups: [placment, status, status, identity]
              county-lines-link:
                audience: []
                groups: [identity, line]
              shared-perpetrator:
                groups: [profile]
            accept:
              relocation: [contacts, follow-up, nonsense]
              shared-perpetrator: [profile]
            lookups: sometimes

            """
        #expect(
            errors(text) == [
                "Peers/haringey.yaml:9: `review-days` is \"forever\"; it must be a whole number of days from 1 to 3650",
                "Peers/haringey.yaml:10: `share.relocaton` is not a record kind or setting (did you mean `relocation`?); kinds are county-lines-link, relocation, shared-perpetrator, missing-episode; settings are review-days",
                "Peers/haringey.yaml:14: `share.relocation.audience`: `exporting-area` does not apply to relocation; rules for relocation are all, originating-authority, receiving-authority, police, vru",
                "Peers/haringey.yaml:14: `share.relocation.audience`: `police` never admits haringey, whose role is borough; remove it",
                "Peers/haringey.yaml:14: `share.relocation.audience`: `all` is listed twice",
                "Peers/haringey.yaml:15: `share.relocation.groups`: `placment` is not a group of relocation (did you mean `placement`?); its groups are contacts, follow-up, identity, placement, status",
                "Peers/haringey.yaml:15: `share.relocation.groups`: `status` is listed twice",
                "Peers/haringey.yaml:17: `share.county-lines-link.audience` is empty; name at least one of all, exporting-area, importing-areas, police, vru",
                "Peers/haringey.yaml:18: `share.county-lines-link.groups`: `identity` without `people` shares nothing, since the identities are the linked people's; add `people` or remove `identity`",
                "Peers/haringey.yaml:20: `audience` is missing: say which shared-perpetrator records go to the peer: one or more of all, areas-of-activity, police, vru",
                "Peers/haringey.yaml:22: `accept.relocation`: relocation records are not shared with haringey, so it cannot write any; share them or remove this",
                "Peers/haringey.yaml:23: `accept.shared-perpetrator`: shared-perpetrator records are not shared with haringey, so it cannot write any; share them or remove this",
                "Peers/haringey.yaml:24: `lookups` is \"sometimes\"; it must be yes, no or police (answer only while the peer's role is police)",
            ])
    }

    @Test func acceptMayOnlyNameGroupsThePeerReceives() {
        let text = """
            share:
              review-days: 30
              relocation:
                audience: [receiving-authority]
                groups: [placement, follow-up]
            accept:
              relocation: [follow-up, contacts, folow-up]

            """
        #expect(
            errors(text) == [
                "Peers/haringey.yaml:14: `accept.relocation`: `contacts` is not shared with haringey, so it cannot write it; grant it in `share` or remove it here",
                "Peers/haringey.yaml:14: `accept.relocation`: `folow-up` is not a group of relocation (did you mean `follow-up`?); its groups are contacts, follow-up, identity, placement, status",
            ])
    }

    @Test func sharingNeedsAReviewPeriod() {
        #expect(
            errors("share:\n  relocation:\n    audience: [all]\n    groups: [placement]\n") == [
                "Peers/haringey.yaml:8: `share.review-days` is missing: say how many days a shared copy may be kept before review, such as `review-days: 90`"
            ])
    }
}
