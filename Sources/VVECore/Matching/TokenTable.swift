/// Every common token's filter positions under one key: name bigrams over a-z and `_`, and
/// the date-of-birth tokens for the years 1900-2100 but the year with the day-month pair.
/// Anything else (a name with another letter, a later year) falls back to the HMAC.
struct TokenTable: Sendable {
    private let key: LinkageKey
    /// 27 × 27 bigrams, `bitsPerBigram` positions each, the same for both names.
    private let bigrams: [UInt16]
    /// Every date token in `dateTokenIndex` order, `bitsPerDatePart` positions each.
    private let dates: [UInt16]

    private static let letters = 27
    private static let firstYear = 1900
    private static let years = 201

    /// Where each kind of date token starts in `dates`, in tokens.
    private static let monthBase = years
    private static let dayBase = monthBase + 12
    private static let pairBase = dayBase + 31
    private static let yearMonthBase = pairBase + 12 * 31
    private static let yearDayBase = yearMonthBase + years * 12
    private static let monthDayBase = yearDayBase + years * 31
    private static let dateTokenCount = monthDayBase + 12 * 31

    init(key: LinkageKey) {
        self.key = key
        let nameBits = FuzzyEncoding.Part.forename.filterBits
        var bigrams: [UInt16] = []
        bigrams.reserveCapacity(Self.letters * Self.letters * MatchKeyEncoder.bitsPerBigram)
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz_")
        for first in alphabet {
            for second in alphabet {
                bigrams += MatchKeyEncoder.positions(
                    of: "n" + String(first) + String(second), count: MatchKeyEncoder.bitsPerBigram, bits: nameBits, key: key)
            }
        }
        self.bigrams = bigrams
        var tokens = [String](repeating: "", count: Self.dateTokenCount)
        for year in 0..<Self.years {
            tokens[year] = Self.yearToken(Self.firstYear + year)
            for month in 1...12 { tokens[Self.yearMonthBase + year * 12 + month - 1] = Self.yearMonthToken(Self.firstYear + year, month) }
            for day in 1...31 { tokens[Self.yearDayBase + year * 31 + day - 1] = Self.yearDayToken(Self.firstYear + year, day) }
        }
        for month in 1...12 {
            tokens[Self.monthBase + month - 1] = Self.monthToken(month)
            for day in 1...31 {
                tokens[Self.pairBase + (month - 1) * 31 + day - 1] = Self.pairToken(month, day)
                tokens[Self.monthDayBase + (month - 1) * 31 + day - 1] = Self.monthDayToken(month, day)
            }
        }
        for day in 1...31 { tokens[Self.dayBase + day - 1] = Self.dayToken(day) }
        let dateBits = FuzzyEncoding.Part.dateOfBirth.filterBits
        dates = tokens.flatMap { MatchKeyEncoder.positions(of: $0, count: MatchKeyEncoder.bitsPerDatePart, bits: dateBits, key: key) }
    }

    /// The bigram indexes of a normalised name, or nil when it has a letter outside a-z.
    static func bigramIndexes(_ name: String) -> [Int]? {
        var codes = [letters - 1]
        for byte in name.utf8 {
            guard (0x61...0x7A).contains(byte) else { return nil }
            codes.append(Int(byte - 0x61))
        }
        codes.append(letters - 1)
        return (0..<(codes.count - 1)).map { codes[$0] * letters + codes[$0 + 1] }
    }

    func bigram(_ index: Int) -> ArraySlice<UInt16> {
        let width = MatchKeyEncoder.bitsPerBigram
        return bigrams[(index * width)..<(index * width + width)]
    }

    private static func yearToken(_ year: Int) -> String { "y\(year)" }
    private static func monthToken(_ month: Int) -> String { "m\(month)" }
    private static func dayToken(_ day: Int) -> String { "d\(day)" }
    private static func yearMonthToken(_ year: Int, _ month: Int) -> String { "ym\(year)-\(month)" }
    private static func yearDayToken(_ year: Int, _ day: Int) -> String { "yd\(year)-\(day)" }
    private static func monthDayToken(_ month: Int, _ day: Int) -> String { "md\(month)-\(day)" }
    /// Day and month as an unordered pair, the smaller first.
    private static func pairToken(_ low: Int, _ high: Int) -> String { "p\(low)-\(high)" }
    private static func yearPairToken(_ year: Int, _ low: Int, _ high: Int) -> String { "yp\(year)-\(low)-\(high)" }

    /// The tokens of a date of birth: its year, month and day, each pair of them, and day
    /// and month as an unordered pair, alone and with the year, so a transposed 04/07 still
    /// shares those. A date with one part mistyped keeps the tokens without that part, which
    /// a date that merely shares a year or a month does not.
    static func dateTokens(_ date: PartialDate) -> [String] {
        var tokens = [yearToken(date.year)]
        if let month = date.month {
            tokens += [monthToken(month), yearMonthToken(date.year, month)]
        }
        if let day = date.day {
            tokens += [dayToken(day), yearDayToken(date.year, day)]
        }
        if let month = date.month, let day = date.day {
            tokens += [
                pairToken(min(month, day), max(month, day)), monthDayToken(month, day), yearPairToken(date.year, min(month, day), max(month, day)),
            ]
        }
        return tokens
    }

    /// The positions of each token of a date of birth, in `dateTokens` order.
    func dateParts(_ date: PartialDate) -> [ArraySlice<UInt16>] {
        let width = MatchKeyEncoder.bitsPerDatePart
        func slot(_ index: Int) -> ArraySlice<UInt16> { dates[(index * width)..<(index * width + width)] }
        let yearIndex = date.year - Self.firstYear
        guard (0..<Self.years).contains(yearIndex) else {
            let bits = FuzzyEncoding.Part.dateOfBirth.filterBits
            return Self.dateTokens(date).map { ArraySlice(MatchKeyEncoder.positions(of: $0, count: width, bits: bits, key: key)) }
        }
        var parts = [slot(yearIndex)]
        if let month = date.month {
            parts += [slot(Self.monthBase + month - 1), slot(Self.yearMonthBase + yearIndex * 12 + month - 1)]
        }
        if let day = date.day {
            parts += [slot(Self.dayBase + day - 1), slot(Self.yearDayBase + yearIndex * 31 + day - 1)]
        }
        if let month = date.month, let day = date.day {
            let (low, high) = (min(month, day), max(month, day))
            // The year with the pair is one token in 75,000: an HMAC for each encoding costs
            // less than a table of them for each key.
            let yearPair = MatchKeyEncoder.positions(
                of: Self.yearPairToken(date.year, low, high), count: width, bits: FuzzyEncoding.Part.dateOfBirth.filterBits, key: key)
            parts += [slot(Self.pairBase + (low - 1) * 31 + high - 1), slot(Self.monthDayBase + (month - 1) * 31 + day - 1), yearPair[...]]
        }
        return parts
    }
}
