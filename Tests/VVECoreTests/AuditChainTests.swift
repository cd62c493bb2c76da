import Testing

@testable import VVECore

@Suite struct AuditChainTests {
    static func chain(_ count: Int) -> [AuditEntry] {
        var entries: [AuditEntry] = []
        var previous = AuditChain.genesisHash
        for sequence in 1...Int64(count) {
            let event = AuditEvent(
                time: Timestamp(millisecondsSinceEpoch: 1_795_460_340_000 + sequence), actor: "j.okafor",
                action: AuditAction.allCases[Int(sequence) % AuditAction.allCases.count], justification: sequence % 3 == 0 ? "case review" : nil)
            let entry = AuditChain.seal(event, sequence: sequence, previousHash: previous)
            entries.append(entry)
            previous = entry.hash
        }
        return entries
    }

    static func verify(_ entries: [AuditEntry]) -> AuditBreak? {
        var verifier = AuditChain.Verifier()
        for entry in entries {
            if let broken = verifier.check(entry) { return broken }
        }
        return nil
    }

    @Test func anUntouchedChainVerifies() {
        let entries = Self.chain(50)
        #expect(Self.verify(entries) == nil)
        var verifier = AuditChain.Verifier()
        for entry in entries { _ = verifier.check(entry) }
        #expect(verifier.verifiedCount == 50)
        #expect(verifier.headHash == entries.last?.hash)
        #expect(entries[0].previousHash == AuditChain.genesisHash)
        #expect(entries[0].hash.count == 64)
    }

    @Test func anAlteredEntryIsNamed() {
        var entries = Self.chain(20)
        entries[7].event.actor = "someone.else"
        #expect(Self.verify(entries) == AuditBreak(sequence: 8, reason: "was altered: its content no longer matches its hash"))
    }

    @Test func anAlteredEntryWithARecomputedHashBreaksTheNextLink() {
        var entries = Self.chain(20)
        entries[7].event.justification = "nothing to see"
        entries[7] = AuditChain.seal(entries[7].event, sequence: 8, previousHash: entries[7].previousHash)
        #expect(Self.verify(entries) == AuditBreak(sequence: 9, reason: "does not link to entry 8: its previous hash differs"))
    }

    @Test func aDeletedEntryIsNamed() {
        var entries = Self.chain(20)
        entries.remove(at: 4)
        #expect(
            Self.verify(entries)
                == AuditBreak(sequence: 5, reason: "is missing: the next entry found is 6, so entries were deleted or renumbered"))
    }

    @Test func swappedEntriesAreDetected() {
        var entries = Self.chain(20)
        entries.swapAt(3, 4)
        #expect(Self.verify(entries)?.sequence == 4)
    }

    @Test func theDirectHashInputIsTheCanonicalJSON() {
        var random = SeededGenerator(seed: 12)
        for sequence in Int64(1)...300 {
            let event = AuditEvent(
                time: Timestamp(millisecondsSinceEpoch: Int64(random.next() % 4_000_000_000_000)),
                actor: ["j.okafor", "PC 4471 \"Hale\"", "ünï\\code"][Int(sequence % 3)],
                action: AuditAction.allCases[Int(sequence) % AuditAction.allCases.count],
                recordID: sequence % 4 == 0
                    ? nil : RecordID.make(at: Timestamp(millisecondsSinceEpoch: sequence), owner: AuthorityName("camden")!, using: &random),
                justification: sequence % 2 == 0 ? "retention ended\ttab" : nil, detail: sequence % 5 == 0 ? "list all records: 3" : nil)
            let previous = Hex.encode((0..<32).map { _ in UInt8(truncatingIfNeeded: random.next()) })
            let generic = JSONWriter.canonicalBytes(.compactObject(AuditChain.hashedMembers(of: event, sequence: sequence, previousHash: previous)))
            #expect(AuditChain.canonicalHashInput(of: event, sequence: sequence, previousHash: previous) == generic)
        }
    }
}
