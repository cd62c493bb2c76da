import Testing
import VVECore

/// Every direct canonical writer gives exactly the bytes of the `JSONValue` it stands for.
@Suite struct CanonicalEncodingTests {
    let today = CalendarDate(year: 2026, month: 11, day: 25)!
    let time = Timestamp(millisecondsSinceEpoch: 1_764_000_000_123)

    @Test(arguments: [1, 2, 3] as [UInt64])
    func generatedRecordsOfEveryKindEncodeAsTheirJSONValue(seed: UInt64) throws {
        let camden = AuthorityName("camden")!
        var records = SyntheticRecords(seed: seed, owner: camden, today: today)
        var random = SeededGenerator(seed: seed)
        var sawOptional = (
            lastSeen: false, grading: false, acknowledgement: false, allocatedWorker: false, heldBy: false, stillMissing: false, erased: false
        )
        for index in 0..<1500 {
            let draft = records.nextDraft(kind: index % 5 == 4 ? .missingEpisode : nil)
            var record = CaseRecord(draft: draft, id: RecordID.make(at: time, owner: camden, using: &random), node: camden, at: time)
            // Later versions carry several nodes' counters, and some records are tombstones.
            if index % 7 == 0 {
                record.version = record.version.incremented(by: AuthorityName("tower-hamlets")!).incremented(by: AuthorityName("enfield")!)
            }
            if index % 11 == 0 { record = record.erased(by: AuthorityName("hackney")!, at: time) }
            let direct = CanonicalJSONWriter.bytes(of: record)
            let reference = JSONWriter.canonicalBytes(record.jsonValue)
            #expect(
                direct == reference,
                "record \(index) of seed \(seed) differs:\n\(String(decoding: direct, as: UTF8.self))\n\(String(decoding: reference, as: UTF8.self))")
            if direct != reference { return }
            switch record.fields {
            case .countyLinesLink(let link)?:
                sawOptional.lastSeen = sawOptional.lastSeen || link.lastSeen != nil
                sawOptional.grading = sawOptional.grading || link.grading != nil
            case .relocation(let relocation)?:
                sawOptional.acknowledgement = sawOptional.acknowledgement || relocation.acknowledgement != nil
                sawOptional.allocatedWorker = sawOptional.allocatedWorker || relocation.allocatedWorker != nil
            case .sharedPerpetrator?: break
            case .missingEpisode(let episode)?:
                sawOptional.heldBy = sawOptional.heldBy || episode.interviewHeldBy != nil
                sawOptional.stillMissing = sawOptional.stillMissing || episode.returnedAt == nil
            case nil: sawOptional.erased = true
            }
        }
        // The comparison above only means something if the optional members occurred.
        let seen = [
            ("lastSeen", sawOptional.lastSeen), ("grading", sawOptional.grading), ("acknowledgement", sawOptional.acknowledgement),
            ("allocatedWorker", sawOptional.allocatedWorker), ("interviewHeldBy", sawOptional.heldBy),
            ("no returnedAt", sawOptional.stillMissing), ("erased", sawOptional.erased),
        ]
        #expect(seen.filter { !$0.1 }.map(\.0) == [])
    }

    @Test func textThatNeedsEscapingAndEveryOptionalMember() throws {
        let text =
            #"{"kind":"county-lines-link","reviewDate":"2027-01-01","status":"active","fields":{"lineName":"Line \"Q\" \\ café ☎ \u00e9","dealLines":["07700 900123"],"exportingArea":"camden","importingAreas":["norfolk"],"firstSeen":"2026-01-01","lastSeen":"2026-02-01","nrmReferral":true,"grading":"2BP","riskLevel":"high","linkedPeople":[{"role":"victim","person":{"forenames":"Zoë","surname":"O'Brien","dateOfBirth":"2010","aliases":["Z"]}}],"cuckooedAddresses":[{"address":"1 High St","postcode":"N1 1AA"}]}}"#
        let draft = try RecordDraft.read(from: try JSONParser.parse(Array(text.utf8)), kind: nil, today: today)
        var random = SeededGenerator(seed: 9)
        let record = CaseRecord(
            draft: draft, id: RecordID.make(at: time, owner: AuthorityName("camden")!, using: &random), node: AuthorityName("camden")!, at: time)
        #expect(CanonicalJSONWriter.bytes(of: record) == JSONWriter.canonicalBytes(record.jsonValue))
        #expect(CanonicalJSONWriter.bytes(of: VersionVector.empty) == Array("{}".utf8))
    }
}
