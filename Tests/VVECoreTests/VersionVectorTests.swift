import Testing
import VVECore

/// Properties of version vectors over many generated vectors.
@Suite struct VersionVectorTests {
    static let nodes = ["camden", "haringey", "islington", "hackney"].map { AuthorityName($0)! }

    /// Small counters on few nodes, so equal, dominating and concurrent pairs all occur often.
    static func generatedVectors(count: Int, seed: UInt64) -> [VersionVector] {
        var random = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            var counters: [AuthorityName: UInt64] = [:]
            for node in nodes where random.next() % 3 != 0 { counters[node] = random.next() % 4 }
            return VersionVector(counters: counters)
        }
    }

    @Test func joinIsCommutativeAssociativeAndIdempotent() {
        let vectors = Self.generatedVectors(count: 60, seed: 42)
        for a in vectors {
            #expect(a.joined(with: a) == a)
            for b in vectors {
                #expect(a.joined(with: b) == b.joined(with: a))
                for c in vectors.prefix(20) {
                    #expect(a.joined(with: b).joined(with: c) == a.joined(with: b.joined(with: c)))
                }
            }
        }
    }

    @Test func comparisonAgreesWithJoin() {
        let vectors = Self.generatedVectors(count: 80, seed: 7)
        var seen: Set<VersionOrder> = []
        for a in vectors {
            for b in vectors {
                let join = a.joined(with: b)
                let expected: VersionOrder =
                    if a == b { .equal } else if join == a { .dominates } else if join == b { .dominated } else { .concurrent }
                let order = a.compare(to: b)
                #expect(order == expected, "\(a) vs \(b)")
                seen.insert(order)
                #expect(a.dominates(b) == (order == .dominates))
                #expect(a.isConcurrent(with: b) == (order == .concurrent))
                // Comparison is antisymmetric.
                let reverse = b.compare(to: a)
                switch order {
                case .equal: #expect(reverse == .equal)
                case .dominates: #expect(reverse == .dominated)
                case .dominated: #expect(reverse == .dominates)
                case .concurrent: #expect(reverse == .concurrent)
                }
            }
        }
        #expect(seen == Set(VersionOrder.allCases), "the generator must produce every relation")
    }

    @Test func incrementDominatesAndJoinDominatesBothSides() {
        for vector in Self.generatedVectors(count: 50, seed: 99) {
            for node in Self.nodes {
                let next = vector.incremented(by: node)
                #expect(next.compare(to: vector) == .dominates)
                #expect(next[node] == vector[node] + 1)
            }
        }
        let a = VersionVector(counters: [Self.nodes[0]: 2])
        let b = VersionVector(counters: [Self.nodes[1]: 1])
        #expect(a.compare(to: b) == .concurrent)
        let merged = a.joined(with: b).incremented(by: Self.nodes[0])
        #expect(merged.dominates(a) && merged.dominates(b))
    }

    @Test func zeroCountersDoNotChangeIdentityOrEncoding() {
        let node = Self.nodes[0]
        let withZero = VersionVector(counters: [node: 1, Self.nodes[1]: 0])
        let without = VersionVector(counters: [node: 1])
        #expect(withZero == without)
        #expect(JSONWriter.canonical(withZero.jsonValue) == #"{"camden":1}"#)
        #expect(VersionVector.empty.compare(to: VersionVector(counters: [node: 0])) == .equal)
    }

    @Test func jsonRoundTripAndRejection() throws {
        for vector in Self.generatedVectors(count: 30, seed: 3) {
            var issues = IssueCollector()
            let read = VersionVector.read(from: try JSONParser.parse(JSONWriter.canonical(vector.jsonValue)), at: .root, issues: &issues)
            #expect(read == vector)
            #expect(issues.isEmpty)
        }
        var issues = IssueCollector()
        _ = VersionVector.read(from: try JSONParser.parse(#"{"Camden":1,"haringey":-2,"hackney":"3"}"#), at: .root, issues: &issues)
        #expect(issues.issues.map(\.path.text).sorted() == ["Camden", "hackney", "haringey"])
    }
}
