import VVECore

/// A node's own settings, from `node.yaml` in the node's folder.
public struct NodeConfiguration: Sendable, Equatable {
    /// The node's name: its authority's region-wide name, which owns the records made here.
    public var name: AuthorityName
    /// The case store's file, relative to the node's folder unless absolute. Default `vve.sqlite`.
    public var database: String

    /// The file name of a node's configuration inside its folder.
    public static let fileName = "node.yaml"
    /// The default database file name.
    public static let defaultDatabase = "vve.sqlite"

    public init(name: AuthorityName, database: String = NodeConfiguration.defaultDatabase) {
        self.name = name
        self.database = database
    }

    /// Parses `node.yaml` text. `file` names the file in error messages.
    public static func parse(_ text: String, file: String) throws(ConfigErrors) -> NodeConfiguration {
        var reader = try YAMLMappingReader.document(text, file: file)
        let name = reader.value(
            "name", required: "set it to the node's authority name, such as `name: camden`", rule: AuthorityName.rule, AuthorityName.init)
        let database = reader.value(
            "database", rule: "must be a file name such as vve.sqlite",
            { $0.isEmpty || $0.hasSuffix("/") ? nil : $0 })
        reader.finish()
        guard let name, reader.errors.isEmpty else { throw ConfigErrors(reader.errors) }
        return NodeConfiguration(name: name.value, database: database?.value ?? defaultDatabase)
    }

    /// The file's text, as `vve init` writes it.
    public var yaml: String {
        """
        # vve node configuration. README.md, "Configuration", describes every setting.
        # The node's name: its authority's region-wide name. Records created here are owned by it.
        name: \(name)
        # The case store, relative to this folder.
        database: \(database)

        """
    }
}
