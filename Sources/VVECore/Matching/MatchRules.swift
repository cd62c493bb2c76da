/// When a stored name is reported against a lookup's name, and why: a pure decision over the
/// two encodings' part scores, the same at every node of a region.
///
/// The thresholds were chosen on one generated set (`vve match-quality --seed 1`) and are
/// reported on another (`--report-seed 1001`); docs/benchmarks.md shows both.
package struct MatchRules: Sendable, Hashable {
    /// The whole-encoding Dice score from which names and date of birth are `close`, and
    /// from which the names exchanged are `namesInOtherOrder`.
    package var close: Double
    /// The score each name part needs when the full date of birth is the same: a slip in
    /// each name, or half a double-barrelled surname, still passes; another name does not.
    package var namesWithFullDate: Double
    /// The score each name part needs when one side knows only part of the date of birth
    /// (a year, or a year and month) and the other's date agrees with it: about one slip.
    package var namesWithPartialDate: Double
    /// The score each name part needs when the date of birth differs (`dateDiffers`) or is
    /// missing on one side (`noDateOfBirth`): little more than one slip in a short name.
    package var namesWithoutDate: Double
    /// The date-of-birth part's score for `dateDiffers`: a date with one part mistyped, or
    /// day and month transposed, keeps three of its eight tokens or more and scores above
    /// it; a date that merely shares the year scores below.
    package var dateNear: Double
    /// The score from which a name part counts as the same name: for `otherForename` and
    /// `otherSurname`, whose other name differs completely.
    package var sameName: Double

    /// The region's rules.
    package static let standard = MatchRules(
        close: 0.92, namesWithFullDate: 0.76, namesWithPartialDate: 0.85, namesWithoutDate: 0.92, dateNear: 0.66, sameName: 0.98)

    package init(close: Double, namesWithFullDate: Double, namesWithPartialDate: Double, namesWithoutDate: Double, dateNear: Double, sameName: Double)
    {
        self.close = close
        self.namesWithFullDate = namesWithFullDate
        self.namesWithPartialDate = namesWithPartialDate
        self.namesWithoutDate = namesWithoutDate
        self.dateNear = dateNear
        self.sameName = sameName
    }

    /// A hit's reason and score.
    package struct Finding: Sendable, Hashable {
        package var reason: MatchReason
        /// The Dice score of the encodings as compared: with the names exchanged for
        /// `namesInOtherOrder`.
        package var score: Double

        package init(reason: MatchReason, score: Double) {
            self.reason = reason
            self.score = score
        }
    }

    /// Whether a stored name matches a query's, and why.
    ///
    /// - Parameters:
    ///   - direct: the query's parts against the stored name's, with the key's date mask.
    ///   - exchanged: the query, with its names exchanged, against the stored name: asked
    ///     for only when the names do not agree as they are.
    ///   - traits: what the stored record says of its person.
    ///   - alias: whether either side is an alias; an alias counts only when identical.
    package func judge(direct: PartScores, exchanged: @autoclosure () -> PartScores, traits: MatchTraits, alias: Bool) -> Finding? {
        if alias { return direct.whole == 1 ? Finding(reason: .alias, score: 1) : nil }
        let full = traits.contains(.fullDateOfBirth)
        /// The names agree as closely as the date of birth asks: the less of it agrees, the
        /// closer they must be.
        func namesAgree(_ scores: PartScores) -> Bool {
            if scores.whole >= close { return true }
            guard scores.datesAgreeSoFarAsKnown else { return false }
            let floor = full && scores.dateOfBirth == 1 ? namesWithFullDate : namesWithPartialDate
            return scores.forename >= floor && scores.surname >= floor
        }
        func namesClose(_ scores: PartScores) -> Bool { scores.forename >= namesWithoutDate && scores.surname >= namesWithoutDate }
        // Without a date of birth on one side, the names alone decide, and closely.
        if !direct.queryHasDateOfBirth || traits.contains(.noDateOfBirth) {
            if namesClose(direct) { return Finding(reason: .noDateOfBirth, score: direct.whole) }
            let exchanged = exchanged()
            return namesClose(exchanged) ? Finding(reason: .namesInOtherOrder, score: exchanged.whole) : nil
        }
        if namesAgree(direct) { return Finding(reason: .close, score: direct.whole) }
        let exchanged = exchanged()
        if namesAgree(exchanged) { return Finding(reason: .namesInOtherOrder, score: exchanged.whole) }
        // The rules below need the record's full date of birth: with less, a name that
        // differs, or a date that differs, leaves too little that agrees.
        guard full else { return nil }
        if namesClose(direct) && direct.dateOfBirth >= dateNear && !direct.datesAgreeSoFarAsKnown {
            return Finding(reason: .dateDiffers, score: direct.whole)
        }
        guard direct.dateOfBirth == 1 else { return nil }
        if direct.surname >= sameName { return Finding(reason: .otherForename, score: direct.whole) }
        if direct.forename >= sameName && !traits.contains(.commonForename) { return Finding(reason: .otherSurname, score: direct.whole) }
        return nil
    }
}
