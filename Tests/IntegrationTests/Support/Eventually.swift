import Foundation
import Testing

/// Polls `condition` every 100 ms for up to 30 s, recording an issue on time-out; whether it
/// came true.
@discardableResult
func eventually(_ what: String, _ condition: () throws -> Bool) throws -> Bool {
    let deadline = Date().addingTimeInterval(30)
    while Date() < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.1)
    }
    Issue.record("timed out waiting until \(what)")
    return false
}
