import ArgumentParser
import MDEBatchCore

/// The `mdebatch` root command: a thin layer over `MDEBatchCore`.
@main
struct MDEBatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mdebatch",
        abstract: "Run Microsoft Defender for Endpoint 'Stop and quarantine file' actions in bulk.",
        version: MDEBatchVersion.current,
        subcommands: [
            RunCommand.self,
            ValidateCommand.self,
            ResumeCommand.self,
            StatusCommand.self,
            ReportCommand.self,
            CancelCommand.self,
            JobsCommand.self,
            EmulatorCommand.self,
        ]
    )
}
