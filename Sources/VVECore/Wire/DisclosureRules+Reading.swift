extension DisclosureRules {
    /// The rules a sent set names in its `threshold` and `roundingBase` members, checked to be
    /// no looser than the floor; nil, with the issue, otherwise.
    package static func read(from object: JSONObject, at path: FieldPath, issues: inout IssueCollector) -> DisclosureRules? {
        func integer(_ key: String) -> Int? {
            if case .integer(let number)? = object[key] { return Int(exactly: number) }
            return nil
        }
        guard let threshold = integer("threshold"), let base = integer("roundingBase"),
            case .success(let rules) = DisclosureRules.make(threshold: threshold, roundingBase: base)
        else {
            issues.add(path.appending("threshold"), object["threshold"], "must be rules no looser than the floor")
            return nil
        }
        return rules
    }
}
