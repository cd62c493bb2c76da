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
