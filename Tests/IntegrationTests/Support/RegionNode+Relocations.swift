import Foundation
import GRDB

extension RegionNode {
    /// Adds a relocation from this node to `receiving` for each person (surname Okonjo) with
    /// `vve record add`, and returns their ids.
    func addRelocations(to receiving: String = "haringey", people: [String]) throws -> [String] {
        try people.map { person in
            let document = """
                {"reviewDate": "\(TestDates.review)", "fields": {"youngPerson": {"forenames": "\(person)", "surname": "Okonjo", "dateOfBirth": "2011-03-04"}, \
                "originatingAuthority": "\(name)", "receivingAuthority": "\(receiving)", "moveDate": "\(TestDates.firstSeen)", \
                "accommodationType": "relatives", "reasonCategory": "threat-of-violence", "riskLevel": "high", \
                "originatingSpoc": {"name": "Ada Brennan", "phone": "020 7946 0001"}}}
                """
            let output = try check(
                VVE.run(
                    ["record", "add", "relocation", "--json", "-", "--dir", directory], environment: ["VVE_OPERATOR": "a.admin"],
                    stdin: Data(document.utf8))
            ).stdout
            return String(output.split(separator: " ")[2])
        }
    }

    /// Rewrites this node's store directly, as whoever controls a hostile node can.
    func tamper(_ statements: [(String, StatementArguments)]) throws {
        let queue = try DatabaseQueue(path: directory + "/vve.sqlite")
        defer { try? queue.close() }
        try queue.write { db in
            for (sql, arguments) in statements { try db.execute(sql: sql, arguments: arguments) }
        }
    }
}

extension RegionNode {
    /// The ids of the shared copies this node holds, in order, read straight from its store.
    func sharedCopyIDs() throws -> [String] {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: directory + "/vve.sqlite", configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in try String.fetchAll(db, sql: "SELECT id FROM shared_copy ORDER BY id") }
    }
}

extension TestRegion {
    /// camden, holding the region's linkage key, sharing relocations with haringey under
    /// `SyncTests.policy`, and haringey, which pins nothing yet. camden's file for haringey
    /// names port 1 until haringey serves.
    func camdenSharingWithHaringey() throws -> (camden: RegionNode, haringey: RegionNode) {
        let camden = try node("camden")
        let haringey = try node("haringey")
        try camden.createLinkageKey()
        try camden.pin(haringey, port: 1)
        try camden.setPolicy(for: "haringey", SyncTests.policy)
        return (camden, haringey)
    }
}
