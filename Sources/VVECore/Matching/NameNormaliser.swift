/// Turns a name as a case worker typed it into the form match keys are made from.
///
/// Every node must compute identical keys for the same person, so the folding is a fixed
/// table here rather than the platform's Unicode transforms, which differ between versions.
/// Steps: lower case; Latin letters with diacritics to their base letters (é → e, ß → ss);
/// everything that is not a letter (spaces, hyphens, apostrophes, dots) removed; then a
/// spelling variant or nickname replaced by its canonical name from a small built-in table.
package enum NameNormaliser {
    /// The folded name: lower-case letters only, no variant mapping.
    package static func fold(_ name: String) -> String {
        var output = ""
        output.reserveCapacity(name.utf8.count)
        for scalar in name.unicodeScalars {
            if scalar.isASCII {
                let value = scalar.value
                if (0x41...0x5A).contains(value) {
                    output.unicodeScalars.append(Unicode.Scalar(value + 0x20)!)
                } else if (0x61...0x7A).contains(value) {
                    output.unicodeScalars.append(scalar)
                }
            } else if let base = latinBase[scalar] {
                output += base
            } else if scalar.properties.isAlphabetic {
                output += String(scalar).lowercased()
            }
        }
        return output
    }

    /// A forename's normal form: its first given name, folded, with a variant or nickname
    /// replaced by the canonical name (Mohammed → muhammad, Bill → william).
    package static func forename(_ forenames: String) -> String {
        let first = forenames.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) ?? ""
        let folded = fold(first)
        return forenameVariants[folded] ?? folded
    }

    /// A surname's normal form: all of it, folded (Smith-Jones → smithjones), with a
    /// spelling variant replaced by the canonical spelling.
    package static func surname(_ surname: String) -> String {
        let folded = fold(surname)
        return surnameVariants[folded] ?? folded
    }

    /// Each canonical forename with its spellings and nicknames, as found in UK case files.
    static let forenameGroups: [String: [String]] = [
        "muhammad": ["mohammed", "mohammad", "mohamed", "muhammed", "mohamad", "mohmmed", "mo"],
        "aaliyah": ["aliyah", "aleah", "aliya", "aaliya"],
        "jayden": ["jaden", "jaiden", "jaydon"],
        "aidan": ["aiden", "ayden", "aidan"],
        "kayden": ["kaiden", "caden"],
        "connor": ["conor", "conner"],
        "callum": ["calum"],
        "zainab": ["zaynab", "zeinab"],
        "chantelle": ["shantelle", "chantel"],
        "stephen": ["steven", "steve", "stevie"],
        "amir": ["ameer", "amier"],
        "abdullahi": ["abdullah", "abdulahi", "abdul"],
        "keeley": ["keely", "keighley"],
        "sophie": ["sofie", "sophia", "soph"],
        "reece": ["rhys", "rees", "reese"],
        "jamal": ["jamaal", "jamel"],
        "leah": ["lea", "lia"],
        "maya": ["mya", "maia"],
        "shanice": ["shaniece", "shaneece"],
        "yusuf": ["youssef", "yousef", "yousuf", "yusef"],
        "ibrahim": ["ebrahim", "ibraheem"],
        "hamza": ["hamzah"],
        "dylan": ["dillon", "dillan"],
        "louis": ["lewis"],
        "marcus": ["markus"],
        "riley": ["rylee", "reilly"],
        "jasmine": ["jasmin", "jas"],
        "william": ["bill", "billy", "will", "willie"],
        "robert": ["bob", "bobby", "rob", "robbie"],
        "nathaniel": ["nat", "nate", "nathanael"],
        "nathan": ["nath"],
        "jonathan": ["jon", "jonny", "johnny"],
        "michael": ["mike", "mikey", "mick"],
        "anthony": ["tony", "ant"],
        "alexander": ["alex", "alec", "sandy"],
        "thomas": ["tom", "tommy"],
        "daniel": ["dan", "danny"],
        "joseph": ["joe", "joey"],
        "samuel": ["sam", "sammy"],
        "christopher": ["chris", "kit"],
        "oluwaseun": ["seun"],
        "isaac": ["isaak", "izaak"],
        "kacper": ["casper", "kasper"],
        "tyrone": ["ty"],
        "ethan": ["eathan"],
        "oscar": ["oskar", "ozzy"],
    ]

    /// Each canonical surname with its spellings.
    static let surnameGroups: [String: [String]] = [
        "smith": ["smyth", "smithe"],
        "ahmed": ["ahmad", "ahmet"],
        "hussain": ["hussein", "husain", "hossain"],
        "clarke": ["clark"],
        "obrien": ["obryan"],
        "thompson": ["thomson", "tomson"],
        "mohamud": ["mohamoud", "mahamud", "mahmoud", "mahmood"],
        "hassan": ["hasan"],
        "reid": ["reed", "reade"],
        "green": ["greene"],
        "mccarthy": ["maccarthy"],
        "johnson": ["johnston", "jonson"],
        "phillips": ["philips"],
        "stewart": ["stuart"],
        "begum": ["begam"],
        "mahamed": ["mohamed"],
    ]

    static let forenameVariants: [String: String] = inverted(forenameGroups)
    static let surnameVariants: [String: String] = inverted(surnameGroups)

    private static func inverted(_ groups: [String: [String]]) -> [String: String] {
        var table: [String: String] = [:]
        for (canonical, variants) in groups {
            for variant in variants where variant != canonical { table[variant] = canonical }
        }
        return table
    }

    /// Latin letters with diacritics, and ligatures, to their base letters.
    static let latinBase: [Unicode.Scalar: String] = {
        let groups: [(String, String)] = [
            ("àáâãäåāăą", "a"), ("ÀÁÂÃÄÅĀĂĄ", "a"), ("çćĉċč", "c"), ("ÇĆĈĊČ", "c"), ("ďđ", "d"), ("ĎĐ", "d"),
            ("èéêëēĕėęě", "e"), ("ÈÉÊËĒĔĖĘĚ", "e"), ("ĝğġģ", "g"), ("ĜĞĠĢ", "g"), ("ĥħ", "h"), ("ĤĦ", "h"),
            ("ìíîïĩīĭįı", "i"), ("ÌÍÎÏĨĪĬĮİ", "i"), ("ĵ", "j"), ("Ĵ", "j"), ("ķ", "k"), ("Ķ", "k"), ("ĺļľŀł", "l"),
            ("ĹĻĽĿŁ", "l"), ("ñńņňŉ", "n"), ("ÑŃŅŇ", "n"), ("òóôõöøōŏő", "o"), ("ÒÓÔÕÖØŌŎŐ", "o"), ("ŕŗř", "r"),
            ("ŔŖŘ", "r"), ("śŝşšș", "s"), ("ŚŜŞŠȘ", "s"), ("ţťŧț", "t"), ("ŢŤŦȚ", "t"), ("ùúûüũūŭůűų", "u"),
            ("ÙÚÛÜŨŪŬŮŰŲ", "u"), ("ŵ", "w"), ("Ŵ", "w"), ("ýÿŷ", "y"), ("ÝŸŶ", "y"), ("źżž", "z"), ("ŹŻŽ", "z"),
            ("ß", "ss"), ("æ", "ae"), ("Æ", "ae"), ("œ", "oe"), ("Œ", "oe"), ("ð", "d"), ("Ð", "d"), ("þ", "th"), ("Þ", "th"),
        ]
        var table: [Unicode.Scalar: String] = [:]
        for (letters, base) in groups {
            for scalar in letters.unicodeScalars { table[scalar] = base }
        }
        return table
    }()
}
