import Foundation

/// Polls `condition` every 100 ms until it holds or `seconds` pass, and says whether it held:
/// for waiting on a server to reload or apply something, with a deadline instead of a guess.
func eventually(within seconds: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.1)
    }
    return try condition()
}
