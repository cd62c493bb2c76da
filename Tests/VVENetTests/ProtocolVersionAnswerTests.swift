import NIOCore
import NIOHTTP1
import Testing
import VVECore

@testable import VVENet

/// What this node makes of the version a peer's answer states.
@Suite struct ProtocolVersionAnswerTests {
    func answer(_ version: String?, status: HTTPResponseStatus = .ok, body: String = "{}") throws -> PeerCheck.Answer {
        var headers = HTTPHeaders()
        if let version { headers.add(name: "VVE-Protocol", value: version) }
        return try PeerCheck.Answer(
            head: HTTPResponseHead(version: .http1_1, status: status, headers: headers), body: ByteBuffer(string: body), decodingBody: true)
    }

    func failure(_ version: String?, status: HTTPResponseStatus = .ok, body: String = "{}") -> PeerCheckFailure? {
        do {
            _ = try answer(version, status: status, body: body)
            return nil
        } catch {
            return error as? PeerCheckFailure
        }
    }

    @Test func anAnswerInAServedVersionIsReadAndOneWithoutTheHeaderIsVersion1() throws {
        #expect(try answer(nil).protocolVersion == ProtocolVersion(1))
        #expect(try answer("2").protocolVersion == ProtocolVersion(2))
    }

    @Test func anyOtherVersionIsRefusedSayingWhatToUpgrade() {
        #expect(
            failure("3")
                == .protocolVersion(
                    "the peer speaks vve protocol 3 and this node speaks 1, which serves 1-2: upgrade vve at this node to a release within one protocol version of the peer"
                ))
        #expect(failure("three") == .unexpectedAnswer("its VVE-Protocol header \"three\" must be a whole number from 1 to 999, such as 1"))
        // The peer's own refusal of this node's version, in its words.
        #expect(
            failure("1", status: .upgradeRequired, body: #"{"error":"camden speaks vve protocol 1 and met-police speaks 3"}"#)
                == .protocolVersion("camden speaks vve protocol 1 and met-police speaks 3"))
        #expect(PeerCheckFailure.protocolVersion("x").label == "protocol-version")
    }
}
