/// How many lookups one asker may make: per minute against bursts, per day against slowly
/// walking a register.
package struct LookupLimits: Sendable, Hashable {
    /// Lookups in any 60 seconds.
    package var perMinute: Int
    /// Lookups in any 24 hours.
    package var perDay: Int

    /// Limits per minute and per day.
    package init(perMinute: Int, perDay: Int) {
        self.perMinute = perMinute
        self.perDay = perDay
    }

    /// What a node answers one asking peer by default: 30 a minute, 1,000 a day.
    package static let peerDefault = LookupLimits(perMinute: 30, perDay: 1000)
    /// What one officer may ask by default: 10 a minute, 200 a day.
    package static let operatorDefault = LookupLimits(perMinute: 10, perDay: 200)

    /// Why one more lookup is refused, given how many were made in the last minute and day;
    /// nil when it may go ahead.
    package func refusal(lastMinute: Int, lastDay: Int, asker: String) -> String? {
        if lastMinute >= perMinute {
            return "\(asker) has made \(lastMinute) lookups in the last minute; the limit is \(perMinute) a minute. Wait a minute"
        }
        if lastDay >= perDay {
            return "\(asker) has made \(lastDay) lookups in the last 24 hours; the limit is \(perDay) a day. Ask the node's admin if this is needed"
        }
        return nil
    }
}
