import Testing
import VVECore

@Suite struct DateTests {
    @Test func calendarDatesAreRealDaysOnly() {
        #expect(CalendarDate("2024-02-29") != nil)
        #expect(CalendarDate("2000-02-29") != nil)
        #expect(CalendarDate("2026-02-29") == nil)
        #expect(CalendarDate("1900-02-29") == nil)
        #expect(CalendarDate("2026-02-30") == nil)
        #expect(CalendarDate("2026-04-31") == nil)
        #expect(CalendarDate("2026-13-01") == nil)
        #expect(CalendarDate("2026-00-10") == nil)
        #expect(CalendarDate("2026-1-10") == nil)
        #expect(CalendarDate("26-01-10") == nil)
        #expect(CalendarDate("2026-01-10T00:00") == nil)
        #expect(CalendarDate("٢٠٢٦-01-10") == nil)
    }

    @Test func daysSinceEpochRoundTripsOverCenturies() {
        var previous: CalendarDate?
        for days in stride(from: -25_000, through: 60_000, by: 1) {
            let date = CalendarDate(daysSinceEpoch: days)
            #expect(date.daysSinceEpoch == days)
            if let previous { #expect(previous < date) }
            previous = date
        }
        #expect(CalendarDate(daysSinceEpoch: 0).description == "1970-01-01")
        #expect(CalendarDate("2026-11-23")!.adding(days: 38) == CalendarDate("2026-12-31"))
    }

    @Test func partialDatesAcceptKnownPartsOnly() {
        #expect(PartialDate("2009")?.description == "2009")
        #expect(PartialDate("2009-07")?.description == "2009-07")
        #expect(PartialDate("2009-07-15")?.calendarDate == CalendarDate("2009-07-15"))
        #expect(PartialDate("2009-07")?.calendarDate == nil)
        #expect(PartialDate("2009-02-30") == nil)
        #expect(PartialDate("2009-13") == nil)
        #expect(PartialDate("09") == nil)
        #expect(PartialDate("") == nil)
        #expect(PartialDate(year: 2009, month: nil, day: 3) == nil)
    }

    @Test func timestampsRoundTripAndFormat() {
        let instant = Timestamp(millisecondsSinceEpoch: 1_795_460_340_123)
        #expect(instant.description == "2026-11-23T18:59:00.123Z")
        #expect(Timestamp(instant.description) == instant)
        #expect(Timestamp(millisecondsSinceEpoch: -1).description == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp("2026-11-23T24:00:00.000Z") == nil)
        #expect(Timestamp("2026-11-23 18:59:00.000Z") == nil)
        // Exactly the digits `description` writes: no signs, no other date, no other length.
        for text in [
            "2026-11-23T+8:59:00.000Z", "2026-11-23T18:59:00.+12Z", "2026-02-30T18:59:00.000Z", "2026-11-23T18:60:00.000Z", "2026-11-23T18:59:00.000",
            "2026-11-23T18:59:00.0000Z", "２026-11-23T18:59:00.000Z",
        ] {
            #expect(Timestamp(text) == nil, "\(text)")
        }
        #expect(Timestamp("1900-01-01T00:00:00.000Z")?.calendarDate == CalendarDate("1900-01-01"))
        #expect(instant.calendarDate == CalendarDate("2026-11-23"))
    }
}

@Suite struct VocabularyTests {
    @Test func phoneNumbersNormaliseToOneForm() {
        #expect(PhoneNumber("07700 900123")?.canonical == "07700900123")
        #expect(PhoneNumber("+44 7700-900123")?.canonical == "07700900123")
        #expect(PhoneNumber("(020) 7946 0001")?.canonical == "02079460001")
        #expect(PhoneNumber("+353 1 234 5678")?.canonical == "+35312345678")
        #expect(PhoneNumber("7700900123") == nil)
        #expect(PhoneNumber("07700 90012x") == nil)
        #expect(PhoneNumber("0770") == nil)
        // A plus sign only in front, and only ASCII digits: no other script's numerals.
        #expect(PhoneNumber("07700+900123") == nil)
        #expect(PhoneNumber("०७७०० 900123") == nil)
        #expect(PhoneNumber("+44 (0) 7700 900123") == nil)
    }

    @Test func postcodesGradingsAndNames() {
        #expect(Postcode("nr11aa")?.canonical == "NR1 1AA")
        #expect(Postcode("SW1A 1AA")?.canonical == "SW1A 1AA")
        #expect(Postcode("12345") == nil)
        #expect(IntelligenceGrading("2-b-p")?.description == "2BP")
        #expect(IntelligenceGrading("4AP") == nil)
        #expect(IntelligenceGrading("1FP") == nil)
        #expect(IntelligenceGrading("1AX") == nil)
        #expect(AuthorityName("tower-hamlets") != nil)
        #expect(AuthorityName("Tower Hamlets") == nil)
        #expect(AuthorityName("camden-") == nil)
        #expect(AuthorityName("9lives") == nil)
        #expect(EmailAddress("a.b@Camden.GOV.uk")?.address == "a.b@camden.gov.uk")
        #expect(EmailAddress("a.b@camden") == nil)
    }

