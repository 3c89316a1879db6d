import ArgumentParser

/// `mdebatch status` (being built).
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Not available yet.", shouldDisplay: false)

    func run() async throws {
        throw ExitStatus.fail(UsageError(description: "mdebatch status is not available yet."))
    }
}
