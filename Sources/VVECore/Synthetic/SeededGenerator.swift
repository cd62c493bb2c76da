/// A small, fast, deterministic random number generator (SplitMix64).
///
/// Synthetic data must be reproducible from a seed, so tests, benchmarks and the demo see the
/// same people on every machine. Not for anything secret.
package struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    package init(seed: UInt64) {
        state = seed
    }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

/// The demo region: six London boroughs, each running a node, and the county areas their lines
/// run into.
package enum DemoRegion {
    /// The boroughs of the demo region, each of which runs one node.
    package static let boroughs: [AuthorityName] = ["camden", "haringey", "islington", "hackney", "tower-hamlets", "enfield"]
        .map { AuthorityName($0)! }

    /// Areas outside the region that lines export into.
    package static let countyAreas: [AuthorityName] = ["norfolk", "essex", "kent", "hertfordshire", "suffolk", "sussex", "thames-valley"]
        .map { AuthorityName($0)! }
}

/// Names as they appear in English case files. Each inner list is one name in its common
/// spellings, so that generated records carry the variation real matching must survive.
package enum NameBank {
    /// Forenames, grouped by spelling variant.
    package static let forenameVariants: [[String]] = [
        ["Mohammed", "Muhammad", "Mohammad", "Mohamed"], ["Aaliyah", "Aliyah", "Aleah"], ["Jayden", "Jaden", "Jaiden"],
        ["Connor", "Conor"], ["Callum", "Calum"], ["Zainab", "Zaynab"], ["Chantelle", "Shantelle"], ["Stephen", "Steven"],
        ["Amir", "Ameer"], ["Abdullahi", "Abdullah"], ["Keeley", "Keely"], ["Sophie", "Sofie"], ["Leon"], ["Tyrone"],
        ["Kacper"], ["Isaac"], ["Ethan"], ["Jordan"], ["Kyle"], ["Ryan"], ["Olamide"], ["Demarco"], ["Reece", "Rhys", "Rees"],
        ["Aiden", "Aidan", "Ayden"], ["Jamal", "Jamaal"], ["Kayden", "Kaiden"], ["Leah", "Lea"], ["Mya", "Maya"],
        ["Nathaniel"], ["Oluwaseun"], ["Precious"], ["Shanice", "Shaniece"], ["Tiago"], ["Yusuf", "Youssef", "Yousef"],
        ["Ibrahim", "Ebrahim"], ["Hamza", "Hamzah"], ["Kwame"], ["Chidi"], ["Dylan", "Dillon"], ["Harvey"], ["Lewis", "Louis"],
        ["Marcus", "Markus"], ["Nathan"], ["Oscar"], ["Riley", "Rylee"], ["Tanisha"], ["Jasmine", "Jasmin"], ["Liam"],
    ]

    /// Surnames, grouped by spelling variant.
    package static let surnameVariants: [[String]] = [
        ["Smith", "Smyth"], ["Jones"], ["Williams"], ["Taylor"], ["Brown"], ["Ahmed", "Ahmad"], ["Ali"], ["Khan"],
        ["Hussain", "Hussein", "Husain"], ["Begum"], ["Okafor"], ["Adeyemi"], ["Mensah"], ["Campbell"], ["Clarke", "Clark"],
        ["Nowak"], ["Kowalski"], ["O'Brien", "OBrien"], ["Murphy"], ["Walker"], ["Wright"], ["Robinson"], ["Thompson", "Thomson"],
        ["Evans"], ["Patel"], ["Shah"], ["Mohamud", "Mohamoud"], ["Yusuf"], ["Hassan", "Hasan"], ["Osei"], ["Boateng"],
        ["Francis"], ["Grant"], ["Reid", "Reed"], ["Hughes"], ["Green", "Greene"], ["Lewis"], ["Harris"], ["Martin"],
        ["McCarthy", "MacCarthy"], ["Da Silva", "DaSilva"], ["Abdi"], ["Mahamed"], ["Owusu"], ["Johnson", "Johnston"],
        ["Phillips", "Philips"], ["Stewart", "Stuart"], ["Bailey"], ["Richards"], ["Gordon"],
    ]

    /// Street names and nicknames.
    package static let aliases = [
        "Biggz", "Tiny", "Bugsy", "Ghost", "Skeng", "Rico", "Smokes", "Chunks", "Lil T", "Dee", "Snoop", "Racks", "Blade", "Kid",
        "Spider", "Tank", "Moneybags", "J-Dog", "Shadow", "Zeus",
    ]

    /// Names that lines trade under.
    package static let lineNames = [
        "Tony", "Jerry", "Sparks", "Bando", "Kane", "Ricky", "Milly", "Benz", "Zara", "Dolla", "Rocco", "Jimmy", "Bravo", "Max",
        "Kenny", "Gucci", "Nando", "Ace", "Polo", "Romeo", "Frosty", "Kash", "Sonic", "Blue", "Mo",
    ]

    /// Street names for addresses.
    package static let streets = [
        "Station Road", "Church Lane", "Victoria Street", "Mill Road", "Park Avenue", "Queens Road", "King Street",
        "Grove Terrace", "Albert Road", "Elm Close", "Manor Way", "The Crescent",
    ]
}
