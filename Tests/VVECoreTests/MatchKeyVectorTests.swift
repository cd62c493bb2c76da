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
            fuzzy: "8a83cbf85a36b2ef3c416419a5c30cad70c71e9d1763dc8e57283b31ca8e4590b331ef7be425269e7e707677e05f29da16796e0b84297e37bfc3214a18cb54bd"
                + "e77eaa4d309806b1178976434e2286897a0140147fe5cf41b6dc1e5a96cd365b8b42cefe422623ef3660bcab85932ea57b1f0e8bf367bc0733383839c8460180"
                + "f7b1e5515f0ce37f4cd876f7825a6f5b7778064bac275763ace3071e381b44b8e7567a45136c032357db306e062626a873446234158c4bf3d4df30889ad5767f"
                + "754da6e2b247c204383dea3bdfda1020abb5865359f768dc1ef3d90ac098dcccfc75bc22bd1ff404aeb1188906a8e193fbc63612ade109d7723376fcce7208e0"),
        Vector(
            forenames: "Zoë", surname: "O'Brien-Smyth", dateOfBirth: "2009-12-31",
            exact: "27ab4c0131680c9828cc5c4e22fc3758debeb7071ddc0b21ebd91be2038da1ed",
            fuzzy: "82a1cbf84236b26f1c615803a5830da770cf3a9ef369dd87730818145a0e4590b611ff7b661de49e5e717277e01b68d236774c4fad29763e9ee361de58df54bc"
                + "67d6aa0d1898022117cd96da0e2686b9f01048043f854e7b9efd17dad4dd3a1e4843caef033e4ccf8c593c7ba553cd227d9ec814f275bb5e34295c244e0e4190"
                + "5a272cdb410971df4f4170f6c05b2bdcb754186e6c2366f3bce0870e58517c3d6f6eab580a0c0215db491b6a1577c6b93260583d773f1f3d12ea22ca0efbbf6d"
                + "30ce9905b26974bd66ecaa32abeb00f2bb24ee7f401f0ec8e8895708c899d76cfb5d4e4bdf72ac722fb8186d267d49153b36cb3313d687da9ee448049c2ac330"),
        Vector(
            forenames: "José Luis", surname: "Núñez", dateOfBirth: "2012-07-01",
            exact: "ca9794fc2ae9384f3c5419d6d7dcff40f59fd1278f6de2fda4a18be16c372dda",
            fuzzy: "8a81eefa1236b6efac60f42a95830fa7d0df8abef2699c05230d1811ca4e45b4b7b1fe516e1de69e5e607677e4136854765344cfed6964b79eeb2f5c384f54bd"
                + "a7553a44109c02211f49265e1e2686b1720068143f8449759edd3ec297d33e371290cbf05362b0cf7830760ba1c35db0e0830fdfe3a2cec7233f3831d8065319"
                + "35b1d77f74ace69e0f70765fe01364d83611dc5f8d6b7675bae3256e18cb75a4ad522a7d03cd022315e9361e0e2686a97249c014fdc12f7712d54e56f71ce35d"
                + "3ee4c9cdd05db0b9a638b247d94fb2aac5a3050ae87b7cc9ec5a7d0ad08e5696a86fb448e8ebd29baba14dbba0aca852f1cdc31411da9d5eb8e1621ec48f2d82"),
        Vector(
            forenames: "Bill", surname: "Smyth", dateOfBirth: "1998-02-28",
            exact: "281b4f83425aeac0c9cf2c0b31913cc45443c81e27706b3760577bad65d4fbc7",
            fuzzy: "8887eba84c36b0ef7845541aedf72de5f4e71a3f5263dcc5732c7b114e264580b771f77fec3c469a5a707075e30b05d7345b6d4b0c09575fbecb616c4b7a5fbd"
                + "a742985118c8063117c9340a0f4386a97e210c9c76e54b1412dd1e1686cd477a8a2bc2fa423ebcef18717023ad818d23791bc8dff2659c4773387834c80f4190"
                + "5791b6db4728d4ce5fd06267c1136ddebe55086eac6a3655bce2336e58db54bcef762b5d104c02019b4db64a8ea6872c3a4058347b8d5ff712ecea4a86c9375f"
                + "7d690fa15cd3833002bec649fdea1cac63a39749cacb7d97725a3fcb53c6d2fc2e83174af5be70a0a397d40d8cf0f048f3c24876adca8c92b2ca61e0c20e52b9"),
        Vector(
            forenames: "Mohammed", surname: "Hussain", dateOfBirth: "2010-04",
            exact: nil,
            fuzzy: "0a815b5c4193b4ca5863f4afa51ba5a77d6fa8335b6504977b601aadcfaf4587a76dd41e07ade69ade504467ce13611226d364470d7c52773ee3e324aa9a41bd"
                + "f550ae5d10cd062b1709660a8e8644c9d8af6c9474854fd596dd1a5adcc5ba5e8983cff8c266a3ef34617c8fd0a72f07d6e78ebfb161d8917f2c2839ca0f8500"
                + "b120b699a62cf55c5c6a71ede8334d0b7651545f38683e32edcb235c7c3b44bca207a84f11dc056917cb34ca1edf87a1522061169fc64f46d6fd165212dc367d"
                + "358d92a0c05be13610bd9263fdca93c1f7b7460ac8fafc491a78df8af89cd56c6c7d944edd4b301e8f33cc896374e0d8f88ada163d494dd6327a3e95c6270070"),
        Vector(
            forenames: "Łukasz", surname: "Straße", dateOfBirth: "2008",
            exact: nil,
            fuzzy: "8a3bc2c8d262f3eb3c63728ba53b0fb7644f1e07e361dd815b087c098e0ec198b5b527b9663de61e1e707457e05709da3659d453b06b7666beabe14e188f44ae"
                + "65166e6d11cb02a315c136c20d26c62d7a08e23471a36ff7b2ddbe5a068c37dc89b9c9e83232b7ef38611807f4834d8450071afef36bdc81670d3c09ca0fdc10"
                + "b3357f5b6e1dc43d5e78f66fed136899b6515c4e7568743d96ea2b681c8c74bca715a84d209802e31f4d345a0be68e31d8685c1f59c14bb79f7d94da9349361d"
                + "354d9fa0d07be33500b5e263b9ead2e0ffa7464bccfb7cc81b58df8ad88ec6fc645596489d6b14108fb1c895867ce050f383da167dc98dd2b2ea6aa5c61e0070"),
        Vector(
            forenames: nil, surname: "Okafor", dateOfBirth: nil,
            exact: nil,
            fuzzy: "8a83cbf84236b2ef3c61740ba5830da570cf0e9ff363dc8773283831ca0e4190b7b1f77b662de69e5e707677e01369da36514c4fac6b7677bee3214e18db54bc"
                + "e7562a4d10cc022117c9364a0e2686a9720040147f854f7796dd1e5a96dd365f8a63da1cc64632e7bc783803a5bb2da1649d0e87f3637d87522c3838ca0e4188"
                + "f5b2a5fb662fe3f9ce787477e05e08db375c4ce9a0077672bce3218e1b13543d27564a0e136c22e513cd38fe0e2666e9f440403473a54d7596dfb4689add366f"
                + "35cd9ba0d07ba13500bde263b9ea92e0ffa7464bc8fb7cc81a58ff8ad88cd77c6c5d9648dd6b34108fb1c88da67ce050f383da163dc98dd2b2ea6a85c62e0070"),
        Vector(
            forenames: "Amira", surname: nil, dateOfBirth: "2010-02-19",
            exact: nil,
            fuzzy: "9a8bd9ea7236b0ef7c213c09ad80eca474ff082f976b5c07f3283a71ce0b4d40b7f1ff7be624e4cb76f2746fe21b65fb1e594e2b2428165795c3314802ca74bc"
                + "e3566a5d208c06a113c9344a4f86952872224c147f87cf579b3d164a16dd371f8a83cbf84236b2ef3c61740ba5830da570cf0e9ff363dc8773283831ca0e4190"
                + "b7b1f77b662de69e5e707677e01369da36514c4fac6b7677bee3214e18db54bce7562a4d10cc022117c9364a0e2686a9720040147f854f7796dd1e5a96dd365f"
                + "bd0db7a0c05aa23680fd6167ff52d60cd79142d7c8caec495a19ff1a48bcc56abee1065cdccbb0b925b9cd01516dc0d03859d806efc1e902377f5fb4476e5035"),
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
    /// refused, never compared, and so is one that names none, which is of scheme 1.
    @Test func aLookupCarriesItsSchemeAndAnotherIsRefused() throws {
        #expect(MatchKeyEncoder.schemeVersion == 2)
        let keys = encoder.keys(for: Person(forenames: "Tia", surname: "Okonjo", dateOfBirth: PartialDate("2011-03-04")))
        let query = LookupQuery(
            lookupID: "abcdefgh-1", variants: [NameKeys(keys: keys, isAlias: false)], reason: try Justification("missing child enquiry"),
            caseReference: nil)
        guard case .object(var members) = query.jsonValue else { Issue.record("not an object"); return }
        #expect(members["keyScheme"] == .integer(2))
        #expect(try LookupQuery.read(.object(members)) == query)
        members["keyScheme"] = .integer(1)
        #expect {
            try LookupQuery.read(.object(members))
        } throws: { error in
            "\(error)"
                == "keyScheme: 1 is not this node's match-key scheme, 2: under another scheme the same person gives other keys, so a miss would mean nothing; the two nodes must run vve versions with the same scheme"
        }
        members["keyScheme"] = nil
        #expect {
            try LookupQuery.read(.object(members))
        } throws: { error in
            "\(error)"
                == "keyScheme: is missing, so the keys are of scheme 1, and this node computes scheme 2; the asking node must be upgraded"
        }
    }
}
