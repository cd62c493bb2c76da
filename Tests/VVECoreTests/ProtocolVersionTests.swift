import Testing
import VVECore

/// The protocol version every request and answer carries: read strictly, one version either
/// way served, and a refusal that says which side to upgrade.
@Suite struct ProtocolVersionTests {
    @Test func theHeaderIsAWholeNumberFrom1To999() {
        #expect(ProtocolVersion(header: "1") == ProtocolVersion(1))
        #expect(ProtocolVersion(header: " 12 ") == ProtocolVersion(12))
        for bad in ["", "0", "1.0", "-1", "+1", "v1", "1000", "１", "1,2", "0x1"] {
            #expect(ProtocolVersion(header: bad) == nil, "\(bad)")
        }
        #expect(ProtocolVersion.current == ProtocolVersion(1) && ProtocolVersion.unstated == ProtocolVersion(1))
    }

    @Test func aNodeServesOneVersionOlderAndOneNewer() {
        let two = ProtocolVersion(2)
        #expect((1...3).allSatisfy { two.serves(ProtocolVersion($0)) })
        #expect(!two.serves(ProtocolVersion(4)))
        let one = ProtocolVersion(1)
        #expect(one.serves(ProtocolVersion(1)) && one.serves(ProtocolVersion(2)) && !one.serves(ProtocolVersion(3)))
        #expect(one.oldestServed == one && one.newestServed == two)
    }

    @Test func aRefusalNamesBothVersionsAndWhichNodeToUpgrade() {
        #expect(
            ProtocolVersion(1).refusal(of: ProtocolVersion(3), ours: "camden", theirs: "met-police")
                == "met-police speaks vve protocol 3 and camden speaks 1, which serves 1-2: upgrade vve at camden to a release within one protocol version of met-police"
        )
        #expect(
            ProtocolVersion(4).refusal(of: ProtocolVersion(1), ours: "this node", theirs: "the peer")
                == "the peer speaks vve protocol 1 and this node speaks 4, which serves 3-5: upgrade vve at the peer to a release within one protocol version of this node"
        )
    }
}
