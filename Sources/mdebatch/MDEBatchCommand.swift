import ArgumentParser
import Foundation
import Logging
import MDEBatchCore

/// The `mdebatch` root command: a thin layer over `MDEBatchCore`.
@main
struct MDEBatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mdebatch",
        abstract: "Run Microsoft Defender for Endpoint 'Stop and quarantine file' actions in bulk.",
        discussion: "Start with: mdebatch run samples/incident-2026-11-21-fleet.csv --emulator",
        version: "\(MDEBatchVersion.current) (commit \(BuildCommit.id))",
        subcommands: [
            RunCommand.self,
            ValidateCommand.self,
            ResumeCommand.self,
            StatusCommand.self,
            ReportCommand.self,
            CancelCommand.self,
            JobsCommand.self,
            TargetsCommand.self,
            EmulatorCommand.self,
        ]
    )

    /// Logs go to standard error, never into the summary on standard output, at `warning`
    /// unless `MDEBATCH_LOG_LEVEL` (trace, debug, info, …) says otherwise. No log line
    /// carries a secret: the core logs ids and counts only.
    static func main() async {
        let level = ProcessInfo.processInfo.environment["MDEBATCH_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        await main(nil)
    }
}
