import ArgumentParser
import Foundation
import VVECore
import VVEStore

/// `vve demo`: the region demo by default, or one node's record lifecycle.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Run a guided demo: a five-node region on loopback (default), or one node's record lifecycle.",
        subcommands: [RegionDemoCommand.self, NodeDemoCommand.self], defaultSubcommand: RegionDemoCommand.self)
}
