/// The kinds of record a node holds and shares.
package enum RecordKind: String, Sendable, CaseIterable, JSONEnumeration, Comparable {
    case countyLinesLink = "county-lines-link"
    case relocation
    case sharedPerpetrator = "shared-perpetrator"
    case missingEpisode = "missing-episode"

    /// The statuses a record of this kind may have. Every kind can be closed.
    package var allowedStatuses: [RecordStatus] {
        switch self {
        case .countyLinesLink: [.active, .disrupted, .closed]
        case .relocation: [.active, .closed]
        case .sharedPerpetrator: [.active, .dormant, .closed]
        case .missingEpisode: [.missing, .returned, .closed]
        }
    }

    package static func < (lhs: RecordKind, rhs: RecordKind) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A record's lifecycle state, shared by all kinds; `RecordKind.allowedStatuses` says which apply.
package enum RecordStatus: String, Sendable, CaseIterable, JSONEnumeration {
    case active
    /// A county lines link whose line has been disrupted but may re-emerge.
    case disrupted
    /// A perpetrator not currently active (for example in custody).
    case dormant
    case closed
    /// A missing episode whose child has not returned; after `returned`, a reopened one.
    case missing
    /// A missing episode whose child has returned or been found.
    case returned
}

/// Assessed risk of harm, ordered from lowest to highest; merges keep the higher.
package enum RiskLevel: String, Sendable, CaseIterable, JSONEnumeration, Comparable {
    case low
    case medium
    case high
    case veryHigh = "very-high"

    package static func < (lhs: RiskLevel, rhs: RiskLevel) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The police grading of the risk to a missing child at the report, ordered from lowest to
/// highest; merges keep the higher.
package enum MissingRiskGrading: String, Sendable, CaseIterable, JSONEnumeration, Comparable {
    case noApparentRisk = "no-apparent-risk"
    case low
    case medium
    case high

    package static func < (lhs: MissingRiskGrading, rhs: MissingRiskGrading) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The record's risk level, the column every kind has: no apparent risk counts as low.
    package var riskLevel: RiskLevel {
        switch self {
        case .noApparentRisk, .low: .low
        case .medium: .medium
        case .high: .high
        }
    }
}

/// A child's answer to the offer of a return home interview.
package enum InterviewResponse: String, Sendable, CaseIterable, JSONEnumeration {
    case accepted
    case declined
}

/// What a return home interview led to, as a category: the interview's content stays in the
/// home authority's own case file.
package enum InterviewOutcome: String, Sendable, CaseIterable, JSONEnumeration {
    case noFurtherAction = "no-further-action"
    case earlyHelp = "early-help"
    case socialCareReferral = "social-care-referral"
    case exploitationConcern = "exploitation-concern"
    case policeReferral = "police-referral"
    case alreadyOpen = "already-open"
}

/// How a person is connected to a county lines link. Victims and perpetrators are never mixed
/// (a lesson of the Gangs Matrix enforcement notice).
package enum LinkedPersonRole: String, Sendable, CaseIterable, JSONEnumeration {
    case victim
    case exploiter
    case associate
}

/// Where a relocated young person was placed.
package enum AccommodationType: String, Sendable, CaseIterable, JSONEnumeration {
    case bedAndBreakfast = "bed-and-breakfast"
    case temporaryAccommodation = "temporary-accommodation"
    case relatives
    case socialHousing = "social-housing"
    case privateRented = "private-rented"
    case supportedAccommodation = "supported-accommodation"
    case fosterPlacement = "foster-placement"
    case residentialPlacement = "residential-placement"
    case other
}

/// Why a young person was moved out of borough.
package enum RelocationReason: String, Sendable, CaseIterable, JSONEnumeration {
    case threatOfViolence = "threat-of-violence"
    case criminalExploitation = "criminal-exploitation"
    case sexualExploitation = "sexual-exploitation"
    case gangAssociation = "gang-association"
    case domesticAbuse = "domestic-abuse"
    case other
}

/// What a shared perpetrator is known to do.
package enum PerpetratorRole: String, Sendable, CaseIterable, JSONEnumeration {
    case controller
    case lineHolder = "line-holder"
    case recruiter
    case enforcer
    case associate
}

/// A disruption tactic used against a perpetrator.
package enum DisruptionType: String, Sendable, CaseIterable, JSONEnumeration {
    /// Child Abduction Warning Notice.
    case cawn
    /// Slavery and Trafficking Prevention Order.
    case stpo
    /// Slavery and Trafficking Risk Order.
    case stro
    /// Criminal Behaviour Order.
    case cbo
    case injunction
    case arrest
    case charge
    case conviction
    case other
}

/// A region-wide name for an authority, node or area: lowercase letters, digits and hyphens,
/// starting with a letter (`camden`, `tower-hamlets`, `norfolk`).
package struct AuthorityName: Sendable, Hashable, Comparable, JSONStringValue {
    /// The name as written.
    package let rawValue: String

    /// Accepts a valid name exactly as written; nil otherwise.
    package init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard (2...63).contains(bytes.count), let first = bytes.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first),
            bytes.last != UInt8(ascii: "-"),
            bytes.allSatisfy({
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                    || $0 == UInt8(ascii: "-")
            })
        else { return nil }
        self.rawValue = text
    }

    /// The rule, for error messages.
    package static let rule = "must be 2-63 lowercase letters, digits or hyphens, starting with a letter (for example tower-hamlets)"

    package static let expectedForm = "an area name such as tower-hamlets"
    package static let formRule = rule
    package var description: String { rawValue }
    package static func < (lhs: AuthorityName, rhs: AuthorityName) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A telephone number in one canonical form: UK numbers as `0` and ten digits, others as `+` and digits.
/// Deal lines are matched across boroughs, so `+44 7700 900123` and `07700-900123` must be equal.
package struct PhoneNumber: Sendable, Hashable, JSONStringValue {
    /// The canonical digits.
    package let canonical: String

    /// Normalises a written number; nil when it is not a plausible number.
    package init?(_ text: String) {
        // Byte by byte: every accepted character is ASCII, so any other byte refuses the text.
        var digits: [UInt8] = []
        digits.reserveCapacity(16)
        var leadingPlus = false
        for (position, byte) in text.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits.append(byte)
            case UInt8(ascii: "+") where position == 0: leadingPlus = true
            case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "("), UInt8(ascii: ")"): continue
            default: return nil
            }
        }
        if leadingPlus, digits.starts(with: [UInt8(ascii: "4"), UInt8(ascii: "4")]) {
            digits = [UInt8(ascii: "0")] + digits.dropFirst(2)
            leadingPlus = false
        }
        if leadingPlus {
            guard (8...15).contains(digits.count) else { return nil }
            canonical = "+" + String(decoding: digits, as: UTF8.self)
        } else {
            guard digits.first == UInt8(ascii: "0"), (10...11).contains(digits.count) else { return nil }
            canonical = String(decoding: digits, as: UTF8.self)
        }
    }

    package static let expectedForm = "a telephone number"
    package static let formRule = "is not a telephone number; write a UK number such as 07700 900123 or an international one starting with +"
    package var description: String { canonical }
}

