import Testing
import VVECore

/// The `GET /v1/changes` query and the batch encodings, as a server reads them.
@Suite struct ChangesRequestTests {
    @Test func anAbsentValueTakesItsDefault() {
        #expect(
            ChangesRequest(since: nil, acknowledged: nil, limit: nil, wait: nil)
                == ChangesRequest(since: 0, acknowledged: 0, limit: 500, waitSeconds: 0))
        #expect(ChangesRequest(since: "40", acknowledged: nil, limit: nil, wait: nil)?.acknowledged == 40)
        #expect(
            ChangesRequest(since: "40", acknowledged: "12", limit: "1000", wait: "55")
                == ChangesRequest(since: 40, acknowledged: 12, limit: 1000, waitSeconds: 55))
    }

    @Test(
        arguments: [
            ("-1", nil, nil, nil), ("x", nil, nil, nil), ("40", "41", nil, nil), ("40", "-1", nil, nil), (nil, nil, "0", nil),
            (nil, nil, "1001", nil), (nil, nil, nil, "56"), (nil, nil, nil, "-1"), (nil, nil, nil, "1.5"),
        ] as [(String?, String?, String?, String?)])
    func aValueOutOfItsRangeRefusesTheQuery(since: String?, acknowledged: String?, limit: String?, wait: String?) {
        #expect(ChangesRequest(since: since, acknowledged: acknowledged, limit: limit, wait: wait) == nil)
    }

    @Test func theClientsPathReadsBackAsTheSameRequest() {
        let request = ChangesRequest(since: 7, acknowledged: 5, limit: 250, waitSeconds: 25)
        #expect(request.path == "/v1/changes?since=7&ack=5&limit=250&wait=25")
        #expect(ChangesRequest(since: "7", acknowledged: "5", limit: "250", wait: "25") == request)
    }

    @Test func vvesOwnEncodingIsChosenOnlyWhenAskedFor() {
        #expect(BatchEncoding.chosen(accepting: "vve-gzip-keys, gzip") == .gzipWithKeysApart)
        #expect(BatchEncoding.chosen(accepting: "GZIP") == .gzip)
        #expect(BatchEncoding.chosen(accepting: "br, deflate") == nil)
        #expect(BatchEncoding.chosen(accepting: nil) == nil)
        #expect(BatchEncoding.gzipWithKeysApart.token == "vve-gzip-keys")
    }
}
