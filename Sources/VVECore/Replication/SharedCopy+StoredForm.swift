// The copy as the store keeps it: implicit (fields and one version) when it can be, else whole.

extension SharedCopy {
    /// The version every register of this copy was written at by its owner, when that says it
    /// all (one write per register, none a removal, no erasure): the copy is then stored as
    /// it travels, as fields and that version, at about two thirds of the size. Nil otherwise.
    var implicitVersion: VersionVector? {
        guard replica.erasure == nil else { return nil }
        var shared: VersionVector?
        for (name, register) in replica.registers {
            guard register.writes.count == 1, name == "status" || name.hasPrefix("fields.") else { return nil }
            let write = register.writes[0]
            guard write.writer == owner, write.value != .null, shared == nil || shared == write.version else { return nil }
            shared = write.version
        }
        return shared
    }

    /// The copy as stored, as UTF-8: `JSONWriter.canonicalBytes(jsonValue)`. An implicit copy,
    /// most of what a first sync brings, is written directly, without building its document.
    package var storedBytes: [UInt8] {
        guard let version = implicitVersion else { return JSONWriter.canonicalBytes(jsonValue) }
        let fields = ReplicatedRecord.fieldRegisters(of: replica.kind).compactMap { member, name in
            replica.registers[name].map { (key: member, value: $0.writes[0].value) }
        }
        let implicit = ImplicitReplica(
            id: replica.id, owner: replica.owner, createdAt: replica.createdAt, version: version, fields: JSONObject(sortedUniqueMembers: fields),
            status: replica.registers["status"]?.writes[0].value)
        return Self.implicitBytes(implicit, kind: replica.kind, groups: groups, reviewDate: reviewDate, writable: writable)
    }

    /// The stored form of an implicit copy: written alike from a copy's registers
    /// (`storedBytes`) and from a copy as it arrived (`IncomingCopy`).
    static func implicitBytes(
        _ replica: ImplicitReplica, kind: RecordKind, groups: Set<String>, reviewDate: CalendarDate, writable: Set<String>
    ) -> [UInt8] {
        var writer = CanonicalJSONWriter(capacity: 1536)
        writer.object { writer in
            writer.member("createdAt", replica.createdAt)
            writer.key("fields")
            writer.object { writer in
                for (member, value) in replica.fields {
                    writer.key(text: member)
                    writer.value(value)
                }
            }
            writer.key("groups")
            writer.strings(kind.orderedGroupNames(groups))
            writer.member("id", replica.id)
            writer.member("implicit", true)
            writer.member("kind", kind)
            writer.member("owner", replica.owner)
            writer.member("reviewDate", reviewDate)
            if let status = replica.status {
                writer.key("status")
                writer.value(status)
            }
            writer.member("version", replica.version)
            writer.member("writable", strings: kind.orderedGroupNames(writable))
        }
        return writer.bytes
    }

    /// The copy as stored: the envelope, the groups and the registers.
    package var jsonValue: JSONValue {
        var members: JSONObject
        if let version = implicitVersion {
            var fields = JSONObject()
            for (name, register) in replica.registers where name.hasPrefix("fields.") {
                fields[String(name.dropFirst("fields.".count))] = register.writes[0].value
            }
            members = [
                "id": replica.id.jsonValue, "kind": replica.kind.jsonValue, "owner": replica.owner.jsonValue,
                "createdAt": replica.createdAt.jsonValue, "implicit": true, "version": version.jsonValue, "fields": .object(fields),
            ]
            members["status"] = replica.registers["status"]?.writes[0].value
        } else {
            members = replica.jsonValue.objectValue ?? JSONObject()
        }
        members["reviewDate"] = reviewDate.jsonValue
        members["groups"] = .array(replica.kind.orderedGroupNames(groups).map { .string($0) })
        if !writable.isEmpty { members["writable"] = .array(replica.kind.orderedGroupNames(writable).map { .string($0) }) }
        return .object(members)
    }
}
