import ArgumentParser
import Foundation
import MDEBatchCore

/// `mdebatch report [JOB] --format csv|json|jsonl|markdown [--output FILE]`: a job's report
/// from the state file, offline.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a job's report from the state file: CSV, JSON, JSON lines or Markdown.",
        discussion: """
            The CSV has the columns of the report 'run' writes; JSON is {"job", "summary", "items"} with the \
            same fields in camelCase; JSON lines is one item per line; Markdown is a summary for an incident \
            ticket. Nothing is sent: run 'mdebatch status JOB --refresh' first for current action statuses.
            """)

    @Argument(help: "The job id (default: the latest job; see mdebatch jobs).")
    var job: String?

    @Option(help: "csv, json, jsonl or markdown.")
    var format: ReportFormat = .csv

    @Option(
        name: [.short, .long],
        help: ArgumentHelp(
            "Write here instead of to standard output: a file is replaced atomically (mode 0600), a device or FIFO written in place; - is standard output.",
            valueName: "file"))
    var output: String?

    @OptionGroup var state: StateOptions

    func run() async throws {
        do {
            // Checked before anything is read: a bad path is a usage error (64).
            let output = self.output ?? "-"
            let destination = try OutputPath.check(output)
            let store = try state.openExisting()
            let (record, note) = try JobChoice.resolve(job, store: store)
            if let note { Terminal.standardError("Report of job \(record.id): \(note).") }
            var cancel = ["mdebatch", "cancel", record.id]
            if let path = state.state { cancel += ["--state", path] }
            let writer = ReportWriter(
                format: format, now: Date(), cancelCommand: cancel.map(ShellQuote.quote).joined(separator: " "))
            try writer.write(jobId: record.id, store: store, to: output)
            if case .descriptor = destination {} else { Terminal.standardError("Report: \(output)") }
        } catch {
            throw ExitStatus.fail(error)
        }
    }
}

extension ReportFormat: ExpressibleByArgument {}
