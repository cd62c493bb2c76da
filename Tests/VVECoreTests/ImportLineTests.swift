import Testing
import VVECore

/// What an import line says, and how an import tells a line met again from a changed one.
@Suite struct ImportLineTests {
    let today = CalendarDate(year: 2026, month: 11, day: 25)!

    /// A relocation line as a case system's export would give it.
    func line(source: JSONValue? = ["system": "mosaic", "id": "C-104233"], riskLevel: String = "high") -> JSONObject {
        var generator = SyntheticRecords(seed: 4, owner: AuthorityName("camden")!, today: today)
        var members = generator.nextDraft(kind: .relocation).jsonValue.objectValue ?? JSONObject()
        var fields = members["fields"]?.objectValue ?? JSONObject()
        fields["riskLevel"] = .string(riskLevel)
        members["fields"] = .object(fields)
        members["source"] = source
        return members
    }

    func problems(_ value: JSONValue) -> [String] {
        do {
            _ = try ImportLine.read(value)
            return []
        } catch {
            return error.issues.map(\.description)
        }
    }

    @Test func aSourceNamesItsSystemAndIdOrTheLineIsRefused() throws {
        let read = try ImportLine.read(.object(line()))
        #expect(read.source?.system == "mosaic" && read.source?.id == "C-104233")
        #expect(read.kind == .relocation)
        #expect(read.patch["kind"] == Optional<JSONValue>.none && read.patch["source"] == Optional<JSONValue>.none)
        #expect(read.patch["fields"] != nil)
        #expect(
            problems(.object(line(source: ["system": "Mosaic", "id": "C 1"]))) == [
                #"source.system: "Mosaic" must be 1-32 lowercase letters, digits and hyphens, starting with a letter, such as "mosaic""#,
                #"source.id: "C 1" must be 1-64 letters, digits and . _ / : # -, such as "C-104233""#,
            ])
        #expect(
            problems(.object(line(source: ["system": "mosaic", "ref": "1"]))) == [
                #"source.ref: is not a known field here; known fields are: id, system"#,
                "source.id: is required: the record's id in that system",
            ])
        #expect(problems(.object(line(source: .string("mosaic:1")))) == [#"source: "mosaic:1" is a string; expected an object"#])
        #expect(problems(.array([])) == ["(document): [] is an array; expected an object: one record per line"])
        #expect(SourceReference(system: "eclipse", id: String(repeating: "9", count: 65)) == nil)
        #expect(SourceReference(system: "liquid-logic2", id: "CHI/2024/00123#a:b_c.d") != nil)
    }

    /// Reading checks the line's shape and source; its fields are checked as a new record by
    /// `draft(today:)`, or against the record its source names, which an import does (a line
    /// may update a record whose review date has passed, which no new record may have).
    @Test func theFieldsAreCheckedAsANewRecordOnlyWhenOneIsMade() throws {
        var pastReview = line()
        pastReview["reviewDate"] = "2026-01-01"
        let read = try ImportLine.read(.object(pastReview))
        #expect(throws: ValidationError.self) { try read.draft(today: today) }
        do {
            _ = try read.draft(today: today)
        } catch {
            #expect(error.issues.map(\.path.text) == ["reviewDate"])
        }
        #expect(try ImportLine.read(.object(line())).draft(today: today).kind == .relocation)
    }

    /// The digest is the line's content: the same whatever the member order or the source's
    /// spelling as JSON, different when a value changes.
    @Test func theDigestFollowsTheContentAlone() throws {
        let digest = { (members: JSONObject) in try ImportLine.read(.object(members)).digest }
        let base = try digest(line())
        #expect(try digest(JSONObject(line().reversed())) == base)
        #expect(try digest(line(source: ["system": "mosaic", "id": "C-999"])) == base)
        #expect(try digest(line(riskLevel: "low")) != base)
        #expect(base.count == 32)
    }
}
