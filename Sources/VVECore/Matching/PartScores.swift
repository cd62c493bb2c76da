/// How far two fuzzy encodings agree, part by part: each the share of the part's positions
/// that agree, which on balanced parts is the part's Dice score; and, for the holder of the
/// key, how their dates of birth stand to each other.
package struct PartScores: Sendable, Hashable {
    package var forename: Double
    package var surname: Double
    package var dateOfBirth: Double
    /// Whether the query holds any part of a date of birth. Known only with the key's
    /// `dateFilterMask`; assumed otherwise.
    package var queryHasDateOfBirth = true
    /// Whether both dates are known and one has every token of the other: the same date,
    /// or a year (or year and month) that the other, fuller date agrees with. Known only
    /// with the key's `dateFilterMask`.
    package var datesAgreeSoFarAsKnown = false

    package init(forename: Double, surname: Double, dateOfBirth: Double) {
        self.forename = forename
        self.surname = surname
        self.dateOfBirth = dateOfBirth
    }

    /// The scores of `query` against `stored`, part by part.
    package init(_ query: FuzzyEncoding, _ stored: FuzzyEncoding, dateFilterMask: [UInt64]? = nil) {
        self.init(query.words, stored.words[...], dateFilterMask: dateFilterMask)
    }

    /// The scores of `query` against the 32 words of a stored encoding, wherever they are
    /// kept: the match index keeps every encoding in one array.
    package init(_ query: [UInt64], _ stored: ArraySlice<UInt64>, dateFilterMask: [UInt64]?) {
        let base = stored.startIndex
        func agreement(_ part: FuzzyEncoding.Part) -> Double {
            var differing = 0
            for index in part.words { differing += (query[index] ^ stored[base + index]).nonzeroBitCount }
            return 1 - Double(differing) / Double(part.encodedBits)
        }
        self.init(forename: agreement(.forename), surname: agreement(.surname), dateOfBirth: agreement(.dateOfBirth))
        guard let mask = dateFilterMask else { return }
        var (queryTokens, storedTokens, queryOnly, storedOnly) = (false, false, false, false)
        for (offset, index) in FuzzyEncoding.Part.dateOfBirth.words.enumerated() {
            let asked = query[index] & mask[offset]
            let held = stored[base + index] & mask[offset]
            queryTokens = queryTokens || asked != 0
            storedTokens = storedTokens || held != 0
            queryOnly = queryOnly || asked & ~held != 0
            storedOnly = storedOnly || held & ~asked != 0
        }
        queryHasDateOfBirth = queryTokens
        datesAgreeSoFarAsKnown = queryTokens && storedTokens && !(queryOnly && storedOnly)
    }

    /// The Dice score of the whole encoding: the parts' scores weighted by their sizes.
    package var whole: Double {
        let parts = FuzzyEncoding.Part.self
        return
            (forename * Double(parts.forename.encodedBits) + surname * Double(parts.surname.encodedBits)
            + dateOfBirth * Double(parts.dateOfBirth.encodedBits)) / Double(FuzzyEncoding.encodedBits)
    }
}
