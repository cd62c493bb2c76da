import ArgumentParser

/// A command whose failures print as `vve: error: ...` with their exit status, written once
/// here so that each command writes only its own work.
///
/// `checkOptions()` runs first, before the node or any file is touched: range checks of
/// options belong there. It runs from `run()` rather than ArgumentParser's `validate()`,
/// which runs before `--help` is honoured, so that asking for help never prints an error.
protocol ReportingCommand: ParsableCommand {
    /// Checks the options alone, before the node or any file is touched.
    func checkOptions() throws
    /// The command's own work.
    func execute() throws
}

extension ReportingCommand {
    func checkOptions() throws {}

    func run() throws {
        try reportingFailures {
            try checkOptions()
            try execute()
        }
    }
}

/// The async form of `ReportingCommand`, for commands that serve or connect.
protocol AsyncReportingCommand: AsyncParsableCommand {
    /// Checks the options alone, before the node or any file is touched.
    func checkOptions() throws
    /// The command's own work.
    func execute() async throws
}

extension AsyncReportingCommand {
    func checkOptions() throws {}

    func run() async throws {
        try await reportingFailures {
            try checkOptions()
            try await execute()
        }
    }
}
