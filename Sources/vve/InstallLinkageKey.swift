import ArgumentParser
import Foundation
import VVEConfig
import VVECore
import VVENet

/// `vve linkage-key install FILE`: puts the region's key where node.yaml's `linkage-key:`
/// says, mode 0600. A running `vve serve` picks it up at a peer's next request, or at once on
/// SIGHUP, so installing needs no restart.
struct InstallLinkageKey: ReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install the region's linkage key into this node, where node.yaml's `linkage-key:` says (mode 0600).",
        discussion: """
            A running `vve serve` starts serving changes and lookups at a peer's next request, or at once on SIGHUP: no restart.
            An installed key is never replaced: a node with another key than the region's matches nobody.

            Example:
              vve linkage-key install /media/usb/linkage.key --dir /srv/vve/camden
            """)

    @Argument(help: ArgumentHelp("The region's key, as `vve linkage-key create` wrote it.", valueName: "FILE"))
    var file: String

    @OptionGroup var location: NodeLocation

    func execute() throws {
        let configuration = try location.configuration()
        let target = location.resolve(configuration.linkageKey)
        let text = try PEMFiles.read(file, what: "linkage key")
        guard let key = LinkageKey(hex: text) else {
            throw CommandFailure(
                "\(file) is not a linkage key: it must be 64 or more hex digits, as `vve linkage-key create` writes; ask the region for its copy",
                status: .usage)
        }
        if FileManager.default.fileExists(atPath: target) {
            let installed = try PEMFiles.read(target, what: "linkage key")
            guard LinkageKey(hex: installed) == key else {
                throw CommandFailure(
                    "\(target) already holds another linkage key; vve never replaces one, since every match key changes with it. If it is wrong, move it aside and install again",
                    status: .configError)
            }
            try PEMFiles.requirePrivate(target, what: "linkage key")
            Output.line("\(target) already holds this key; nothing to do.")
            return
        }
        try PEMFiles.createAtomically(target, contents: key.hex + "\n", mode: 0o600)
        Output.line("Installed the linkage key at \(target) (mode 0600).")
        Output.line("A running `vve serve` uses it from a peer's next request; SIGHUP makes it look at once.")
    }
}
