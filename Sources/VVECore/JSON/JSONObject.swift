/// The members of a JSON object, kept sorted by name with no name twice.
///
/// Record objects are small (a dozen members at most), so a sorted array beats a hash table:
/// no hashing on the hot paths of parsing, validating and encoding, and the canonical member
/// order comes for free.
package struct JSONObject: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    /// A member: its name and value.
    package typealias Element = (key: String, value: JSONValue)

    private var members: [Element]

    /// An object with no members.
    package init() {
        members = []
    }

    /// An object from members in any order; a later duplicate name replaces an earlier one.
    package init(_ elements: some Sequence<(String, JSONValue)>) {
        members = []
        for (key, value) in elements { self[key] = value }
    }

    package init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }

    /// An object from members already sorted by name, with no name twice. The parser, which
    /// has checked both, uses this.
    init(sortedUniqueMembers: [Element]) {
        members = sortedUniqueMembers
    }

    /// How many members there are.
    package var count: Int { members.count }

    /// Whether there are no members.
    package var isEmpty: Bool { members.isEmpty }

    /// The member names, in canonical order.
    package var keys: [String] { members.map(\.key) }

    /// The value of a member, or nil; setting nil removes the member.
    package subscript(key: String) -> JSONValue? {
        get {
            let index = position(of: key)
            // `.none`, spelled out: JSONValue is ExpressibleByNilLiteral, and a bare `nil` in a
            // conditional expression here became JSON null, so absent members read as null.
            guard index < members.count, members[index].key == key else { return .none }
            return members[index].value
        }
        set {
            let index = position(of: key)
            let present = index < members.count && members[index].key == key
            switch (present, newValue) {
            case (true, let value?): members[index].value = value
            case (true, nil): members.remove(at: index)
            case (false, let value?): members.insert((key, value), at: index)
            case (false, nil): break
            }
        }
    }

    /// Removes a member and returns its value.
    @discardableResult
    package mutating func removeValue(forKey key: String) -> JSONValue? {
        let value = self[key]
        self[key] = nil
        return value
    }

    /// The index of `key`, or of where it would be inserted (binary search).
    private func position(of key: String) -> Int {
        var low = 0
        var high = members.count
        while low < high {
            let middle = (low + high) / 2
            if members[middle].key < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    package func makeIterator() -> IndexingIterator<[Element]> {
        members.makeIterator()
    }

    package static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.elementsEqual(rhs.members) { $0.key == $1.key && $0.value == $1.value }
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(members.count)
        for member in members {
            hasher.combine(member.key)
            hasher.combine(member.value)
        }
    }
}
