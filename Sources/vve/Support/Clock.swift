import Foundation
import VVECore

/// The wall clock, in UTC.
enum Clock {
    /// The current instant, to the millisecond.
    static func now() -> Timestamp {
        Timestamp(millisecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    /// Today's date in UTC.
    static func today() -> CalendarDate { now().calendarDate }
}
