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
        self = query.withUnsafeBufferPointer { query in
            stored.withUnsafeBufferPointer { stored in
                guard let mask = dateFilterMask else { return PartScores(query, stored, dateFilterMask: nil) }
                return mask.withUnsafeBufferPointer { mask in PartScores(query, stored, dateFilterMask: mask) }
            }
        }
    }

    /// The scores over raw words: what a lookup computes for every candidate, so it reads
    /// each word once, without a copy.
    package init(_ query: UnsafeBufferPointer<UInt64>, _ stored: UnsafeBufferPointer<UInt64>, dateFilterMask mask: UnsafeBufferPointer<UInt64>?) {
        typealias Part = FuzzyEncoding.Part
        precondition(query.count == 32 && stored.count == 32)
        var forenameDiffering = 0
        var surnameDiffering = 0
        var dateDiffering = 0
        for index in Part.forename.words { forenameDiffering &+= (query[index] ^ stored[index]).nonzeroBitCount }
        for index in Part.surname.words { surnameDiffering &+= (query[index] ^ stored[index]).nonzeroBitCount }
        var (queryTokens, storedTokens, queryOnly, storedOnly): (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        let dateBase = Part.dateOfBirth.words.lowerBound
        for index in Part.dateOfBirth.words {
            dateDiffering &+= (query[index] ^ stored[index]).nonzeroBitCount
            if let mask {
                let asked = query[index] & mask[index - dateBase]
                let held = stored[index] & mask[index - dateBase]
                queryTokens |= asked
                storedTokens |= held
                queryOnly |= asked & ~held
                storedOnly |= held & ~asked
            }
        }
        self.init(
            forename: 1 - Double(forenameDiffering) / Double(Part.forename.encodedBits),
            surname: 1 - Double(surnameDiffering) / Double(Part.surname.encodedBits),
            dateOfBirth: 1 - Double(dateDiffering) / Double(Part.dateOfBirth.encodedBits))
        guard mask != nil else { return }
        queryHasDateOfBirth = queryTokens != 0
        datesAgreeSoFarAsKnown = queryTokens != 0 && storedTokens != 0 && !(queryOnly != 0 && storedOnly != 0)
    }

    /// The Dice score of the whole encoding: the parts' scores weighted by their sizes.
    package var whole: Double {
        let parts = FuzzyEncoding.Part.self
        return
            (forename * Double(parts.forename.encodedBits) + surname * Double(parts.surname.encodedBits)
            + dateOfBirth * Double(parts.dateOfBirth.encodedBits)) / Double(FuzzyEncoding.encodedBits)
    }
}
