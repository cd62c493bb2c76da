/// Exponential backoff with full jitter, so peers that failed together do not retry in step.
package struct Backoff: Sendable, Equatable {
    /// The ceiling of the first delay.
    package var initial: Duration
    /// The longest delay.
    package var maximum: Duration
    /// Failures in a row so far.
    package private(set) var failures = 0

    /// Defaults: the first retry within half a second, then doubling, never over a minute.
    package init(initial: Duration = .milliseconds(500), maximum: Duration = .seconds(60)) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The delay before the next try after one more failure: uniform in [ceiling/2, ceiling],
    /// where the ceiling doubles per failure up to `maximum`. `unit` is a random number in [0, 1].
    package mutating func nextDelay(unit: Double) -> Duration {
        failures += 1
        let doublings = min(failures - 1, 30)
        let ceiling = min(initial * (1 << doublings), maximum)
        let fraction = 0.5 + 0.5 * min(max(unit, 0), 1)
        return ceiling * fraction
    }

    /// After a success: the next failure starts again from `initial`.
    package mutating func reset() { failures = 0 }
}

extension Duration {
    /// Seconds to the hundredth, as logs print a delay: `0.38`, not `0.37950013361128077 seconds`.
    package var roundedSeconds: Double {
        let (seconds, attoseconds) = components
        return ((Double(seconds) + Double(attoseconds) / 1e18) * 100).rounded() / 100
    }
}
