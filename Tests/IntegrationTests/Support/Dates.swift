import Foundation

/// Dates relative to the day the tests run, so that fixtures stay valid on any day.
enum TestDates {
    static func day(_ offset: Int) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.locale = Locale(identifier: "en_GB_POSIX")
        return formatter.string(from: Date().addingTimeInterval(Double(offset) * 86_400))
    }

    static var review: String { day(180) }
    static var firstSeen: String { day(-30) }
}

/// A valid county lines link as `vve record add --json` reads it, with one member replaced.
func linkJSON(reviewDate: String = TestDates.review, fields extra: String = "") -> String {
    """
    {"reviewDate": "\(reviewDate)", "fields": {"lineName": "Tony line", "dealLines": ["07700 900123"], \
    "exportingArea": "camden", "importingAreas": ["norfolk"], "firstSeen": "\(TestDates.firstSeen)", \
    "riskLevel": "high"\(extra)}}
    """
}
