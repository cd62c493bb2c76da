import Foundation
import Testing
import VVECore

/// `vve serve --log-format json`: every line on standard error is one JSON object a log
/// shipper can read, with the same dotted metadata keys as the text logs.
@Suite struct JSONLogTests {
    @Test func everyLineIsOneObjectWithTheDottedKeys() throws {
        let region = try TestRegion()
        let camden = try region.node("camden")
        let haringey = try region.node("haringey")
        // haringey is down: camden's pull from it fails, and says so with the peer's name.
        try camden.pin(haringey, port: 1)
        let server = try camden.serve(["--log-format", "json"])
        let deadline = Date().addingTimeInterval(10)
        var stderr = ""
        while Date() < deadline, !stderr.contains("\"peer.name\":\"haringey\"") {
            Thread.sleep(forTimeInterval: 0.1)
            stderr = String(decoding: FileManager.default.contents(atPath: server.process.outputs + ".err") ?? Data(), as: UTF8.self)
        }
        let result = server.stop()
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count >= 2)
        var peerLines = 0
        for line in lines {
            let object = try #require(try? JSONParser.parse(Array(line.utf8)), "not JSON: \(line)").objectValue
            #expect(object?.keys.sorted() == ["label", "level", "message", "metadata", "source", "time"], "\(line)")
            #expect(object?["time"]?.stringValue.flatMap(Timestamp.init) != nil, "\(line)")
            #expect(["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(object?["level"]?.stringValue ?? ""))
            let metadata = try #require(object?["metadata"]?.objectValue)
            #expect(metadata["node.name"] == "camden", "\(line)")
            if metadata["peer.name"] == "haringey" { peerLines += 1 }
        }
        #expect(peerLines > 0, "a failed pull names its peer")
        #expect(try camden.run(["serve", "--log-format", "xml"]).stderr == "vve: error: --log-format xml: use text or json\n")
    }
}
