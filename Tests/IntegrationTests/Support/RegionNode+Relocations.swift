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
