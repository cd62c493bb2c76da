import Testing
import VVECore

/// Drafts made valid by hand, so each test breaks exactly one rule.
enum Fixtures {
    static let today = CalendarDate("2026-11-23")!

    static let relocation: JSONValue = [
        "kind": "relocation",
        "reviewDate": "2027-05-01",
        "fields": [
            "youngPerson": ["forenames": "Jayden", "surname": "Okafor", "dateOfBirth": "2010-03"],
            "originatingAuthority": "camden",
            "receivingAuthority": "enfield",
            "moveDate": "2026-10-02",
            "accommodationType": "bed-and-breakfast",
            "reasonCategory": "threat-of-violence",
            "riskLevel": "high",
            "originatingSpoc": ["name": "Ama Mensah", "phone": "020 7946 0123"],
        ],
    ]

    static let link: JSONValue = [
        "kind": "county-lines-link",
        "reviewDate": "2027-05-01",
        "fields": [
            "lineName": "Tony line",
            "dealLines": ["07700 900123"],
            "exportingArea": "camden",
            "importingAreas": ["norfolk"],
            "linkedPeople": [["role": "victim", "person": ["surname": "Smith", "forenames": "Leah"]]],
            "firstSeen": "2026-01-10",
            "riskLevel": "very-high",
            "grading": "2BP",
        ],
    ]

    static func patched(_ base: JSONValue, _ patch: JSONValue) -> JSONValue { base.merging(patch: patch) }

    static func issues(_ document: JSONValue) -> [String] {
        do {
            _ = try RecordDraft.read(from: document, kind: nil, today: today)
            return []
        } catch {
            return error.issues.map(\.description)
        }
    }
}

@Suite struct RecordValidationTests {
    @Test func validDraftsAreAccepted() throws {
        let draft = try RecordDraft.read(from: Fixtures.relocation, kind: .relocation, today: Fixtures.today)
        #expect(draft.status == .active)
        #expect(draft.fields.riskLevel == .high)
        guard case .relocation(let relocation) = draft.fields else {
            Issue.record("expected a relocation")
            return
        }
        #expect(relocation.originatingSpoc.phone?.canonical == "02079460123")
        #expect(Fixtures.issues(Fixtures.link) == [])
    }

