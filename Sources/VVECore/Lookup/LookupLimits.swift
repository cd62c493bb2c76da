/// How many names one asker may look up: per minute against bursts, per day against slowly
/// walking a register. Each name of a lookup counts, the person's and each alias's, since
/// each is matched on its own: a lookup of six names is six lookups' worth of matching.
package struct LookupLimits: Sendable, Hashable {
    /// Names in any 60 seconds.
    package var perMinute: Int
    /// Names in any 24 hours.
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

    /// Why a lookup of `names` names is refused, given how many were looked up in the last
    /// minute and day; nil when it may go ahead.
    package func refusal(lastMinute: Int, lastDay: Int, names: Int = 1, asker: String) -> String? {
        let asked = names == 1 ? "" : " and this lookup asks \(names)"
        if lastMinute + names > perMinute {
            return
                "\(asker) has looked up \(lastMinute) names in the last minute\(asked); the limit is \(perMinute) a minute, each alias counting as a name. Wait a minute"
        }
        if lastDay + names > perDay {
            return
                "\(asker) has looked up \(lastDay) names in the last 24 hours\(asked); the limit is \(perDay) a day, each alias counting as a name. Ask the node's admin if this is needed"
        }
        return nil
    }
}
