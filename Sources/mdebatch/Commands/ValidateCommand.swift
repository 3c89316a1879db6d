import ArgumentParser
import Foundation
import MDEBatchCore

/// `mdebatch validate FILE...`: checks inputs offline; sends nothing, writes no state.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check input files offline: counts, rejected rows with file:line, and the time the quota needs.",
        discussion: "Exit status: 0 when every row is valid, 1 when some rows are rejected, 65 when an input is unusable.")

    @OptionGroup var input: InputOptions
    @OptionGroup var quota: QuotaOptions

    @Flag(help: "Print one JSON document (counts, reasons, first rejected rows, quota time) instead of the text.")
    var json = false

    func run() async throws {
        do {
            let policy = try quota.policy()
            var rejected: [(location: RowLocation, code: String, message: String)] = []
            let summary = try IngestPipeline(options: input.ingestOptions).run(input.sources) { row in
                guard rejected.count < IngestReport.rejectedShown else { return }
                switch row.verdict {
                case .valid: break
                case .invalid(let reason, let message): rejected.append((row.location, reason.rawValue, message))
                case .duplicate(let first): rejected.append((row.location, "duplicate", "duplicate of \(first)"))
                }
            }
            let seconds = QuotaSchedule.estimate(policy: policy, now: Date(), additionalCalls: summary.validCount).makespan
            let report = IngestReport(
                inputs: input.files, summary: summary, rejected: rejected, policy: policy, quotaSeconds: seconds)
            print(json ? try JSONDocuments.encode(JSONDocuments.validation(report)) : report.render())
            if !summary.fileErrors.isEmpty { throw ExitCode(ExitStatus.inputUnusable) }
            if summary.invalidCounts.values.reduce(0, +) > 0 { throw ExitCode(ExitStatus.completeWithProblems) }
        } catch {
            throw ExitStatus.fail(error)
        }
    }
}
