import Foundation

/// Polls `condition` every 10 ms until it holds or `timeout` passes, and says whether it held:
/// for waiting on a prefetch, a reload or a delivery with a deadline instead of a guess.
package func eventually(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return try await condition()
}

/// Polls `condition` every 100 ms until it holds or `seconds` pass, and says whether it held:
/// for waiting on a server to reload or apply something, with a deadline instead of a guess.
package func eventually(within seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.1)
    }
    return try condition()
}
