// The canonical encodings of the record types, written directly. Each writes the members of
// its `jsonValue` in byte order of their names; `CanonicalEncodingTests` holds every one
// equal to `JSONWriter.canonicalBytes(jsonValue)`.

extension JSONStringValue {
    package func writeCanonical(to writer: inout CanonicalJSONWriter) { writer.string(description) }
}

extension JSONEnumeration {
    package func writeCanonical(to writer: inout CanonicalJSONWriter) { writer.string(rawValue) }
}

extension AuthorityName: CanonicalJSONWritable {}
extension PhoneNumber: CanonicalJSONWritable {}
extension EmailAddress: CanonicalJSONWritable {}
extension Postcode: CanonicalJSONWritable {}
extension CalendarDate: CanonicalJSONWritable {}
extension PartialDate: CanonicalJSONWritable {}
extension Timestamp: CanonicalJSONWritable {}
extension RecordID: CanonicalJSONWritable {}
extension IntelligenceGrading: CanonicalJSONWritable {}
extension RecordKind: CanonicalJSONWritable {}
extension RecordStatus: CanonicalJSONWritable {}
extension RiskLevel: CanonicalJSONWritable {}
extension LinkedPersonRole: CanonicalJSONWritable {}
extension AccommodationType: CanonicalJSONWritable {}
extension RelocationReason: CanonicalJSONWritable {}
extension PerpetratorRole: CanonicalJSONWritable {}
extension DisruptionType: CanonicalJSONWritable {}
extension MissingRiskGrading: CanonicalJSONWritable {}
extension InterviewResponse: CanonicalJSONWritable {}
extension InterviewOutcome: CanonicalJSONWritable {}

extension InterviewOffer: CanonicalJSONWritable {
    package func writeCanonical(to writer: inout CanonicalJSONWriter) {
        writer.object { writer in writer.member("offeredAt", offeredAt) }
    }
}

extension MissingEpisode: CanonicalJSONWritable {
    package func writeCanonical(to writer: inout CanonicalJSONWriter) {
        writer.object { writer in
            writer.member("foundIn", foundIn)
            writer.member("homeAuthority", homeAuthority)
            writer.member("hostArea", hostArea)
            writer.member("interviewHeldAt", interviewHeldAt)
            writer.member("interviewHeldBy", interviewHeldBy)
            writer.member("interviewOffers", interviewOffers)
            writer.member("interviewOutcome", interviewOutcome)
            writer.member("interviewResponse", interviewResponse)
            writer.member("linkedRelocation", linkedRelocation)
            writer.member("person", person)
            writer.member("policeReference", policeReference)
            writer.member("reportedMissingAt", reportedMissingAt)
            writer.member("returnedAt", returnedAt)
            writer.member("riskGrading", riskGrading)
        }
    }
}

extension VersionVector: CanonicalJSONWritable {
    package func writeCanonical(to writer: inout CanonicalJSONWriter) {
        writer.object { writer in
            // Node names are lowercase ASCII, for which String order is byte order.
            for (node, count) in counters.sorted(by: { $0.key < $1.key }) {
                writer.key(text: node.rawValue)
                writer.integer(count)
            }
        }
    }
}

extension Person: CanonicalJSONWritable {
    package func writeCanonical(to writer: inout CanonicalJSONWriter) {
        writer.object { writer in
            writer.member("aliases", strings: aliases)
            writer.member("dateOfBirth", dateOfBirth)
            writer.member("forenames", forenames)
            writer.member("surname", surname)
        }
    }
}

extension Contact: CanonicalJSONWritable {
    package func writeCanonical(to writer: inout CanonicalJSONWriter) {
        writer.object { writer in
            writer.member("email", email)
            writer.member("name", name)
            writer.member("organisation", organisation)
            writer.member("phone", phone)
            writer.member("role", role)
        }
    }
}

extension LinkedPerson: CanonicalJSONWritable {
    package func writeCanonical(to writer: inout CanonicalJSONWriter) {
        writer.object { writer in
            writer.member("person", person)
            writer.member("role", role)
        }
    }
}

