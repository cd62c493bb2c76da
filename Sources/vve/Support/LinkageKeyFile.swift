import ArgumentParser
import Foundation
import VVEConfig
import VVECore
import VVENet

/// Loads the linkage key node.yaml names, refusing one others can read.
func loadLinkageKey(_ configuration: NodeConfiguration, location: NodeLocation) throws -> LinkageKey {
    let path = location.resolve(configuration.linkageKey)
    guard FileManager.default.fileExists(atPath: path) else {
        throw CommandFailure(
            "no linkage key at \(path); every node of a region uses the same one: copy it there (mode 0600), or create the region's first with `vve linkage-key create \(path)`",
            status: .configError)
    }
    try PEMFiles.requirePrivate(path, what: "linkage key")
    guard let key = LinkageKey(hex: try PEMFiles.read(path, what: "linkage key")) else {
        throw CommandFailure("linkage key \(path) is not 64 or more hex digits; restore it from the region's copy", status: .configError)
    }
    return key
}
