import ArgumentParser

/// `mdebatch report` (being built).
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Not available yet.", shouldDisplay: false)

    func run() async throws {
        throw ExitStatus.fail(UsageError(description: "mdebatch report is not available yet."))
    }
}
