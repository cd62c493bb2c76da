import ArgumentParser
import VVECore

/// Finds an unknown command before ArgumentParser does: given `vve recrod list --dir X`, the
/// parser would complain about `--dir`, an option that exists, instead of the command that
/// does not. Walks the words before the first option down the command tree.
enum CommandNames {
    /// The message for the first word that names no command, or nil when every word does.
    static func unknown(in arguments: [String], root: any ParsableCommand.Type) -> String? {
        var command = root
        var path = [name(of: root)]
        for word in arguments {
            let subcommands = command.configuration.subcommands
            guard !subcommands.isEmpty, word != "help", !["-h", "--help", "--version"].contains(word) else { return nil }
            let parent = path.joined(separator: " ")
            let shown = subcommands.filter { $0.configuration.shouldDisplay }.map(name(of:))
            if word.hasPrefix("-") {
                guard command.configuration.defaultSubcommand == nil else { return nil }
                return "`\(word)` goes after the command: `\(parent) COMMAND \(word) ...`, where COMMAND is one of \(shown.joined(separator: ", "))"
            }
            if let next = subcommands.first(where: { name(of: $0) == word || $0.configuration.aliases.contains(word) }) {
                command = next
                path.append(word)
                continue
            }
            // A command with a default subcommand takes arguments of its own.
            guard command.configuration.defaultSubcommand == nil else { return nil }
            let guess = Spelling.nearest(word, among: subcommands.map(name(of:))).map { " Did you mean `\($0)`?" } ?? ""
            return
                "`\(word)` is not a command of `\(parent)`.\(guess) The commands are \(shown.joined(separator: ", ")); `\(parent) --help` says more"
        }
        return nil
    }

    private static func name(of command: any ParsableCommand.Type) -> String {
        command.configuration.commandName ?? command._commandName
    }
}
