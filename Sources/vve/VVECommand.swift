import ArgumentParser
import Foundation
import VVEConfig
import VVECore
import VVEStore

/// The `vve` command line.
@main
struct VVECommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vve",
        abstract: "A borough's node in the regional exploitation-safeguarding network.",
        discussion: "Run commands inside a node's folder, or pass --dir or set VVE_HOME. docs/guide/cli.md documents every command.",
        version: SoftwareVersion.current,
        subcommands: [
            DemoCommand.self, InitCommand.self, RecordCommand.self, AuditCommand.self, CertCommand.self, PeerCommand.self, ServeCommand.self,
            PolicyCommand.self, SyncCommand.self, LookupCommand.self, StatusCommand.self, MissingCommand.self, CopyCommand.self,
            ConflictsCommand.self, ReviewCommand.self, DoctorCommand.self,
            LinkageKeyCommand.self, MatchQualityCommand.self, MatchCurveCommand.self,
            GenerateCommand.self, ReportCommand.self, BackupCommand.self,
        ])

    /// Parses and runs, after naming an unknown command as such (`CommandNames`).
    static func main() async {
        if let problem = CommandNames.unknown(in: Array(CommandLine.arguments.dropFirst()), root: Self.self) {
            Output.note("error: " + problem)
            Foundation.exit(ExitStatus.usage.rawValue)
        }
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