    @Test func unknownKindAndKindMismatch() throws {
        #expect(
            Fixtures.issues(Fixtures.patched(Fixtures.relocation, ["kind": "missing-person"])) == [
                #"kind: "missing-person" is not one of: county-lines-link, relocation, shared-perpetrator, missing-episode"#
            ])
        #expect(throws: ValidationError.self) { try RecordDraft.read(from: Fixtures.relocation, kind: .countyLinesLink, today: Fixtures.today) }
    }

    @Test func unknownFieldsAreNamedWithTheKnownOnes() {
        let issues = Fixtures.issues(Fixtures.patched(Fixtures.relocation, ["fields": ["youngPerson": ["nickname": "JJ"]], "owner": "x"]))
        #expect(
            issues == [
                "fields.youngPerson.nickname: is not a known field here; known fields are: aliases, dateOfBirth, forenames, surname",
                "owner: is not a known field here; known fields are: fields, kind, reviewDate, status",
            ])
    }

    @Test func missingRequiredFieldsAreAllReported() {
        let issues = Fixtures.issues(
            Fixtures.patched(Fixtures.relocation, ["reviewDate": .null, "fields": ["moveDate": .null, "riskLevel": .null]]))
        #expect(
            issues == [
                "reviewDate: is required: every record needs a review date, as YYYY-MM-DD",
                "fields.moveDate: is required: the date of the move as YYYY-MM-DD",
                "fields.riskLevel: is required: one of low, medium, high, very-high",
            ])
    }

    @Test(
        arguments: [
            (["moveDate": "2026-02-30"], #"fields.moveDate: "2026-02-30" is not a real date; write it as YYYY-MM-DD (for example 2026-03-14)"#),
            (["moveDate": "02/10/2026"], #"fields.moveDate: "02/10/2026" is not a real date; write it as YYYY-MM-DD (for example 2026-03-14)"#),
            (["moveDate": 20261002], "fields.moveDate: 20261002 is a number; expected a date as YYYY-MM-DD"),
            (
                ["youngPerson": ["dateOfBirth": "2010-13"]],
                #"fields.youngPerson.dateOfBirth: "2010-13" is not a real date; write YYYY-MM-DD, YYYY-MM or YYYY, or leave it out when unknown"#
            ),
            (["riskLevel": "severe"], #"fields.riskLevel: "severe" is not one of: low, medium, high, very-high"#),
            (
                ["accommodationType": "hotel"],
                #"fields.accommodationType: "hotel" is not one of: bed-and-breakfast, temporary-accommodation, relatives, social-housing, private-rented, supported-accommodation, foster-placement, residential-placement, other"#
            ),
            (
                ["receivingAuthority": "camden"],
                #"fields.receivingAuthority: "camden" is the same as originatingAuthority; a relocation crosses a border"#
            ),
            (
                ["receivingAuthority": "Enfield Council"],
                #"fields.receivingAuthority: "Enfield Council" must be 2-63 lowercase letters, digits or hyphens, starting with a letter (for example tower-hamlets)"#
            ),
            (
                ["originatingSpoc": ["phone": .null]],
                "fields.originatingSpoc.phone: is required unless an email is given: a contact must be reachable"
            ),
            (["youngPerson": ["surname": "   "]], #"fields.youngPerson.surname: "   " is empty; give a value or leave the field out"#),
            (
                ["youngPerson": ["forenames": "Jay\nden"]],
                #"fields.youngPerson.forenames: "Jay\nden" contains a control character (such as a tab or newline); remove it"#
            ),
        ] as [(JSONValue, String)])
    func fieldRulesNameFieldValueAndFix(patch: JSONValue, message: String) {
        #expect(Fixtures.issues(Fixtures.patched(Fixtures.relocation, ["fields": patch])) == [message])
    }

    @Test func textOverItsLimitIsRefused() {
        let long = String(repeating: "a", count: 101)
        let issues = Fixtures.issues(Fixtures.patched(Fixtures.link, ["fields": ["lineName": .string(long)]]))
        #expect(issues.count == 1)
        #expect(issues.first?.hasPrefix("fields.lineName: \"aaaa") == true)
        #expect(issues.first?.hasSuffix("is 101 characters long; the limit is 100") == true)
    }

    @Test func reviewDatesMustBeAheadButNotTooFar() {
        #expect(
            Fixtures.issues(Fixtures.patched(Fixtures.relocation, ["reviewDate": "2026-11-22"])) == [
                #"reviewDate: "2026-11-22" is in the past; set a review date of 2026-11-23 or later"#
            ])
        #expect(Fixtures.issues(Fixtures.patched(Fixtures.relocation, ["reviewDate": "2026-11-23"])) == [])
        #expect(
            Fixtures.issues(Fixtures.patched(Fixtures.relocation, ["reviewDate": "2037-01-01"])) == [
                #"reviewDate: "2037-01-01" is more than 10 years ahead; records must be reviewed by 2036-11-23"#
            ])
    }

    /// The record as stored before an edit, with `patch` applied without validation.
    func stored(_ patch: JSONValue, allowUnusualAges: Bool = true) throws -> CaseRecord {
        let document = Fixtures.patched(Fixtures.relocation, patch)
        let draft = try RecordDraft.read(
            from: Fixtures.patched(document, ["reviewDate": "2027-05-01"]), kind: nil, today: Fixtures.today, allowUnusualAges: allowUnusualAges)
        var record = CaseRecord(
            draft: draft, id: RecordID("01a20000-0000-7000-8000-000000000000")!, node: AuthorityName("camden")!,
            at: Timestamp(millisecondsSinceEpoch: 1_795_000_000_000))
        if let review = document["reviewDate"]?.stringValue.flatMap(CalendarDate.init) { record.reviewDate = review }
        return record
    }

    @Test func anUnchangedOverdueReviewDateDoesNotBlockAnEdit() throws {
        let overdue = Fixtures.patched(Fixtures.relocation, ["reviewDate": "2026-01-01"])
        #expect(throws: ValidationError.self) { try RecordDraft.read(from: overdue, kind: nil, today: Fixtures.today) }
        let draft = try RecordDraft.read(from: overdue, kind: nil, today: Fixtures.today, editing: try stored(["reviewDate": "2026-01-01"]))
        #expect(draft.reviewDate == CalendarDate("2026-01-01"))
    }

    /// A mistyped year of birth makes wrong match keys for years: a date in the future is
    /// refused, and so is an age outside the kind's range unless the writer confirms it.
    @Test func datesOfBirthMustGivePlausibleAges() throws {
        func person(_ dateOfBirth: String) -> JSONValue {
            ["fields": ["youngPerson": ["forenames": "Jayden", "surname": "Okafor", "dateOfBirth": .string(dateOfBirth)]]]
        }
        #expect(
            Fixtures.issues(Fixtures.patched(Fixtures.relocation, person("2031-01-01"))) == [
                #"fields.youngPerson.dateOfBirth: "2031-01-01" is in the future; a date of birth is 2026-11-23 or earlier"#
            ])
        #expect(
            Fixtures.issues(Fixtures.patched(Fixtures.relocation, person("1931-05-02"))) == [
                #"fields.youngPerson.dateOfBirth: "1931-05-02" makes the young person 95 at the move (2026-10-02); the young person is 8 to 25 then as a rule: check the date, or pass --allow-unusual-ages if it is right"#
            ])
        // A year alone is plausible when some day of it is: born in 2018, 7 or 8 at the move.
        #expect(Fixtures.issues(Fixtures.patched(Fixtures.relocation, person("2018"))) == [])
        #expect(
            Fixtures.issues(Fixtures.patched(Fixtures.relocation, person("2019"))) == [
                #"fields.youngPerson.dateOfBirth: "2019" makes the young person 6 to 7 at the move (2026-10-02); the young person is 8 to 25 then as a rule: check the date, or pass --allow-unusual-ages if it is right"#
            ])
        // 25 until the day before the 26th birthday.
        #expect(Fixtures.issues(Fixtures.patched(Fixtures.relocation, person("2000-10-03"))) == [])
        #expect(Fixtures.issues(Fixtures.patched(Fixtures.relocation, person("2000-10-02"))).count == 1)
        // Linked people and perpetrators: 8 to 100 today.
        let linked: JSONValue = ["fields": ["linkedPeople": [["role": "victim", "person": ["surname": "Smith", "dateOfBirth": "1920-01-01"]]]]]
        #expect(
            Fixtures.issues(Fixtures.patched(Fixtures.link, linked)) == [
                #"fields.linkedPeople[0].person.dateOfBirth: "1920-01-01" makes the person 106 today; the person is 8 to 100 then as a rule: check the date, or pass --allow-unusual-ages if it is right"#
            ])

        // Confirmed, an unusual age is accepted and named for the audit; a future one never is.
        let confirmed = try RecordDraft.read(
            from: Fixtures.patched(Fixtures.relocation, person("1931-05-02")), kind: nil, today: Fixtures.today, allowUnusualAges: true)
        #expect(confirmed.acceptedUnusualAges == ["fields.youngPerson.dateOfBirth"])
        #expect(confirmed.auditNote == "unusual age accepted (--allow-unusual-ages): fields.youngPerson.dateOfBirth")
        #expect(throws: ValidationError.self) {
            try RecordDraft.read(
                from: Fixtures.patched(Fixtures.relocation, person("2031-01-01")), kind: nil, today: Fixtures.today, allowUnusualAges: true)
        }
        // An edit that leaves an unusual date of birth as it was is not refused for it.
        let unusual = try stored(person("1931-05-02"))
        let closed = try RecordDraft.read(
            from: unusual.editableJSON.merging(patch: ["status": "closed"]), kind: .relocation, today: Fixtures.today, editing: unusual)
        #expect(closed.status == .closed && closed.acceptedUnusualAges.isEmpty)
    }

    @Test func eventsCannotBeInTheFuture() {
        #expect(
            Fixtures.issues(Fixtures.patched(Fixtures.link, ["fields": ["firstSeen": "2026-12-01"]])) == [
                #"fields.firstSeen: "2026-12-01" is in the future; it records something that has happened, so use 2026-11-23 or earlier"#
            ])
        #expect(
            Fixtures.issues(Fixtures.patched(Fixtures.link, ["fields": ["lastSeen": "2025-01-01"]])) == [
                #"fields.lastSeen: "2025-01-01" is before firstSeen (2026-01-10); lastSeen must be on or after it"#
            ])
    }

    @Test func statusMustSuitTheKind() {
        #expect(
            Fixtures.issues(Fixtures.patched(Fixtures.relocation, ["status": "disrupted"])) == [
                #"status: "disrupted" is not a status of relocation; use one of: active, closed"#
            ])
        #expect(Fixtures.issues(Fixtures.patched(Fixtures.link, ["status": "disrupted"])) == [])
    }

    @Test func victimsAndPerpetratorsKeepExplicitRoles() {
        let noRole: JSONValue = ["fields": ["linkedPeople": [["person": ["surname": "Smith"]]]]]
        #expect(
            Fixtures.issues(Fixtures.patched(Fixtures.link, noRole)) == [
                "fields.linkedPeople[0].role: is required: one of victim, exploiter, associate"
            ])
        let badRole: JSONValue = ["fields": ["linkedPeople": [["role": "suspect", "person": ["surname": "Smith"]]]]]
        #expect(
            Fixtures.issues(Fixtures.patched(Fixtures.link, badRole)) == [
                #"fields.linkedPeople[0].role: "suspect" is not one of: victim, exploiter, associate"#
            ])
    }

    @Test func aPersonNeedsASurnameOrAnAlias() {
        let aliasOnly: JSONValue = ["fields": ["youngPerson": ["surname": .null, "forenames": .null, "dateOfBirth": .null, "aliases": ["Tiny"]]]]
        #expect(Fixtures.issues(Fixtures.patched(Fixtures.relocation, aliasOnly)) == [])
        let nothing: JSONValue = ["fields": ["youngPerson": ["surname": .null]]]
        #expect(
            Fixtures.issues(Fixtures.patched(Fixtures.relocation, nothing)) == [
                "fields.youngPerson.surname: is required unless the person has an alias: give a surname or at least one alias"
            ])
    }

    @Test func generatedRecordsAreValidAndRoundTrip() throws {
        var generator = SyntheticRecords(seed: 2026, owner: AuthorityName("haringey")!, today: Fixtures.today)
        var kinds: Set<RecordKind> = []
        for index in 0..<1500 {
            // Missing episodes are not in the generator's usual mix: every fifth draft is one.
            let draft = generator.nextDraft(kind: index % 5 == 4 ? .missingEpisode : nil)
            kinds.insert(draft.kind)
            let reread = try RecordDraft.read(from: try JSONParser.parse(JSONWriter.canonical(draft.jsonValue)), kind: nil, today: Fixtures.today)
            #expect(reread == draft)
        }
        #expect(kinds == Set(RecordKind.allCases))
    }

    @Test func generatorIsDeterministicPerSeed() {
        func sample(_ seed: UInt64) -> [String] {
            var generator = SyntheticRecords(seed: seed, owner: AuthorityName("camden")!, today: Fixtures.today)
            return (0..<50).map { _ in JSONWriter.canonical(generator.nextDraft().jsonValue) }
        }
        #expect(sample(1) == sample(1))
        #expect(sample(1) != sample(2))
    }

    @Test func generatorUsesSpellingVariants() {
        var generator = SyntheticRecords(seed: 9, owner: AuthorityName("camden")!, today: Fixtures.today)
        let forenames = Set((0..<3000).compactMap { _ in generator.nextPerson(ageRange: 12...17).forenames?.split(separator: " ").first })
        #expect(forenames.isSuperset(of: ["Mohammed", "Muhammad", "Mohammad", "Aaliyah", "Aliyah"]))
    }

    @Test func wholeRecordsRoundTripThroughTheirCanonicalForm() throws {
        var generator = SyntheticRecords(seed: 77, owner: AuthorityName("camden")!, today: Fixtures.today)
        var random = SeededGenerator(seed: 1)
        let time = Timestamp(millisecondsSinceEpoch: 1_795_460_340_000)
        for _ in 0..<200 {
            let record = CaseRecord(
                draft: generator.nextDraft(), id: RecordID.make(at: time, owner: generator.owner, using: &random), node: generator.owner, at: time)
            #expect(try CaseRecord.read(from: JSONParser.parse(JSONWriter.canonical(record.jsonValue))) == record)
            let tombstone = record.erased(by: generator.owner, at: time)
            let reread = try CaseRecord.read(from: JSONParser.parse(JSONWriter.canonical(tombstone.jsonValue)))
            #expect(reread == tombstone)
            #expect(reread.fields == nil)
            #expect(tombstone.version.dominates(record.version))
        }
    }
}
