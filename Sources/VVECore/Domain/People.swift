/// A person as case files know them: names that vary in spelling, a date of birth that may be
/// partial or unknown, and aliases (street names, other spellings).
package struct Person: Sendable, Hashable, JSONFieldValue {
    /// Given names, space separated, if known.
    package var forenames: String?
    /// Family name, if known. A person needs a surname or at least one alias.
    package var surname: String?
    /// Date of birth; nil when unknown.
    package var dateOfBirth: PartialDate?
    /// Other names the person is known by.
    package var aliases: [String]

    package init(forenames: String?, surname: String?, dateOfBirth: PartialDate? = nil, aliases: [String] = []) {
        self.forenames = forenames
        self.surname = surname
        self.dateOfBirth = dateOfBirth
        self.aliases = aliases
    }

    /// The most aliases one person may carry.
    package static let maximumAliases = 20

    package static func read(from value: JSONValue, at path: FieldPath, issues: inout IssueCollector) -> Person? {
        guard var reader = ObjectReader(value, at: path, issues: &issues) else { return nil }
        let before = issues.issues.count
        let forenames = reader.optionalText("forenames", limit: TextLimit.name, issues: &issues)
        let surname = reader.optionalText("surname", limit: TextLimit.name, issues: &issues)
        let dateOfBirth = reader.optional("dateOfBirth", as: PartialDate.self, issues: &issues)
        let aliases = reader.textList("aliases", limit: TextLimit.name, maximum: maximumAliases, issues: &issues)
        reader.finish(issues: &issues)
        if surname == nil, aliases.isEmpty, issues.issues.count == before {
            issues.add(path.appending("surname"), nil, "is required unless the person has an alias: give a surname or at least one alias")
        }
        guard issues.issues.count == before else { return nil }
        return Person(forenames: forenames, surname: surname, dateOfBirth: dateOfBirth, aliases: aliases)
    }

    package var jsonValue: JSONValue {
        .compactObject([
            ("forenames", forenames.map(JSONValue.string)),
            ("surname", surname.map(JSONValue.string)),
            ("dateOfBirth", dateOfBirth?.jsonValue),
            ("aliases", .array(aliases.map(JSONValue.string))),
        ])
    }

    /// "Forenames Surname", or the first alias when there is no name.
    package var displayName: String {
        let name = [forenames, surname].compactMap { $0 }.joined(separator: " ")
        return name.isEmpty ? "'\(aliases.first ?? "?")'" : name
    }
}

/// Someone to call: a single point of contact (SPOC), a worker or a police contact.
package struct Contact: Sendable, Hashable, JSONFieldValue {
    package var name: String
    package var organisation: String?
    package var role: String?
    package var phone: PhoneNumber?
    package var email: EmailAddress?

    package init(name: String, organisation: String? = nil, role: String? = nil, phone: PhoneNumber? = nil, email: EmailAddress? = nil) {
        self.name = name
        self.organisation = organisation
        self.role = role
        self.phone = phone
        self.email = email
    }

    package static func read(from value: JSONValue, at path: FieldPath, issues: inout IssueCollector) -> Contact? {
        guard var reader = ObjectReader(value, at: path, issues: &issues) else { return nil }
        let before = issues.issues.count
        let name = reader.requiredText("name", limit: TextLimit.name, hint: "the contact's full name", issues: &issues)
        let organisation = reader.optionalText("organisation", limit: TextLimit.label, issues: &issues)
        let role = reader.optionalText("role", limit: TextLimit.label, issues: &issues)
        let phone = reader.optional("phone", as: PhoneNumber.self, issues: &issues)
        let email = reader.optional("email", as: EmailAddress.self, issues: &issues)
        reader.finish(issues: &issues)
        if phone == nil, email == nil, issues.issues.count == before {
            issues.add(path.appending("phone"), nil, "is required unless an email is given: a contact must be reachable")
        }
        guard let name, issues.issues.count == before else { return nil }
        return Contact(name: name, organisation: organisation, role: role, phone: phone, email: email)
    }

    package var jsonValue: JSONValue {
        .compactObject([
            ("name", .string(name)),
            ("organisation", organisation.map(JSONValue.string)),
            ("role", role.map(JSONValue.string)),
            ("phone", phone?.jsonValue),
            ("email", email?.jsonValue),
        ])
    }
}

/// A person linked to a county lines link, with their role kept explicit.
package struct LinkedPerson: Sendable, Hashable, JSONFieldValue {
    package var role: LinkedPersonRole
    package var person: Person

    package init(role: LinkedPersonRole, person: Person) {
        self.role = role
        self.person = person
    }

    package static func read(from value: JSONValue, at path: FieldPath, issues: inout IssueCollector) -> LinkedPerson? {
        guard var reader = ObjectReader(value, at: path, issues: &issues) else { return nil }
        let role = reader.required("role", as: LinkedPersonRole.self, hint: "one of \(LinkedPersonRole.allowedValues)", issues: &issues)
        let person = reader.required("person", as: Person.self, hint: "the person's names and date of birth", issues: &issues)
        reader.finish(issues: &issues)
        guard let role, let person else { return nil }
        return LinkedPerson(role: role, person: person)
    }

    package var jsonValue: JSONValue { ["role": role.jsonValue, "person": person.jsonValue] }
}

