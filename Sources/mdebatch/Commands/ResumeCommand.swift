import ArgumentParser
import Foundation
import MDEBatchCore

/// `mdebatch resume JOB`: carries on with a job by id.
struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Resume a job (quarantine or cancel) by id: look up what was in doubt, then send what is left.")

    @Argument(help: "The job id (see mdebatch jobs).")
    var job: String

    @OptionGroup var run: RunOptions

    func run() async throws {
        do {
            let store = try run.send.state.open()
            let record = try store.job(id: job)
            let driver = run.driver
            let target = try await run.target()
            var parts = ["mdebatch", "resume", job]
            if let state = run.send.state.state { parts += ["--state", state] }
            if run.emulator { parts.append("--emulator") }
            if let base = run.send.api.apiBase { parts += ["--api-base", base] }
            let code = try await driver.send(
                job: record, store: store, target: target, resumeCommand: parts.map(ShellQuote.quote).joined(separator: " "))
            if code != 0 { throw ExitCode(code) }
        } catch {
            throw ExitStatus.fail(error)
        }
    }
}
