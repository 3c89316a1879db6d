import ArgumentParser

/// `mdebatch cancel` (being built).
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Not available yet.", shouldDisplay: false)

    func run() async throws {
        throw ExitStatus.fail(UsageError(description: "mdebatch cancel is not available yet."))
    }
}
