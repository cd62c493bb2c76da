import Testing

@testable import VVECore

/// The fuzzy encoding is built from the set filter bits through the inverse permutation; it
/// must equal the definition: bit `i` of the encoding is bit `permutation[i]` of the filter
/// followed by its complement.
@Suite struct FuzzyEncodingTests {
    /// The definition, written out: a pass over all 2048 positions.
    func byDefinition(_ encoder: MatchKeyEncoder, _ filter: [UInt64]) -> [UInt64] {
        var encoded = [UInt64](repeating: 0, count: FuzzyEncoding.encodedBits / 64)
        for (target, source) in encoder.permutation.enumerated() {
            let original = source % FuzzyEncoding.filterBits
            let bit = filter[original / 64] >> UInt64(original % 64) & 1 == 1
            if bit == (source < FuzzyEncoding.filterBits) { encoded[target / 64] |= 1 << UInt64(target % 64) }
        }
        return encoded
    }

    @Test func theFastEncodingEqualsTheDefinition() throws {
        let encoder = MatchKeyEncoder(key: LinkageKey(hex: String(repeating: "5a", count: 32))!)
        var generator = SeededGenerator(seed: 11)
        for _ in 0..<200 {
            let names = ["ade", "tia", "okonjo", "smyth", "o", "muhammad", "kowalski"]
            let forename = names[Int(generator.next() % UInt64(names.count))]
            let surname = names[Int(generator.next() % UInt64(names.count))]
            let date = PartialDate(
                year: 2005 + Int(generator.next() % 10), month: 1 + Int(generator.next() % 12), day: 1 + Int(generator.next() % 28))
            let encoding = encoder.fuzzy(forename: forename, surname: surname, dateOfBirth: date)
            // Rebuild the filter the encoding came from: the first half of filter-then-complement.
            var filter = [UInt64](repeating: 0, count: FuzzyEncoding.filterBits / 64)
            for (target, source) in encoder.permutation.enumerated() where source < FuzzyEncoding.filterBits {
                if encoding.words[target / 64] >> UInt64(target % 64) & 1 == 1 { filter[source / 64] |= 1 << UInt64(source % 64) }
            }
            #expect(filter.contains { $0 != 0 })
            #expect(encoding.words == byDefinition(encoder, filter))
        }
    }

    /// Tokens' positions come from a table computed once per key; every encoding must be the
    /// one the HMACs give, for names in and outside a-z, and years in and outside the table.
    @Test func theTokenTableGivesTheSameEncodingsAsTheHMACs() {
        let encoder = MatchKeyEncoder(key: LinkageKey(hex: String(repeating: "3c", count: 32))!)
        var people = SyntheticRecords(seed: 5, owner: AuthorityName("camden")!, today: CalendarDate(year: 2026, month: 11, day: 26)!)
        var cases: [(String, String, PartialDate?)] = (0..<2000).map { _ in
            let person = people.nextPerson(ageRange: 0...90)
            return (NameNormaliser.forename(person.forenames ?? ""), NameNormaliser.surname(person.surname ?? ""), person.dateOfBirth)
        }
        cases += [
            ("", "", nil), ("a", "", PartialDate(year: 1900)), ("zoe", "lee", PartialDate(year: 2100, month: 12, day: 31)),
            ("tia", "okonjo", PartialDate(year: 2101, month: 2, day: 3)), ("tia", "okonjo", PartialDate(year: 2999, month: 12)),
            ("محمد", "okonjo", PartialDate(year: 2011, month: 7, day: 4)), ("tia", "łukasiewicz", PartialDate(year: 2011, month: 4, day: 7)),
        ]
        for (forename, surname, date) in cases {
            #expect(
                encoder.fuzzy(forename: forename, surname: surname, dateOfBirth: date)
                    == encoder.fuzzyUncached(forename: forename, surname: surname, dateOfBirth: date), "\(forename) \(surname) \(date as Any)")
        }
    }
}
