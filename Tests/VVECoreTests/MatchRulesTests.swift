import Testing
import VVECore

/// The rules as a pure decision, branch by branch, at and beside each threshold: the
/// quality tests measure them on people; these pin what each part score decides.
@Suite struct MatchRulesTests {
    let rules = MatchRules.standard

    /// Part scores with the date mask's answers set.
    func scores(_ forename: Double, _ surname: Double, _ date: Double, dated: Bool = true, agree: Bool = false) -> PartScores {
        var scores = PartScores(forename: forename, surname: surname, dateOfBirth: date)
        scores.queryHasDateOfBirth = dated
        scores.datesAgreeSoFarAsKnown = agree
        return scores
    }

    func judge(
        _ direct: PartScores, exchanged: PartScores? = nil, traits: MatchTraits = [.fullDateOfBirth], alias: Bool = false
    ) -> MatchReason? {
        rules.judge(direct: direct, exchanged: exchanged ?? scores(0.7, 0.7, direct.dateOfBirth), traits: traits, alias: alias)?.reason
    }

    @Test func closeNamesAndDatesAreCloseAsFarAsTheDateAgrees() {
        // The whole encoding above the threshold (0.92), and just below it (0.919).
        #expect(judge(scores(0.93, 0.93, 0.93)) == .close)
        #expect(judge(scores(0.9, 0.95, 0.9)) == nil)
        // The same full date: each name down to 0.76.
        #expect(judge(scores(0.76, 0.76, 1, agree: true)) == .close)
        #expect(judge(scores(0.75, 0.9, 1, agree: true)) == nil)
        // A year against a full date of that year: each name down to 0.85.
        #expect(judge(scores(0.85, 0.85, 0.7, agree: true)) == .close)
        #expect(judge(scores(0.84, 1, 0.7, agree: true)) == nil)
        // Equal partial dates (the record's date is not full): 0.85 too.
        #expect(judge(scores(0.85, 0.85, 1, agree: true), traits: []) == .close)
        #expect(judge(scores(0.8, 0.8, 1, agree: true), traits: []) == nil)
    }

    @Test func withoutADateOnOneSideTheNamesDecideAlone() {
        #expect(judge(scores(0.92, 0.92, 0.7, dated: false)) == .noDateOfBirth)
        #expect(judge(scores(0.91, 1, 0.7, dated: false)) == nil)
        #expect(judge(scores(0.95, 0.95, 0.7), traits: [.noDateOfBirth]) == .noDateOfBirth)
        // The whole score does not count without a date: 0.93 from the names alone is not close.
        #expect(judge(scores(1, 0.91, 0.9, dated: false)) == nil)
        #expect(judge(scores(0.7, 0.7, 0.7, dated: false), exchanged: scores(0.95, 0.95, 0.7, dated: false)) == .namesInOtherOrder)
    }

    @Test func namesInTheOtherOrderAreJudgedAsTheNamesAsTheyAre() {
        #expect(judge(scores(0.7, 0.7, 1, agree: true), exchanged: scores(1, 1, 1, agree: true)) == .namesInOtherOrder)
        #expect(judge(scores(0.7, 0.7, 1, agree: true), exchanged: scores(0.8, 0.8, 1, agree: true)) == .namesInOtherOrder)
        #expect(judge(scores(0.7, 0.7, 0.8), exchanged: scores(0.9, 0.9, 0.8)) == nil)
        // As they are, when both would do.
        #expect(judge(scores(1, 1, 1, agree: true), exchanged: scores(1, 1, 1, agree: true)) == .close)
    }

    @Test func aDateThatDiffersInOnePartNeedsCloseNamesAndAFullDate() {
        #expect(judge(scores(0.95, 0.95, 0.66)) == .dateDiffers)
        #expect(judge(scores(0.95, 0.95, 0.65)) == nil)
        #expect(judge(scores(0.91, 1, 0.8)) == nil)
        #expect(judge(scores(0.95, 0.95, 0.8), traits: []) == nil)
        // A date that agrees so far as it goes is not one that differs.
        #expect(judge(scores(0.9, 0.9, 0.7, agree: true)) == .close)
    }

    @Test func oneNameDifferingCompletelyNeedsTheSameFullDateAndAnUncommonForename() {
        #expect(judge(scores(0.7, 0.98, 1, agree: true)) == .otherForename)
        #expect(judge(scores(0.7, 0.97, 1, agree: true)) == nil)
        #expect(judge(scores(0.7, 1, 0.99)) == nil)
        #expect(judge(scores(0.7, 1, 1, agree: true), traits: []) == nil)
        #expect(judge(scores(0.98, 0.7, 1, agree: true)) == .otherSurname)
        #expect(judge(scores(1, 0.7, 1, agree: true), traits: [.fullDateOfBirth, .commonForename]) == nil)
        #expect(MatchReason.otherForename.band == 3 && MatchReason.otherSurname.band == 3 && MatchReason.close.band == 2)
    }

    @Test func anAliasCountsOnlyWhenIdentical() {
        #expect(judge(scores(1, 1, 1, agree: true), alias: true) == .alias)
        #expect(judge(scores(1, 0.99, 1, agree: true), alias: true) == nil)
        #expect(judge(scores(0.7, 0.7, 1, agree: true), exchanged: scores(1, 1, 1, agree: true), alias: true) == nil)
    }

    /// The common-forename list is what the rule reads: spellings the normaliser maps
    /// together count as one, and an uncommon name is not on it.
    @Test func commonForenamesAreNormalisedAndUncommonOnesAreNot() {
        #expect(CommonForenames.contains("Mohammed") && CommonForenames.contains("MUHAMMAD") && CommonForenames.contains("Olivia Grace"))
        #expect(CommonForenames.contains("Steven") && CommonForenames.contains("Rhys"))
        #expect(!CommonForenames.contains("Kwame") && !CommonForenames.contains("Chidi") && !CommonForenames.contains(""))
        #expect(
            MatchTraits(of: Person(forenames: "Jack", surname: "Okafor", dateOfBirth: PartialDate("2011-03-04"))) == [
                .fullDateOfBirth, .commonForename,
            ])
        #expect(MatchTraits(of: Person(forenames: "Kwame", surname: "Okafor", dateOfBirth: PartialDate("2011"))) == [])
        #expect(MatchTraits(of: Person(forenames: "Kwame", surname: "Okafor")) == [.noDateOfBirth])
    }
}
