/// A day in the proleptic Gregorian calendar, written `YYYY-MM-DD`.
package struct CalendarDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    package let year: Int
    package let month: Int
    package let day: Int

    /// Creates a date, or returns nil when the day does not exist (2026-02-30).
    package init?(year: Int, month: Int, day: Int) {
        guard (1900...2999).contains(year), (1...12).contains(month),
            (1...Self.daysInMonth(year: year, month: month)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `YYYY-MM-DD`.
    package init?(_ text: String) {
        guard let parts = DateDigits.parse(text), parts.count == 3 else { return nil }
        self.init(year: parts[0], month: parts[1], day: parts[2])
    }

    /// The date a number of days since 1970-01-01 falls on.
    package init(daysSinceEpoch days: Int) {
        // Howard Hinnant's civil_from_days.
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        self.year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        self.month = month
        self.day = day
    }

    /// Days since 1970-01-01 (negative before).
    package var daysSinceEpoch: Int {
        let adjustedYear = month <= 2 ? year - 1 : year
        let era = (adjustedYear >= 0 ? adjustedYear : adjustedYear - 399) / 400
        let yearOfEra = adjustedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date `count` days later (earlier when negative).
    package func adding(days count: Int) -> CalendarDate {
        CalendarDate(daysSinceEpoch: daysSinceEpoch + count)
    }

    /// Whether `year` is a Gregorian leap year.
    package static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// The number of days in a month.
    package static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    package static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    package var description: String {
        String(unsafeUninitializedCapacity: 10) { buffer in
            DateDigits.write(year, width: 4, into: buffer, at: 0)
            buffer[4] = UInt8(ascii: "-")
            DateDigits.write(month, width: 2, into: buffer, at: 5)
            buffer[7] = UInt8(ascii: "-")
            DateDigits.write(day, width: 2, into: buffer, at: 8)
            return 10
        }
    }
}

/// Reading and writing the fixed-width digit groups of dates and times, byte by byte: these
/// are parsed and written for every record, so they avoid Character and String work.
enum DateDigits {
    /// Splits `YYYY`, `YYYY-MM` or `YYYY-MM-DD` into numbers; nil for any other shape.
    static func parse(_ text: String) -> [Int]? {
        var text = text
        text.makeContiguousUTF8()
        return text.utf8.withContiguousStorageIfAvailable { bytes -> [Int]? in
            var parts: [Int] = []
            var position = 0
            for (index, width) in [4, 2, 2].enumerated() {
                if index > 0 {
                    if position == bytes.count { break }
                    guard bytes[position] == UInt8(ascii: "-") else { return nil }
                    position += 1
                }
                guard position + width <= bytes.count else { return nil }
                var value = 0
                for offset in 0..<width {
                    let byte = bytes[position + offset]
                    guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                    value = value * 10 + Int(byte - UInt8(ascii: "0"))
                }
                parts.append(value)
                position += width
            }
            return position == bytes.count ? parts : nil
        } ?? nil
    }

    /// Writes `number` as exactly `width` decimal digits.
    static func write(_ number: Int, width: Int, into buffer: UnsafeMutableBufferPointer<UInt8>, at start: Int) {
        var remaining = number
        for offset in stride(from: width - 1, through: 0, by: -1) {
            buffer[start + offset] = UInt8(ascii: "0") + UInt8(remaining % 10)
            remaining /= 10
        }
    }
}

extension CalendarDate: JSONStringValue {
    package static let expectedForm = "a date as YYYY-MM-DD"
    package static let formRule = "is not a real date; write it as YYYY-MM-DD (for example 2026-03-14)"
}

/// A date that may be known only in part: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`. Dates of birth
/// are often like this in case files. An unknown date is simply absent.
package struct PartialDate: Sendable, Hashable, CustomStringConvertible {
    package let year: Int
    /// The month, when known.
    package let month: Int?
    /// The day, when known; only present with a month.
    package let day: Int?

    /// Creates a partial date, or nil when the parts that are given cannot exist together.
    package init?(year: Int, month: Int? = nil, day: Int? = nil) {
        guard (1900...2999).contains(year) else { return nil }
        if let month {
            guard (1...12).contains(month) else { return nil }
            if let day, !(1...CalendarDate.daysInMonth(year: year, month: month)).contains(day) { return nil }
        } else if day != nil {
            return nil
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    package init?(_ text: String) {
        guard let numbers = DateDigits.parse(text), !numbers.isEmpty else { return nil }
        self.init(
            year: numbers[0],
            month: numbers.count > 1 ? numbers[1] : nil,
            day: numbers.count > 2 ? numbers[2] : nil)
    }

    /// The full date, when every part is known.
    package var calendarDate: CalendarDate? {
        guard let month, let day else { return nil }
        return CalendarDate(year: year, month: month, day: day)
    }

    package var description: String {
        let length = day != nil ? 10 : month != nil ? 7 : 4
        return String(unsafeUninitializedCapacity: length) { buffer in
            DateDigits.write(year, width: 4, into: buffer, at: 0)
            if let month {
                buffer[4] = UInt8(ascii: "-")
                DateDigits.write(month, width: 2, into: buffer, at: 5)
            }
            if let day {
                buffer[7] = UInt8(ascii: "-")
                DateDigits.write(day, width: 2, into: buffer, at: 8)
            }
            return length
        }
    }
}

extension PartialDate: JSONStringValue {
    package static let expectedForm = "YYYY-MM-DD, YYYY-MM or YYYY"
    package static let formRule = "is not a real date; write YYYY-MM-DD, YYYY-MM or YYYY, or leave it out when unknown"
}

/// An instant, held as whole milliseconds since 1970-01-01T00:00:00Z and written in
/// ISO 8601 UTC with milliseconds (`2026-11-23T18:59:00.000Z`).
package struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds since the Unix epoch.
    package let millisecondsSinceEpoch: Int64

    package init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    /// The UTC day this instant falls in.
    package var calendarDate: CalendarDate {
        CalendarDate(daysSinceEpoch: Int(floorDivide(millisecondsSinceEpoch, 86_400_000)))
    }

    /// Parses the exact form that `description` writes: `YYYY-MM-DDTHH:MM:SS.mmmZ`, UTC.
    package init?(_ text: String) {
        var text = text
        text.makeContiguousUTF8()
        // Byte by byte, without building strings: every record read parses two of these.
        let parsed = text.utf8.withContiguousStorageIfAvailable { bytes -> Int64? in
            guard bytes.count == 24, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
                bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"), bytes[19] == UInt8(ascii: "."), bytes[23] == UInt8(ascii: "Z")
            else { return nil }
            func number(_ start: Int, _ width: Int) -> Int? {
                var value = 0
                for byte in bytes[start..<start + width] {
                    guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                    value = value * 10 + Int(byte - UInt8(ascii: "0"))
                }
                return value
            }
            guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
                let date = CalendarDate(year: year, month: month, day: day),
                let hours = number(11, 2), let minutes = number(14, 2), let seconds = number(17, 2), let millis = number(20, 3),
                hours < 24, minutes < 60, seconds < 60
            else { return nil }
            return Int64(date.daysSinceEpoch) * 86_400_000 + Int64(((hours * 60 + minutes) * 60 + seconds) * 1000 + millis)
        }
        guard let milliseconds = parsed ?? nil else { return nil }
        self.millisecondsSinceEpoch = milliseconds
    }

    package static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    package var description: String {
        let millisOfDay = Int(millisecondsSinceEpoch - floorDivide(millisecondsSinceEpoch, 86_400_000) * 86_400_000)
        let seconds = millisOfDay / 1000
        let date = calendarDate
        return String(unsafeUninitializedCapacity: 24) { buffer in
            DateDigits.write(date.year, width: 4, into: buffer, at: 0)
            DateDigits.write(date.month, width: 2, into: buffer, at: 5)
            DateDigits.write(date.day, width: 2, into: buffer, at: 8)
            DateDigits.write(seconds / 3600, width: 2, into: buffer, at: 11)
            DateDigits.write(seconds / 60 % 60, width: 2, into: buffer, at: 14)
            DateDigits.write(seconds % 60, width: 2, into: buffer, at: 17)
            DateDigits.write(millisOfDay % 1000, width: 3, into: buffer, at: 20)
            buffer[4] = UInt8(ascii: "-")
            buffer[7] = UInt8(ascii: "-")
            buffer[10] = UInt8(ascii: "T")
            buffer[13] = UInt8(ascii: ":")
            buffer[16] = UInt8(ascii: ":")
            buffer[19] = UInt8(ascii: ".")
            buffer[23] = UInt8(ascii: "Z")
            return 24
        }
    }
}

private func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
    let quotient = value / divisor
    return (value % divisor != 0 && value < 0) ? quotient - 1 : quotient
}

extension Timestamp: JSONStringValue {
    package static let expectedForm = "a UTC timestamp as YYYY-MM-DDTHH:MM:SS.mmmZ"
    package static let formRule = "is not a timestamp; write it in UTC as YYYY-MM-DDTHH:MM:SS.mmmZ"
}
