import NIOCore
import NIOHTTP1
import Testing
import VVECore

@testable import VVENet

/// A batch's body as the server encodes it and the client reads it back: gzip, and gzip with
/// the match keys' bytes apart.
@Suite struct BatchEncodingTests {
    /// A batch's JSON as the feed writes it, in pieces: a head, items, a tail.
    func pieces() -> [[UInt8]] {
        var random = SeededGenerator(seed: 31)
        let items = (0..<30).map { index -> [UInt8] in
            let words = (0..<32).map { _ in random.next() as UInt64 }
            let exact: [UInt8]? = index % 3 == 0 ? nil : (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
            let keys = MatchKeys(exact: exact, fuzzy: FuzzyEncoding(words: words)!)
            return JSONWriter.canonicalBytes(["copy": ["id": .string("r\(index)"), "youngPerson": ["matchKeys": keys.jsonValue]]])
        }
        var pieces: [[UInt8]] = [Array(#"{"cursor":30,"hasMore":false,"head":30,"items":["#.utf8)]
        for (index, item) in items.enumerated() { pieces.append((index > 0 ? [UInt8(ascii: ",")] : []) + item) }
        pieces.append(Array("]}".utf8))
        return pieces
    }

    /// What a client reads of the body `sink` finished, sent with the server's headers.
    func read(_ sink: GzipBodySink, keyBytesHeader: String? = nil) throws -> (answer: [UInt8], sent: Int) {
        var body = try #require(try sink.finish())
        var headers = HTTPHeaders([("content-encoding", sink.encoding.token)])
        if sink.encoding == .gzipWithKeysApart {
            headers.add(name: WireHeader.keyBytes, value: keyBytesHeader ?? String(body.keys.count))
            body.compressed.writeBytes(body.keys)
        }
        let answer = try PeerCheck.Answer(
            head: HTTPResponseHead(version: .http1_1, status: .ok, headers: headers), body: body.compressed, decodingBody: false)
        return (Array(try answer.inflated().readableBytesView), body.compressed.readableBytes)
    }

    @Test func bothEncodingsReadBackAsTheBatchAndKeysApartAreSmaller() throws {
        let json = pieces().flatMap { $0 } + [UInt8(ascii: "\n")]
        var sizes: [BatchEncoding: Int] = [:]
        for encoding in [BatchEncoding.gzip, .gzipWithKeysApart] {
            let sink = GzipBodySink(encoding: encoding)
            // A long-poll begins a batch again: nothing of the first one may remain.
            try sink.begin()
            try sink.write(pieces()[1])
            try sink.begin()
            for piece in pieces() { try sink.write(piece) }
            let (answer, sent) = try read(sink)
            #expect(answer == json)
            sizes[encoding] = sent
        }
        // 20 people with both keys and 10 with the fuzzy one: their 8,320 bytes travel raw.
        #expect(try #require(sizes[.gzipWithKeysApart]) < #require(sizes[.gzip]))
    }

    @Test func keysApartThatDoNotFitTheirJSONAreRefused() throws {
        for header in ["not a number", "0", "-1", "99999999"] {
            let sink = GzipBodySink(encoding: .gzipWithKeysApart)
            try sink.begin()
            for piece in pieces() { try sink.write(piece) }
            #expect(throws: PeerCheckFailure.self) { _ = try read(sink, keyBytesHeader: header) }
        }
    }
}
