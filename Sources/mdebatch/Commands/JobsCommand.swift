import ArgumentParser
import Foundation
import MDEBatchCore

/// `mdebatch jobs`: the jobs in the state file.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs", abstract: "List the jobs in the state file with their kind, inputs, counts and state.")

    @OptionGroup var state: StateOptions

    @Flag(help: "Print one JSON document: the state file and, per job, its job and summary objects (as in the JSON report).")
    var json = false

    func run() async throws {
        do {
            let store = try state.openExisting()
            if json {
                print(try JSONDocuments.encode(JSONDocuments.jobs(store: store, now: Date())))
                return
            }
            let jobs = try store.jobs()
            print(JobsTable(rows: try jobs.map { ($0, try store.counts(jobId: $0.id)) }).render())
        } catch {
            throw ExitStatus.fail(error)
        }
    }
}
