import Testing
import VVECore

/// Match keys taken out of a batch's JSON and put back: the JSON comes back byte for byte,
/// whatever else the batch holds.
@Suite struct SplitMatchKeysTests {
    func keys(_ random: inout SeededGenerator, exact: Bool) -> MatchKeys {
        let words = (0..<32).map { _ in random.next() as UInt64 }
        return MatchKeys(exact: exact ? (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) } : nil, fuzzy: FuzzyEncoding(words: words)!)
    }

    /// Text that looks like a split member, or a key, without being one.
    let decoys: [JSONValue] = [
        #""exact":"0123""#, #""fuzzy":"""#, "exact", "fuzzy", #"{"exact":""}"#, "\\\"fuzzy\\\":\\\"",
        .string(String(repeating: "a", count: 64)), .string(String(repeating: "A", count: 512)), .string(String(repeating: "0", count: 511)),
    ]

    /// A batch of people with keys, some without an exact key, among decoys: as members
    /// named `exact` or `fuzzy` holding what is not a key, and as text in other strings.
    func batch(_ random: inout SeededGenerator) -> (json: [UInt8], people: Int, exactKeys: Int) {
        var items: [JSONValue] = []
        var people = 0
        var exactKeys = 0
        for index in 0..<40 {
            switch Int.random(in: 0..<4, using: &random) {
            case 0, 1:
                let hasExact = Bool.random(using: &random)
                items.append(["copy": ["youngPerson": ["matchKeys": keys(&random, exact: hasExact).jsonValue], "note": decoys[index % decoys.count]]])
                people += 1
                if hasExact { exactKeys += 1 }
            case 2:
                // Members named like keys, holding what is not a key as vve writes one.
                let upper = String(repeating: "AB", count: 32)
                items.append(["exact": .string(upper), "fuzzy": .string(String(repeating: "0", count: 510)), "other": decoys[index % decoys.count]])
            default:
                items.append(["text": decoys[index % decoys.count], "exact": 64, "fuzzy": ["fuzzy": "0"]])
            }
        }
        return (JSONWriter.canonicalBytes(["items": .array(items)]), people, exactKeys)
    }

    @Test func splitKeysJoinBackToTheSameBytesAndOnlyKeysAreTaken() throws {
        var random = SeededGenerator(seed: 21)
        for _ in 0..<200 {
            let (json, people, exactKeys) = batch(&random)
            var keys: [UInt8] = []
            let split = try SplitMatchKeys.split(json, keys: &keys)
            #expect(keys.count == people * 256 + exactKeys * 32)
            #expect(split.count == json.count - 2 * keys.count)
            #expect(try SplitMatchKeys.join(split, keys: keys[...]) == json)
        }
    }

    @Test func splitKeysJoinInPiecesAsTheServerSendsThem() throws {
        var random = SeededGenerator(seed: 22)
        let (json, _, _) = batch(&random)
        // Split piece by piece (a server splits each chunk of items as it takes it), joined whole.
        var keys: [UInt8] = []
        var split: [UInt8] = []
        var start = 0
        while start < json.count {
            // Pieces end after an item, never inside one.
            let end = json[start...].firstIndex(of: UInt8(ascii: "}")).map { $0 + 1 } ?? json.count
            split += try SplitMatchKeys.split(Array(json[start..<end]), keys: &keys)
            start = end
        }
        #expect(try SplitMatchKeys.join(split, keys: keys[...]) == json)
    }

    @Test func aBatchHoldingAnEmptyKeyMemberIsNotSplitAndKeysThatDoNotFitAreRefused() throws {
        var taken: [UInt8] = []
        #expect(throws: SplitMatchKeys.Unsplittable.self) { try SplitMatchKeys.split(Array(#"{"matchKeys":{"fuzzy":""}}"#.utf8), keys: &taken) }
        #expect(throws: SplitMatchKeys.Unsplittable.self) { try SplitMatchKeys.split(Array(#"{"exact":"","x":1}"#.utf8), keys: &taken) }
        var random = SeededGenerator(seed: 23)
        let json = JSONWriter.canonicalBytes(["matchKeys": keys(&random, exact: true).jsonValue])
        let split = try SplitMatchKeys.split(json, keys: &taken)
        #expect(taken.count == 288)
        #expect(throws: SplitMatchKeys.Mismatched.self) { try SplitMatchKeys.join(split, keys: taken.dropLast()) }
        #expect(throws: SplitMatchKeys.Mismatched.self) { try SplitMatchKeys.join(split, keys: (taken + [0])[...]) }
        #expect(throws: SplitMatchKeys.Mismatched.self) { try SplitMatchKeys.join(json, keys: taken[...]) }
        #expect(try SplitMatchKeys.join(json, keys: [][...]) == json)
    }
}
