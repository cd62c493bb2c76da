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
    }

    /// Two records of people: the same person (with an error), or two different people.
    package struct Pair: Sendable {
        package var query: Person
        package var candidate: Person
        package var samePerson: Bool
        package var error: Error?
    }

    /// One row of the table.
    package struct Row: Sendable {
        package var threshold: Double
        package var precision: Double
        package var recall: Double
        /// Recall for each kind of error.
        package var recallByError: [Error: Double]
    }

    /// `positives` pairs of one person recorded twice, each with an error, and for each of
    /// them `negativesPerPositive` pairs of different people, a fifth of them siblings (same
    /// surname, birth years close).
    package static func pairs(seed: UInt64, positives: Int, negativesPerPositive: Int = 10, today: CalendarDate) -> [Pair] {
        var people = SyntheticRecords(seed: seed, owner: AuthorityName("camden")!, today: today)
        var random = SeededGenerator(seed: seed ^ 0x5EED)
        let population = (0..<max(50, positives)).map { _ in fullyKnown(people.nextPerson(ageRange: 12...17), &random) }
        var pairs: [Pair] = []
        let errors = Error.allCases
        for index in 0..<positives {
            var original = population[index % population.count]
            let error = errors[index % errors.count]
            if error == .splitSurname {
                let second = NameBank.surnameVariants.randomElement(using: &random)![0]
                original.surname = (original.surname ?? "") + "-" + second
            }
            let query = corrupt(original, with: error, &random)
            pairs.append(Pair(query: query, candidate: original, samePerson: true, error: error))
            for negative in 0..<negativesPerPositive {
                var other = population.randomElement(using: &random)!
                if negative % 5 == 0 {
                    // A sibling: same surname and a close birth year.
                    other = fullyKnown(people.nextPerson(ageRange: 10...19), &random)
                    other.surname = original.surname
                }
                guard other.forenames != original.forenames || other.dateOfBirth != original.dateOfBirth else { continue }
                pairs.append(Pair(query: query, candidate: other, samePerson: false, error: nil))
            }
        }
        return pairs
    }

    /// Precision and recall when a pair is called a match on an exact key or a Dice score of
    /// at least `threshold`.
    package static func table(_ pairs: [Pair], encoder: MatchKeyEncoder, thresholds: [Double]) -> [Row] {
        var cache: [Person: MatchKeys] = [:]
        func keys(_ person: Person) -> MatchKeys {
            if let known = cache[person] { return known }
            let made = encoder.keys(for: person)
            cache[person] = made
            return made
        }
        let scored = pairs.map { pair -> (Pair, Bool, Double) in
            let query = keys(pair.query)
            let candidate = keys(pair.candidate)
            let exact = query.exact != nil && query.exact == candidate.exact
            return (pair, exact, query.fuzzy.dice(candidate.fuzzy))
        }
        return thresholds.map { threshold in
            var truePositives = 0
            var falsePositives = 0
            var positives = 0
            var found: [Error: (hits: Int, total: Int)] = [:]
            for (pair, exact, score) in scored {
                let match = exact || score >= threshold
                if pair.samePerson {
                    positives += 1
                    if match { truePositives += 1 }
                    let error = pair.error ?? .none
                    found[error, default: (0, 0)].total += 1
                    if match { found[error, default: (0, 0)].hits += 1 }
                } else if match {
                    falsePositives += 1
                }
            }
            let precision = truePositives + falsePositives == 0 ? 1 : Double(truePositives) / Double(truePositives + falsePositives)
            let recall = positives == 0 ? 1 : Double(truePositives) / Double(positives)
            return Row(
                threshold: threshold, precision: precision, recall: recall,
                recallByError: found.mapValues { Double($0.hits) / Double(max(1, $0.total)) })
        }
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
