import Foundation
import Testing

/// `vve review`: what is overdue, and the sweep that erases it with the reason.
@Suite struct ReviewCLITests {
    @Test func reviewDueListsOverdueRecordsAndTheSweepErasesThemWithTheReason() throws {
        let node = try TestNode()
        let added = try node.run(["record", "add", "county-lines-link", "--json", "-"], stdin: Data(linkJSON().utf8))
        let id = String(added.stdout.dropFirst("Created county-lines-link ".count).prefix(36))
        #expect(try node.run(["review", "due"]).stdout == "Nothing is past its review date.\n")
        #expect(try node.run(["review", "sweep"]).stdout == "Retention applied: 0 records erased, 0 shared copies deleted, 0 tombstones collected\n")

        // Review dates cannot be set in the past, and vve has no clock to turn: age the record
        // in the store instead, 40 days overdue against a 30-day grace period.
        let past = TestDates.day(-40)
        try node.tamper("UPDATE record SET review_date = '\(past)', document = json_set(document, '$.reviewDate', '\(past)')")
        let pad = { (text: String, width: Int) in text.padding(toLength: width, withPad: " ", startingAt: 0) }
        #expect(
            try node.run(["review", "due"]).stdout == """
                \(pad("ID", 36))  KIND               OWNER   REVIEW      OVERDUE  ERASED IN
                \(id)  county-lines-link  camden  \(past)  40 d     next sweep
                Review a record with `vve record update ID --json '{"reviewDate": "YYYY-MM-DD"}'`; grace period 30 days.

                """)
        #expect(try node.run(["review", "sweep"]).stdout == "Retention applied: 1 record erased, 0 shared copies deleted, 0 tombstones collected\n")
        let entries =
            try JSONSerialization.jsonObject(with: Data(node.run(["audit", "list", "--action", "erase", "--json"]).stdout.utf8)) as? [[String: Any]]
        #expect(entries?.count == 1)
        #expect(entries?.first?["actor"] as? String == "retention" && entries?.first?["recordId"] as? String == id)
        #expect(entries?.first?["justification"] as? String == "review overdue: due \(past), not reviewed within the 30-day grace period")
        #expect(try node.run(["review", "due"]).stdout == "Nothing is past its review date.\n")
    }
}
