import ArgumentParser

/// A command whose failures print as `vve: error: ...` with their exit status, written once
/// here so that each command writes only its own work.
///
/// `checkOptions()` runs before anything else, from ArgumentParser's `validate()`: range checks
/// of options belong there. Its failures print as a command failure would, without the usage
/// text, and exit with the failure's status.
protocol ReportingCommand: ParsableCommand {
    /// Checks the options alone, before the node or any file is touched.
    func checkOptions() throws
    /// The command's own work.
    func execute() throws
}

extension ReportingCommand {
    func checkOptions() throws {}

    func validate() throws {
        try reportingFailures { try checkOptions() }
    }

    func run() throws {
        try reportingFailures { try execute() }
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

    func validate() throws {
        try reportingFailures { try checkOptions() }
    }

    func run() async throws {
        try await reportingFailures { try await execute() }
    }
}
