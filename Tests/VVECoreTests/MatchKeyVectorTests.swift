import Testing
import VVECore

/// Known answers for match keys. Every node of a region must compute the same keys for the
/// same person, whatever vve version it runs: a change to the normalisation table, the
/// token positions or the balancing permutation would otherwise make nodes silently miss
/// each other's people. These values were computed once, under the fixed key below, and are
/// written down here; any change to them is a change of the match-key scheme, which bumps
/// `MatchKeyEncoder.schemeVersion` and is described in docs/design/match-keys-and-lookups.md.
@Suite struct MatchKeyVectorTests {
    struct Vector {
        var forenames: String?
        var surname: String?
        var dateOfBirth: String?
        /// The exact key, hex; nil without a name and a full date of birth.
        var exact: String?
        /// The fuzzy encoding, 256 bytes as hex.
        var fuzzy: String
    }

    /// The key: the bytes 0 to 31.
    let encoder = MatchKeyEncoder(key: LinkageKey(bytes: Array(0..<32))!)

    /// Accents, apostrophes and hyphens, a second forename, a nickname and a spelling
    /// variant, a partial date of birth, and people missing a forename, a surname or a date.
    let vectors: [Vector] = [
        Vector(
            forenames: "Tia", surname: "Okonjo", dateOfBirth: "2011-03-04",
            exact: "cf92133da098a3894ee1066cf328afc3fd955f88d79bd08851557fa574a908c1",
            fuzzy: "0c1a4a037dcb50401376587a28d3ea64c5bb70bdab9ec70ae5cd3eb9031487e33fd07fc482e5098dba1b3035c464171ce2ada36febe24b92872719757dc667a1"
                + "c40babea9ca527181c59cff44efbda9ff3917e9960dcfb9d2ba413f489b81ae2b042682d39806f3ec2b9775bb1f47d650d73c16d199607032a194b521573911c"
                + "45eae44e89c66f55919407ad8138152d543f8aa9e2e2135c6253b16bd9d74785437cf76805d1d0f51888d09dd8c513ee85996d5cabd8e4ab303296f1a67ee19a"
                + "ccb9b4f211713fb8464d0396e1a23f9c19d1995b41647f24c1e29d66a7a3fd6af41147b77746fbbd0d107c0c102b668b4d1e364621989faae0d05dbb76f73da4"),
        Vector(
            forenames: "Zoë", surname: "O'Brien-Smyth", dateOfBirth: "2009-12-31",
            exact: "27ab4c0131680c9828cc5c4e22fc3758debeb7071ddc0b21ebd91be2038da1ed",
            fuzzy: "cefc5c4bdda351fabab41c9615c0bf49871df8342ab6478ec24d7d0c254417b809536ec1cee4164602baf870ae6ef310a648e72bebe268fa4fe6011739aae248"
                + "98028f3a8ca4236b1ade5e3ed2f1fc4f76177e196ccef03c6ab4f651582910faa2456ca4bfb5ad1adb9104d9f3f58d632911377f18b73b1562895fd556bbf4fd"
                + "11ea776605402bdd1c7c0bf685ba1429dfbb9ea9c88235ec4113d96a9e514249464cbc602891da7118ea12fe796b967fe410ad5c8578e6bb28b290e38e7b4d28"
                + "a48c34fe6562eda56e150396f166b5a25d89c9d109620faaf1ab952407a13c2abd91cf3b51ccfd14694dcecc94aa369c443c4e27698b89bdd61c588a36e61b2d"),
        Vector(
            forenames: "José Luis", surname: "Núñez", dateOfBirth: "2012-07-01",
            exact: "ca9794fc2ae9384f3c5419d6d7dcff40f59fd1278f6de2fda4a18be16c372dda",
            fuzzy: "903e4ac318835062123478722ce2ec6cd00ef4053b96a7cec8dd3dad615495f91f7c3862daed78c8021f3831ec6c3f196b18e39f2cf2481a4f771155058aeb29"
                + "d30bf1e61cec22f1447377f752bbde15434a57886eee3285e9943bd059e918f8bac0622d3cfd8f376bb142ddf9bd0e46285be5c61df655032a2d4a905771d19c"
                + "458bd46e0946271c0c9603baa92814279fbb9ea9c3e23f6e4632f16ad0b5d2034174d0784db1c8731880921df86115fe2750f51ea20d877b24b0dee1866ee133"
                + "cca1a0dee369613a652d6bdeea620d14fd114ddb5d601f94e4a9956267eb34aafc510eb747e9a9df851ce74e80aa338e475d3ce6411b9dade35cddbe2cd4ffec"),
        Vector(
            forenames: "Bill", surname: "Smyth", dateOfBirth: "1998-02-28",
            exact: "281b4f83425aeac0c9cf2c0b31913cc45443c81e27706b3760577bad65d4fbc7",
            fuzzy: "6c927663dea350a61a365c5e28829eedc01da0b52f8e474ff9dcb9a9631947fe0e346ee9a1ec18458a1aac3cb466b61c86e8c9ebebe36a924fa51ffd19eba349"
                + "c59a2de0fcbca77d54e6ef0e426a589751597f8569cef21f3fb0d3e0292818ffa2c17a2c38b40b2ea23122d399f46c670913c16fb0b68b8060b87b9117f6c4df"
                + "4ded846460160f7c1c1407f785b8156117a78c096eab37368716f96bd1d7400943585e7c8791ffe538e83294f0c1a3bbf1d18d5c8abde4bb2eb2b66237eee1a8"
                + "eca8ecf735e325677204408f67222776d511e1d20f622e9ae0afd52ac7a3b43a90810d3e534ded3d7826aaa6800a501b4a9c244ea18993edc6988dda74fe192d"),
        Vector(
            forenames: "Mohammed", surname: "Hussain", dateOfBirth: "2010-04",
            exact: nil,
            fuzzy: "8cb3cc631da3517213245a622893b28dc905f4a5080ee3cbd8dde9ad275457fc1e103e4642eb986f84dbba358e473219b22aa3eedbd750967f0501551dcac2e9"
                + "e88901e8dcfe2b009db2ffb2c2c869e762097eabed8ed68c7f3e43d35dbd89fc764148213bad4b3eeb51425bd97528252a21830bf2a66ddd03ed4d1c77ffd1df"
                + "4c6bd66e5c08247c1d3443f704381de49ebb6e9baba07670d630ac7ad5d6e4412028dc700d81df71122cc0a8e86193dfa570c959007db6ae8692deebafefe12c"
                + "ec789c9ed1617f11300cc39f2b2a6f125796e9711d605eb960efdc2a67eb3eead81105b3c2c0bd1f4806eec6800a7c1a42195c2e6199fa2e46598d8234ef1fbc"),
        Vector(
            forenames: "Łukasz", surname: "Straße", dateOfBirth: "2008",
            exact: nil,
            fuzzy: "8c364a975ce3703610a2106668f3ab4dc113d2b52a12c7dff8d92dbd615893a31e18fcc2c2ec98cc9291b845f4e72418aa08c0ee293f583a4f05d15d14cea2c9"
                + "e40f8d08dcf423541cb2efb242eae89f5b193e9b7ed6d2c53f7c937659a908fdd045ec2d7dfd333e2b35023bf6f52f6749b3cb077294150e2aa955d056e7d1de"
                + "25e6f4ed39442f6e1c968393909445615ffdee8de2e0bba65336bd62d1d742015738de680f40ca23ba38901cb8719bffb551dddd027cbcbb493a96c1266d4b28"
                + "8cea9cf6f8e17fa8500dc287650227127d81c1d20c6019bac8add50a66213e48dc1943b727ccf9ff4904fe5e8019b61ec79d248b69b19ea6ea1dcf9a349e1fac"),
        Vector(
            forenames: nil, surname: "Okafor", dateOfBirth: nil,
            exact: nil,
            fuzzy: "ac3a48015da34462033458726cd2aa4cc11ff1b5399ec78fd8dd3cad255497ef1f906ec2c3f518c8e21b3835e0649418b72063cfeae3409a4f2119553dcae28d"
                + "c20badf89ef5a7591c93c7a642ebd8bf7301fe9968cef28f7bbc13e059a918d2b241682d19b56f3ee9b146dff1bd3d653833c1ab51a6171723a94f5057f3d1dc"
                + "45f8f4de09466d5c1c9403f781b81d24dfbbce89e3e2376c4213b169d1d742014378de6c05d0db7118a8909cf861b27fa550ed7c826ca4bf60b29679867ee12a"
                + "cc28b4fa61617fb86f0d4397eb7a4d965c91c9c30d601fb4e0afb56e2fa33ceadc11232747c8f99f4814fe0e906a548a471c0c6e609b96ace25c5db214f61fa4"),
        Vector(
            forenames: "Amira", surname: nil, dateOfBirth: "2010-02-19",
            exact: nil,
            fuzzy: "8c364a435da3502212a2587228c23a6d4115f0b4289ee13ef9cd9b2f0c1433ad1f707ec8c3cd184d863a7035a4663618a269037fcbe3489e47250879b8eae3c9"
                + "c0ca0cc8fcf4275914f2fb36426bf18367013e88698ef38c3f3453e059a51d79f241682d39950f3eabb142cba3f53c27295bc26f30b60f81eae94bd057f7d1dc"
                + "4cebd44e4c862d5d1cb487b783981529d7fb8b896aa2f6644f16e16b95dbc2030378ff7807f1db7118ae90def86193fba6d0cd5992fba4bf26f096eba676c128"
                + "cca2b4d655717f38660dd38f7a322f14ccd5c9d30f611eace1e78d2a07b334ead8392fb750c8dd9e600cef86b02a341a471d0c6e61999da8e25eddba34fc1dbc"),
    ]

