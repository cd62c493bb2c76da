import Foundation

/// A fresh folder under the system's temporary directory, removed when the test ends.
package final class TemporaryDirectory {
    package let path: String

    package init() {
        var template = Array((NSTemporaryDirectory() + "/vve-test-XXXXXX").utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    package func file(_ name: String) -> String { path + "/" + name }
}