/// An address taken over by a line (cuckooing).
package struct CuckooedAddress: Sendable, Hashable, JSONFieldValue {
    package var address: String
    package var postcode: Postcode?

    package init(address: String, postcode: Postcode?) {
        self.address = address
        self.postcode = postcode
    }

    package static func read(from value: JSONValue, at path: FieldPath, issues: inout IssueCollector) -> CuckooedAddress? {
        guard var reader = ObjectReader(value, at: path, issues: &issues) else { return nil }
        let address = reader.requiredText("address", limit: TextLimit.label, hint: "the street address", issues: &issues)
        let postcode = reader.optional("postcode", as: Postcode.self, issues: &issues)
        reader.finish(issues: &issues)
        guard let address else { return nil }
        return CuckooedAddress(address: address, postcode: postcode)
    }

    package var jsonValue: JSONValue {
        .compactObject([("address", .string(address)), ("postcode", postcode?.jsonValue)])
    }
}

/// One disruption against a perpetrator, with the date it happened.
package struct Disruption: Sendable, Hashable, JSONFieldValue {
    package var type: DisruptionType
    package var date: CalendarDate
    package var note: String?

    package init(type: DisruptionType, date: CalendarDate, note: String? = nil) {
        self.type = type
        self.date = date
        self.note = note
    }

    package static func read(from value: JSONValue, at path: FieldPath, issues: inout IssueCollector) -> Disruption? {
        guard var reader = ObjectReader(value, at: path, issues: &issues) else { return nil }
        let type = reader.required("type", as: DisruptionType.self, hint: "one of \(DisruptionType.allowedValues)", issues: &issues)
        let date = reader.required("date", as: CalendarDate.self, hint: "the date as YYYY-MM-DD", issues: &issues)
        let note = reader.optionalText("note", limit: TextLimit.label, issues: &issues)
        reader.finish(issues: &issues)
        guard let type, let date else { return nil }
        return Disruption(type: type, date: date, note: note)
    }

    package var jsonValue: JSONValue {
        .compactObject([("type", type.jsonValue), ("date", date.jsonValue), ("note", note.map(JSONValue.string))])
    }
}

/// The 3x5x2 intelligence grading: source evaluation (1-3), information assessment (A-E) and
/// handling code (P: lawful sharing permitted, C: conditions apply). Written as `2BP`.
package struct IntelligenceGrading: Sendable, Hashable, JSONStringValue {
    package let source: Int
    package let information: Character
    package let handling: Character

    /// Parses `2BP`, also accepting separators and lowercase (`2-b-p`, `2/B/P`).
    package init?(_ text: String) {
        let letters = Array(text.uppercased().filter { !" -/".contains($0) })
        guard letters.count == 3, let source = letters[0].wholeNumberValue, (1...3).contains(source),
            "ABCDE".contains(letters[1]), "PC".contains(letters[2])
        else { return nil }
        self.source = source
        self.information = letters[1]
        self.handling = letters[2]
    }

    package static let expectedForm = "a 3x5x2 grading such as 2BP"
    package static let formRule = "is not a 3x5x2 grading; write source 1-3, information A-E and handling P or C, as in 2BP"
    package var description: String { "\(source)\(information)\(handling)" }
}

/// The receiving authority's acknowledgement of a relocation briefing.
package struct Acknowledgement: Sendable, Hashable, JSONFieldValue {
    /// Who acknowledged.
    package var by: String
    package var date: CalendarDate

    package init(by: String, date: CalendarDate) {
        self.by = by
        self.date = date
    }

    package static func read(from value: JSONValue, at path: FieldPath, issues: inout IssueCollector) -> Acknowledgement? {
        guard var reader = ObjectReader(value, at: path, issues: &issues) else { return nil }
        let by = reader.requiredText("by", limit: TextLimit.name, hint: "the name of whoever acknowledged", issues: &issues)
        let date = reader.required("date", as: CalendarDate.self, hint: "the date as YYYY-MM-DD", issues: &issues)
        reader.finish(issues: &issues)
        guard let by, let date else { return nil }
        return Acknowledgement(by: by, date: date)
    }

    package var jsonValue: JSONValue { ["by": .string(by), "date": date.jsonValue] }
}

/// A dated follow-up note on a relocation, written by the receiving side.
package struct FollowUp: Sendable, Hashable, JSONFieldValue {
    package var date: CalendarDate
    package var note: String

    package init(date: CalendarDate, note: String) {
        self.date = date
        self.note = note
    }

    package static func read(from value: JSONValue, at path: FieldPath, issues: inout IssueCollector) -> FollowUp? {
        guard var reader = ObjectReader(value, at: path, issues: &issues) else { return nil }
        let date = reader.required("date", as: CalendarDate.self, hint: "the date as YYYY-MM-DD", issues: &issues)
        let note = reader.requiredText("note", limit: TextLimit.note, hint: "what was done", issues: &issues)
        reader.finish(issues: &issues)
        guard let date, let note else { return nil }
        return FollowUp(date: date, note: note)
    }

    package var jsonValue: JSONValue { ["date": date.jsonValue, "note": .string(note)] }
}