/// An email address, checked for shape only (one `@`, a dotted domain, no spaces).
package struct EmailAddress: Sendable, Hashable, JSONStringValue {
    /// The address, with the domain lowercased.
    package let address: String

    /// Accepts a plausible address; nil otherwise.
    package init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count <= 254, let at = bytes.firstIndex(of: UInt8(ascii: "@")), at > 0,
            bytes.lastIndex(of: UInt8(ascii: "@")) == at,
            !bytes.contains(where: { $0 <= 0x20 || $0 == 0x7F })
        else { return nil }
        let domain = bytes[(at + 1)...]
        guard domain.contains(UInt8(ascii: ".")), domain.first != UInt8(ascii: "."), domain.last != UInt8(ascii: ".") else {
            return nil
        }
        let lowered = domain.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 + 32 : $0 }
        address = String(decoding: bytes[...at] + lowered, as: UTF8.self)
    }

    package static let expectedForm = "an email address"
    package static let formRule = "is not an email address; write it as name@example.gov.uk"
    package var description: String { address }
}

/// A UK postcode in its canonical spaced, uppercase form (`NR1 1AA`).
package struct Postcode: Sendable, Hashable, JSONStringValue {
    /// The postcode, uppercase, with one space before the inward code.
    package let canonical: String

    /// Normalises a written postcode; nil when it does not have a postcode's shape.
    package init?(_ text: String) {
        let compact = text.uppercased().filter { $0 != " " }
        guard (5...7).contains(compact.count), compact.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            return nil
        }
        let inward = compact.suffix(3)
        let outward = compact.dropLast(3)
        guard inward.first!.isNumber, inward.dropFirst().allSatisfy(\.isLetter),
            outward.first!.isLetter, outward.contains(where: \.isNumber)
        else { return nil }
        canonical = "\(outward) \(inward)"
    }

    /// The postcode district (the outward code, such as `N17`): areas, never an address.
    package var district: String { String(canonical.prefix { $0 != " " }) }

    package static let expectedForm = "a UK postcode"
    package static let formRule = "is not a UK postcode; write it like NR1 1AA"
    package var description: String { canonical }
}
