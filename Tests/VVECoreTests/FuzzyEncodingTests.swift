import Testing

@testable import VVECore

/// The fuzzy encoding is built from the set filter bits through the inverse permutations; it
/// must equal the definition: bit `i` of each part is bit `permutation[i]` of the part's
/// filter followed by its complement, the two name parts under one permutation.
@Suite struct FuzzyEncodingTests {
    func permutation(_ encoder: MatchKeyEncoder, _ part: FuzzyEncoding.Part) -> [Int] {
        part == .dateOfBirth ? encoder.datePermutation : encoder.namePermutation
    }

    /// The definition, written out: a pass over every position of every part.
    func byDefinition(_ encoder: MatchKeyEncoder, _ filters: [[UInt64]]) -> [UInt64] {
        var encoded = [UInt64](repeating: 0, count: FuzzyEncoding.encodedBits / 64)
        for part in FuzzyEncoding.Part.allCases {
            for (target, source) in permutation(encoder, part).enumerated() {
                let original = source % part.filterBits
                let bit = filters[part.rawValue][original / 64] >> UInt64(original % 64) & 1 == 1
                let position = part.firstBit + target
                if bit == (source < part.filterBits) { encoded[position / 64] |= 1 << UInt64(position % 64) }
            }
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
            // Rebuild each part's filter from the encoding: the first half of filter-then-complement.
            var filters = FuzzyEncoding.Part.allCases.map { [UInt64](repeating: 0, count: $0.filterBits / 64) }
            for part in FuzzyEncoding.Part.allCases {
                for (target, source) in permutation(encoder, part).enumerated() where source < part.filterBits {
                    let position = part.firstBit + target
                    if encoding.words[position / 64] >> UInt64(position % 64) & 1 == 1 {
                        filters[part.rawValue][source / 64] |= 1 << UInt64(source % 64)
                    }
                }
                #expect(filters[part.rawValue].contains { $0 != 0 }, "\(part)")
            }
            #expect(encoding.words == byDefinition(encoder, filters))
            #expect(filters == encoder.filters(forename: forename, surname: surname, dateOfBirth: date, table: nil))
        }
    }

    /// Names recorded the other way round give the encoding with its name parts exchanged:
    /// the property that lets an answering node find them without more variants.
    @Test func exchangingTheNamePartsIsTheEncodingOfTheNamesExchanged() {
        let encoder = MatchKeyEncoder(key: LinkageKey(hex: String(repeating: "5a", count: 32))!)
        let date = PartialDate(year: 2011, month: 3, day: 4)
        let chidi = encoder.fuzzy(forename: "chidi", surname: "okafor", dateOfBirth: date)
        let exchanged = encoder.fuzzy(forename: "okafor", surname: "chidi", dateOfBirth: date)
        #expect(chidi.namesExchanged == exchanged)
        #expect(chidi != exchanged)
        #expect(PartScores(chidi.namesExchanged, exchanged).whole == 1)
    }

    /// With the key's date mask, dates are compared token by token: a year agrees with a full
    /// date of that year so far as it goes, and a query without a date is known as one.
    @Test func theDateMaskTellsWhatADateHasAndWhetherItAgreesSoFarAsKnown() {
        let encoder = MatchKeyEncoder(key: LinkageKey(hex: String(repeating: "5a", count: 32))!)
        func scores(_ query: PartialDate?, _ stored: PartialDate?) -> PartScores {
            PartScores(
                encoder.fuzzy(forename: "chidi", surname: "okafor", dateOfBirth: query),
                encoder.fuzzy(forename: "chidi", surname: "okafor", dateOfBirth: stored), dateFilterMask: encoder.dateFilterMask)
        }
        let full = PartialDate(year: 2011, month: 3, day: 4)
        #expect(scores(full, full).queryHasDateOfBirth && scores(full, full).datesAgreeSoFarAsKnown)
        #expect(scores(PartialDate(year: 2011), full).datesAgreeSoFarAsKnown)
        #expect(scores(full, PartialDate(year: 2011, month: 3)).datesAgreeSoFarAsKnown)
        #expect(!scores(PartialDate(year: 2012), full).datesAgreeSoFarAsKnown)
        #expect(!scores(PartialDate(year: 2011, month: 4, day: 3), full).datesAgreeSoFarAsKnown)
        #expect(!scores(nil, full).queryHasDateOfBirth && !scores(nil, full).datesAgreeSoFarAsKnown)
        #expect(scores(full, nil).queryHasDateOfBirth && !scores(full, nil).datesAgreeSoFarAsKnown)
        // Without the mask nothing is known of the dates beyond their scores.
        let bare = PartScores(
            encoder.fuzzy(forename: "chidi", surname: "okafor", dateOfBirth: nil),
            encoder.fuzzy(forename: "chidi", surname: "okafor", dateOfBirth: full))
        #expect(bare.queryHasDateOfBirth && !bare.datesAgreeSoFarAsKnown)
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
