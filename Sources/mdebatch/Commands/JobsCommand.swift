import ArgumentParser
import MDEBatchCore

/// `mdebatch jobs`: the jobs in the state file.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs", abstract: "List the jobs in the state file with their kind, inputs, counts and state.")

    @OptionGroup var state: StateOptions

    func run() async throws {
        do {
            let store = try state.openExisting()
            let jobs = try store.jobs()
            print(JobsTable(rows: try jobs.map { ($0, try store.counts(jobId: $0.id)) }).render())
        } catch {
            throw ExitStatus.fail(error)
        }
    }
}
