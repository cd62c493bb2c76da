/// Measures how well match keys find the same person through realistic recording errors,
/// and how rarely they confuse different people. The quality test asserts floors on it, and
/// `vve match-quality` (Tools/match-quality.sh) prints the table over thresholds.
package enum MatchQuality {
    /// The recording errors a positive pair carries, one each.
    package enum Error: String, Sendable, CaseIterable {
        case none
        case typo
        case transposedDayMonth = "transposed-day-month"
        case missingDateOfBirth = "missing-date-of-birth"
        case nickname
        case splitSurname = "split-surname"
        case spellingVariant = "spelling-variant"
        /// Forename and surname recorded the other way round.
        case swappedNames = "swapped-names"
        /// Another forename, with the same surname and full date of birth: an anglicised
        /// name, a middle name used as the first, or a slip.
        case otherForename = "other-forename"
        /// One digit of the year, or the month, one off.
        case mistypedDate = "mistyped-date"
        /// Another surname, with the same uncommon forename and full date of birth.
        case changedSurname = "changed-surname"
        /// Another surname, with the same common forename and full date of birth: declined
        /// by design (`CommonForenames`), and reported apart to show that it is.
        case changedSurnameCommonForename = "changed-surname-common-forename"
        /// A slip in the forename and another in the surname.
        case typosInBoth = "typos-in-both"

        /// Errors the match keys cannot miss by construction: none at all, or a name the
        /// normaliser's own table maps. Reported apart, so they do not flatter the recall.
        package var isByConstruction: Bool { [.none, .nickname, .spellingVariant].contains(self) }

        /// Errors the rules decline to find, on purpose: left out of the recall that counts.
        package var isDeclinedByDesign: Bool { self == .changedSurnameCommonForename }

        /// The kinds a whole-name fuzzy encoding is built to find.
        package static let foundByTheFuzzyEncoding: [Error] = [
            .none, .typo, .transposedDayMonth, .missingDateOfBirth, .nickname, .splitSurname, .spellingVariant,
        ]
    }

    /// How a different person in a pair stands to the one sought.
    package enum Relation: String, Sendable, CaseIterable {
        /// Anyone else.
        case stranger
        /// The same surname and a birth year close by.
        case sibling
        /// The same surname and date of birth, another forename: a fair `possible`, which
        /// the SPOC rules out.
        case twin
        /// The same forename and surname, born on another day: a fair `possible` too.
        case namesake
        /// A common surname and the same birth year.
        case commonSurnameSameYear = "common-surname-same-year"

        /// Whether a `possible` on this person is one a SPOC expects to rule out, not a
        /// fault of the matching.
        package var isFair: Bool { self == .twin || self == .namesake }
    }

    /// Two records of people: the same person (with an error), or two different people.
    package struct Pair: Sendable {
        package var query: Person
        package var candidate: Person
        package var samePerson: Bool
        package var error: Error?
        /// For two different people, how they stand to each other.
        package var relation: Relation? = nil
    }

    /// One row of the table.
    package struct Row: Sendable {
        /// The `close` threshold of the rules the row was measured under.
        package var threshold: Double
        package var precision: Double
        /// Precision with twins and namesakes counted as fair `possible`s.
        package var fairPrecision: Double
        package var recall: Double
        /// Recall over the pairs whose error is neither found by construction nor declined
        /// by design.
        package var recallOfRealErrors: Double
        /// Recall for each kind of error.
        package var recallByError: [Error: Double]
        /// For each band (`MatchReason.band`): how many pairs it reported, and its precision,
        /// strict and with twins and namesakes counted fair.
        package var bands: [Int: Band]
    }

    /// What one band of the table reported.
    package struct Band: Sendable, Hashable {
        package var hits: Int
        package var precision: Double
        package var fairPrecision: Double
    }

    /// A realistic set for the measurement: every kind of error, and different people who
    /// overlap the one sought as real ones do (siblings, twins, namesakes, a common surname
    /// born the same year), with the ages of the record kinds: young people from 8 to 25 and
    /// adults up to 60. Thresholds are chosen on one seed and reported on another.
    package static func realisticPairs(seed: UInt64, positives: Int, negativesPerPositive: Int = 10, today: CalendarDate) -> [Pair] {
        var people = SyntheticRecords(seed: seed, owner: AuthorityName("camden")!, today: today)
        var random = SeededGenerator(seed: seed ^ 0x0BAD_5EED)
        func anyone() -> Person {
            fullyKnown(people.nextPerson(ageRange: Int.random(in: 0..<5, using: &random) == 0 ? 26...60 : 8...25), &random)
        }
        let population = (0..<max(50, positives)).map { _ in anyone() }
        let relations: [Relation] = [.sibling, .sibling, .twin, .namesake, .commonSurnameSameYear]
        var pairs: [Pair] = []
        for index in 0..<positives {
            let sought = positive(population[index % population.count], with: Error.allCases[index % Error.allCases.count], &random)
            let (query, original) = (sought.query, sought.candidate)
            pairs.append(sought)
            for negative in 0..<negativesPerPositive {
                let relation = negative < relations.count ? relations[negative] : .stranger
                var other = anyone()
                switch relation {
                case .stranger:
                    other = population.randomElement(using: &random)!
                case .sibling:
                    other.surname = original.surname
                    if let year = original.dateOfBirth?.year, let date = other.dateOfBirth {
                        other.dateOfBirth = PartialDate(year: year + Int.random(in: -3...3, using: &random), month: date.month, day: date.day)
                    }
                case .twin:
                    other.surname = original.surname
                    other.dateOfBirth = original.dateOfBirth
                case .namesake:
                    other.forenames = original.forenames
                    other.surname = original.surname
                case .commonSurnameSameYear:
                    other.surname = NameBank.surnameVariants[Int.random(in: 0..<5, using: &random)][0]
                    if let year = original.dateOfBirth?.year, let date = other.dateOfBirth {
                        other.dateOfBirth = PartialDate(year: year, month: date.month, day: date.day)
                    }
                }
                let sameForename = NameNormaliser.forename(other.forenames ?? "") == NameNormaliser.forename(original.forenames ?? "")
                let sameSurname = NameNormaliser.surname(other.surname ?? "") == NameNormaliser.surname(original.surname ?? "")
                // Never the same person by accident: a different person differs in a name or the date.
                guard !(sameForename && sameSurname && other.dateOfBirth == original.dateOfBirth) else { continue }
                pairs.append(Pair(query: query, candidate: other, samePerson: false, error: nil, relation: relation))
            }
        }
        return pairs
    }

    /// `positives` pairs of one person recorded twice, each with an error the whole-name
    /// encoding is built to find, and for each of them `negativesPerPositive` pairs of
    /// different people, a fifth of them siblings (same surname, birth years close).
    package static func pairs(seed: UInt64, positives: Int, negativesPerPositive: Int = 10, today: CalendarDate) -> [Pair] {
        var people = SyntheticRecords(seed: seed, owner: AuthorityName("camden")!, today: today)
        var random = SeededGenerator(seed: seed ^ 0x5EED)
        let population = (0..<max(50, positives)).map { _ in fullyKnown(people.nextPerson(ageRange: 12...17), &random) }
        var pairs: [Pair] = []
        let errors = Error.foundByTheFuzzyEncoding
        for index in 0..<positives {
            let sought = positive(population[index % population.count], with: errors[index % errors.count], &random)
            let (query, original) = (sought.query, sought.candidate)
            pairs.append(sought)
            for negative in 0..<negativesPerPositive {
                var other = population.randomElement(using: &random)!
                if negative % 5 == 0 {
                    // A sibling: same surname and a close birth year.
                    other = fullyKnown(people.nextPerson(ageRange: 10...19), &random)
                    other.surname = original.surname
                }
                guard other.forenames != original.forenames || other.dateOfBirth != original.dateOfBirth else { continue }
                pairs.append(Pair(query: query, candidate: other, samePerson: false, error: nil, relation: negative % 5 == 0 ? .sibling : .stranger))
            }
        }
        return pairs
    }

    /// Precision and recall when a pair is reported as a lookup would report it: on an exact
    /// key, or by `rules` with each threshold of `thresholds` as its `close`.
    package static func table(_ pairs: [Pair], encoder: MatchKeyEncoder, rules: MatchRules = .standard, thresholds: [Double]) -> [Row] {
        var cache: [Person: MatchKeys] = [:]
        func keys(_ person: Person) -> MatchKeys {
            if let known = cache[person] { return known }
            let made = encoder.keys(for: person)
            cache[person] = made
            return made
        }
        let mask = encoder.dateFilterMask
        let scored = pairs.map { pair -> (pair: Pair, exact: Bool, direct: PartScores, exchanged: PartScores, traits: MatchTraits) in
            let query = keys(pair.query)
            let candidate = keys(pair.candidate)
            return (
                pair, query.exact != nil && query.exact == candidate.exact, PartScores(query.fuzzy, candidate.fuzzy, dateFilterMask: mask),
                PartScores(query.fuzzy.namesExchanged, candidate.fuzzy, dateFilterMask: mask), MatchTraits(of: pair.candidate)
            )
        }
        return thresholds.map { threshold in
            var rules = rules
            rules.close = threshold
            var truePositives = 0
            var falsePositives = 0
            var fairPositives = 0
            var positives = 0
            var real = (hits: 0, total: 0)
            var found: [Error: (hits: Int, total: Int)] = [:]
            var bands: [Int: (hits: Int, correct: Int, fair: Int)] = [:]
            for entry in scored {
                let pair = entry.pair
                let reason =
                    entry.exact
                    ? MatchReason.sameNameAndDate
                    : rules.judge(direct: entry.direct, exchanged: entry.exchanged, traits: entry.traits, alias: false)?.reason
                let match = reason != nil
                if let reason {
                    bands[reason.band, default: (0, 0, 0)].hits += 1
                    if pair.samePerson { bands[reason.band, default: (0, 0, 0)].correct += 1 }
                    if !pair.samePerson, pair.relation?.isFair == true { bands[reason.band, default: (0, 0, 0)].fair += 1 }
                }
                if pair.samePerson {
                    positives += 1
                    if match { truePositives += 1 }
                    let error = pair.error ?? .none
                    found[error, default: (0, 0)].total += 1
                    if match { found[error, default: (0, 0)].hits += 1 }
                    if !error.isByConstruction && !error.isDeclinedByDesign {
                        real.total += 1
                        if match { real.hits += 1 }
                    }
                } else if match {
                    falsePositives += 1
                    if pair.relation?.isFair == true { fairPositives += 1 }
                }
            }
            func ratio(_ part: Int, _ whole: Int) -> Double { whole == 0 ? 1 : Double(part) / Double(whole) }
            return Row(
                threshold: threshold, precision: ratio(truePositives, truePositives + falsePositives),
                fairPrecision: ratio(truePositives + fairPositives, truePositives + falsePositives), recall: ratio(truePositives, positives),
                recallOfRealErrors: ratio(real.hits, real.total), recallByError: found.mapValues { ratio($0.hits, $0.total) },
                bands: bands.mapValues {
                    Band(hits: $0.hits, precision: ratio($0.correct, $0.hits), fairPrecision: ratio($0.correct + $0.fair, $0.hits))
                })
        }
    }

    /// The pair of a person sought and the same person as recorded with `error`; for a split
    /// surname, the person is first given a second barrel to lose.
    static func positive(_ person: Person, with error: Error, _ random: inout SeededGenerator) -> Pair {
        var original = person
        if error == .splitSurname {
            let second = NameBank.surnameVariants.randomElement(using: &random)![0]
            original.surname = (original.surname ?? "") + "-" + second
        }
        // A changed surname is sought with an uncommon forename, which the rules can find, and
        // apart with a common one, which they decline.
        let wantsCommon = error == .changedSurnameCommonForename
        if error == .changedSurname || wantsCommon {
            while CommonForenames.contains(original.forenames ?? "") != wantsCommon {
                original.forenames = NameBank.forenameVariants.randomElement(using: &random)![0]
            }
        }
        return Pair(query: corrupt(original, with: error, &random), candidate: original, samePerson: true, error: error)
    }

    /// The person with a full date of birth and a surname without a second barrel, so that
    /// each error is applied to a complete record.
    static func fullyKnown(_ person: Person, _ random: inout SeededGenerator) -> Person {
        var person = person
        if person.dateOfBirth?.calendarDate == nil {
            let year = person.dateOfBirth?.year ?? 2010
            person.dateOfBirth = PartialDate(year: year, month: Int.random(in: 1...12, using: &random), day: Int.random(in: 1...28, using: &random))
        }
        if let surname = person.surname, let hyphen = surname.firstIndex(of: "-") {
            person.surname = String(surname[..<hyphen])
        }
        return person
    }

    /// The person as another worker might have recorded them, with one error.
    static func corrupt(_ person: Person, with error: Error, _ random: inout SeededGenerator) -> Person {
        var copy = person
        switch error {
        case .none:
            break
        case .typo:
            if Bool.random(using: &random) {
                copy.forenames = typo(person.forenames ?? "", &random)
            } else {
                copy.surname = typo(person.surname ?? "", &random)
            }
        case .transposedDayMonth:
            if let date = person.dateOfBirth, let month = date.month, let day = date.day, day <= 12, day != month {
                copy.dateOfBirth = PartialDate(year: date.year, month: day, day: month)
            } else if let date = person.dateOfBirth, let month = date.month {
                // Not transposable: the day is recorded one off instead.
                copy.dateOfBirth = PartialDate(year: date.year, month: month, day: max(1, (date.day ?? 2) - 1))
            }
        case .missingDateOfBirth:
            copy.dateOfBirth = nil
        case .nickname:
            let formal = NameNormaliser.forename(person.forenames ?? "")
            if let nickname = NameNormaliser.forenameGroups[formal]?.last {
                copy.forenames = nickname.prefix(1).uppercased() + nickname.dropFirst()
            } else {
                copy.forenames = typo(person.forenames ?? "", &random)
            }
        case .splitSurname:
            if let surname = person.surname, let hyphen = surname.firstIndex(of: "-") {
                copy.surname = String(surname[surname.index(after: hyphen)...])
            }
        case .spellingVariant:
            let first = person.forenames?.split(separator: " ").first.map(String.init) ?? ""
            if let group = NameBank.forenameVariants.first(where: { $0.contains(first) }), group.count > 1 {
                copy.forenames = group.filter { $0 != first }.randomElement(using: &random)!
            } else {
                copy.surname = typo(person.surname ?? "", &random)
            }
        case .swappedNames:
            copy.forenames = person.surname
            copy.surname = person.forenames?.split(separator: " ").first.map(String.init)
        case .otherForename:
            let own = NameNormaliser.forename(person.forenames ?? "")
            var other = person.forenames ?? ""
            while NameNormaliser.forename(other) == own { other = NameBank.forenameVariants.randomElement(using: &random)![0] }
            copy.forenames = other
        case .mistypedDate:
            if let date = person.dateOfBirth, let month = date.month {
                // The month one off, where the day exists in it; else the last digit of the
                // year one off, as a slip on the keypad makes it.
                let day = date.day ?? 1
                let months = [month + 1, month - 1].filter { (1...12).contains($0) && day <= CalendarDate.daysInMonth(year: date.year, month: $0) }
                if Bool.random(using: &random), let other = months.first {
                    copy.dateOfBirth = PartialDate(year: date.year, month: other, day: date.day)
                } else {
                    let year = date.year % 10 == 9 ? date.year - 1 : date.year + 1
                    copy.dateOfBirth = PartialDate(
                        year: year, month: month, day: date.day.map { min($0, CalendarDate.daysInMonth(year: year, month: month)) })
                }
            }
        case .changedSurname, .changedSurnameCommonForename:
            let own = NameNormaliser.surname(person.surname ?? "")
            var other = person.surname ?? ""
            while NameNormaliser.surname(other) == own { other = NameBank.surnameVariants.randomElement(using: &random)![0] }
            copy.surname = other
        case .typosInBoth:
            // A slip can leave a name as it was (a letter swapped with its twin): try again.
            for _ in 0..<20 where copy.forenames == person.forenames { copy.forenames = typo(person.forenames ?? "", &random) }
            for _ in 0..<20 where copy.surname == person.surname { copy.surname = typo(person.surname ?? "", &random) }
        }
        return copy
    }

    /// One keying slip: a letter substituted, dropped, doubled or swapped with its neighbour.
    static func typo(_ name: String, _ random: inout SeededGenerator) -> String {
        var letters = Array(name)
        guard letters.count >= 3 else { return name + "e" }
        let position = Int.random(in: 1..<(letters.count - 1), using: &random)
        switch Int.random(in: 0..<4, using: &random) {
        case 0: letters[position] = Character(String(UnicodeScalar(UInt8.random(in: 97...122, using: &random))))
        case 1: letters.remove(at: position)
        case 2: letters.insert(letters[position], at: position)
        default: letters.swapAt(position, position + 1 < letters.count ? position + 1 : position - 1)
        }
        return String(letters)
    }
}