    @Test func riskLevelsAreOrdered() {
        #expect(RiskLevel.allCases.sorted() == [.low, .medium, .high, .veryHigh])
        #expect(RiskLevel.veryHigh > .high)
    }

    @Test func recordIDsAreVersion7AndTimeOrdered() {
        let camden = AuthorityName("camden")!
        var random = SeededGenerator(seed: 5)
        let early = RecordID.make(at: Timestamp(millisecondsSinceEpoch: 1_000), owner: camden, using: &random)
        let late = RecordID.make(at: Timestamp(millisecondsSinceEpoch: 2_000), owner: camden, using: &random)
        #expect(early < late)
        #expect(Array(early.description)[14] == "7")
        #expect("89ab".contains(Array(early.description)[19]))
        #expect(RecordID(early.description) == early)
        #expect(RecordID(early.description.uppercased()) == early)
        #expect(RecordID("not-a-uuid") == nil)
        // Made together in one millisecond, ids sort in the order they were made, the
        // version and variant bits intact and 20 bits still random.
        let time = Timestamp(millisecondsSinceEpoch: 1_795_460_340_000)
        let sequences = [0, 1, 2, 15, 16, 4095, 4096, 1 << 18, (1 << 20) + 3, RecordID.sequenceLimit - 1]
        let made = sequences.map { RecordID.make(at: time, sequence: $0, owner: camden, using: &random) }
        #expect(made == made.sorted() && Set(made).count == made.count)
        #expect(made.allSatisfy { Array($0.description)[14] == "7" && "89ab".contains(Array($0.description)[19]) && RecordID($0.description) == $0 })
        #expect(made.allSatisfy { Array($0.description.prefix(13)) == Array(made[0].description.prefix(13)) })
        let twins = (0..<64).map { _ in RecordID.make(at: time, sequence: 7, owner: camden, using: &random) }
        #expect(Set(twins).count == 64)
        #expect(Set(twins.map { $0.bytes[9] & 0x0F }).count > 1 && Set(twins.map { $0.bytes[9] >> 4 }).count == 1)
        #expect(Set(twins.map { $0.bytes[10...11] }).count > 1)
        // Past the limit the sequence wraps: unique still, in order no longer.
        #expect(RecordID.make(at: time, sequence: RecordID.sequenceLimit + 1, owner: camden, using: &random) < made[2])
        #expect(RecordID("0193a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2g") == nil)
    }

    @Test func recordIDsAreBoundToTheirOwner() {
        let camden = AuthorityName("camden")!
        var random = SeededGenerator(seed: 11)
        let made = (0..<200).map {
            RecordID.make(at: Timestamp(millisecondsSinceEpoch: 1_795_460_340_000 + Int64($0)), sequence: $0, owner: camden, using: &random)
        }
        #expect(made.allSatisfy { $0.isMade(by: camden) })
        // Another name, even one that differs by a letter, does not match a single id.
        for other in ["haringey", "camdem", "camden-north"].map({ AuthorityName($0)! }) {
            #expect(made.allSatisfy { !$0.isMade(by: other) })
        }
        // Any one bit changed, in the tag or in what it covers, breaks the binding.
        let id = made[0]
        for bit in 0..<128 {
            var bytes = id.bytes
            bytes[bit / 8] ^= 1 << (bit % 8)
            let hex = Array(Hex.encode(bytes))
            let changed = RecordID([0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(hex[$0]) }.joined(separator: "-"))!
            #expect(!changed.isMade(by: camden), "bit \(bit)")
        }
        // A UUID not made by vve is nobody's.
        #expect(!RecordID("01a209d4-e4af-71d9-9c1a-2533df440516")!.isMade(by: camden))
    }

    @Test func justificationsNeedSeveralWords() throws {
        #expect(throws: ValidationError.self) { try Justification("test") }
        #expect(throws: ValidationError.self) { try Justification("a b c") }
        #expect(try Justification("  retention period has ended  ").text == "retention period has ended")
        #expect(throws: ValidationError.self) { try OperatorName("x") }
        #expect(try OperatorName(" PC 4471 Hale ").rawValue == "PC 4471 Hale")
    }
}

@Suite struct FieldPathTests {
    @Test func pathsAreSpelledOutAsDottedTextWithIndexes() {
        let path = FieldPath.root.appending("fields").appending("linkedPeople").appending(index: 2).appending("person")
        #expect(path.text == "fields.linkedPeople[2].person")
        #expect(path == FieldPath(text: "fields.linkedPeople[2].person"))
        #expect(path.hashValue == FieldPath(text: "fields.linkedPeople[2].person").hashValue)
        #expect(FieldPath(text: "") == .root && FieldPath.root.description == "(document)")
        #expect(FieldPath(text: "fields").appending("riskLevel").text == "fields.riskLevel")
        #expect(FieldPath.root.appending(index: 0).text == "[0]")
    }
}