extension CuckooedAddress: CanonicalJSONWritable {
    package func writeCanonical(to writer: inout CanonicalJSONWriter) {
        writer.object { writer in
            writer.member("address", address)
            writer.member("postcode", postcode)
        }
    }
}

extension Disruption: CanonicalJSONWritable {
    package func writeCanonical(to writer: inout CanonicalJSONWriter) {
        writer.object { writer in
            writer.member("date", date)
            writer.member("note", note)
            writer.member("type", type)
        }
    }
}

extension Acknowledgement: CanonicalJSONWritable {
    package func writeCanonical(to writer: inout CanonicalJSONWriter) {
        writer.object { writer in
            writer.member("by", by)
            writer.member("date", date)
        }
    }
}

extension FollowUp: CanonicalJSONWritable {
    package func writeCanonical(to writer: inout CanonicalJSONWriter) {
        writer.object { writer in
            writer.member("date", date)
            writer.member("note", note)
        }
    }
}

extension CountyLinesLink: CanonicalJSONWritable {
    package func writeCanonical(to writer: inout CanonicalJSONWriter) {
        writer.object { writer in
            writer.member("cuckooedAddresses", cuckooedAddresses)
            writer.member("dealLines", dealLines)
            writer.member("exportingArea", exportingArea)
            writer.member("firstSeen", firstSeen)
            writer.member("grading", grading)
            writer.member("importingAreas", importingAreas)
            writer.member("lastSeen", lastSeen)
            writer.member("lineName", lineName)
            writer.member("linkedPeople", linkedPeople)
            writer.member("nrmReferral", nrmReferral)
            writer.member("riskLevel", riskLevel)
        }
    }
}

extension Relocation: CanonicalJSONWritable {
    package func writeCanonical(to writer: inout CanonicalJSONWriter) {
        writer.object { writer in
            writer.member("accommodationType", accommodationType)
            writer.member("acknowledgement", acknowledgement)
            writer.member("allocatedWorker", allocatedWorker)
            writer.member("followUps", followUps)
            writer.member("moveDate", moveDate)
            writer.member("originatingAuthority", originatingAuthority)
            writer.member("originatingSpoc", originatingSpoc)
            writer.member("reasonCategory", reasonCategory)
            writer.member("receivingAuthority", receivingAuthority)
            writer.member("receivingSpoc", receivingSpoc)
            writer.member("riskLevel", riskLevel)
            writer.member("youngPerson", youngPerson)
        }
    }
}

extension SharedPerpetrator: CanonicalJSONWritable {
    package func writeCanonical(to writer: inout CanonicalJSONWriter) {
        writer.object { writer in
            writer.member("areasOfActivity", areasOfActivity)
            writer.member("associatedLines", strings: associatedLines)
            writer.member("disruptions", disruptions)
            writer.member("person", person)
            writer.member("policeContact", policeContact)
            writer.member("riskLevel", riskLevel)
            writer.member("role", role)
        }
    }
}

extension RecordFields: CanonicalJSONWritable {
    package func writeCanonical(to writer: inout CanonicalJSONWriter) {
        switch self {
        case .countyLinesLink(let link): link.writeCanonical(to: &writer)
        case .relocation(let relocation): relocation.writeCanonical(to: &writer)
        case .sharedPerpetrator(let perpetrator): perpetrator.writeCanonical(to: &writer)
        case .missingEpisode(let episode): episode.writeCanonical(to: &writer)
        }
    }
}

extension CaseRecord: CanonicalJSONWritable {
    package func writeCanonical(to writer: inout CanonicalJSONWriter) {
        writer.object { writer in
            writer.member("createdAt", createdAt)
            if case .erased(let time) = content { writer.member("erasedAt", time) }
            writer.member("fields", fields)
            writer.member("id", id)
            writer.member("kind", kind)
            writer.member("owner", owner)
            writer.member("reviewDate", reviewDate)
            writer.member("status", status)
            writer.member("updatedAt", updatedAt)
            writer.member("version", version)
        }
    }
}