    @Test func everyVectorGivesItsWrittenKeys() {
        for vector in vectors {
            let person = Person(forenames: vector.forenames, surname: vector.surname, dateOfBirth: vector.dateOfBirth.flatMap(PartialDate.init))
            let keys = encoder.keys(for: person)
            let name = "\(vector.forenames ?? "-") \(vector.surname ?? "-") \(vector.dateOfBirth ?? "-")"
            #expect(keys.exact.map(Hex.encode) == vector.exact, "exact key of \(name)")
            #expect(keys.fuzzy.hex == vector.fuzzy, "fuzzy encoding of \(name)")
        }
    }

    /// The scheme the vectors pin, as lookups carry it: a lookup under another scheme is
    /// refused, never compared; one that names none is of scheme 1.
    @Test func aLookupCarriesItsSchemeAndAnotherIsRefused() throws {
        #expect(MatchKeyEncoder.schemeVersion == 1)
        let keys = encoder.keys(for: Person(forenames: "Tia", surname: "Okonjo", dateOfBirth: PartialDate("2011-03-04")))
        let query = LookupQuery(
            lookupID: "abcdefgh-1", variants: [NameKeys(keys: keys, isAlias: false)], reason: try Justification("missing child enquiry"),
            caseReference: nil)
        guard case .object(var members) = query.jsonValue else { Issue.record("not an object"); return }
        #expect(members["keyScheme"] == .integer(1))
        #expect(try LookupQuery.read(.object(members)) == query)
        members["keyScheme"] = nil
        #expect(try LookupQuery.read(.object(members)).keyScheme == 1)
        members["keyScheme"] = .integer(2)
        #expect(throws: ValidationError.self) { try LookupQuery.read(.object(members)) }
        do {
            _ = try LookupQuery.read(.object(members))
        } catch {
            #expect(
                error.description
                    == "keyScheme: 2 is not this node's match-key scheme, 1: under another scheme the same person gives other keys, so a miss would mean nothing; the two nodes must run vve versions with the same scheme"
            )
        }
    }
}
