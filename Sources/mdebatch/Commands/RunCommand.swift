import ArgumentParser
import Foundation
import MDEBatchCore

/// `mdebatch run FILE...`: validate, deduplicate, submit one action per row, report.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Submit one Stop-and-quarantine action per valid row, within the API's limits, resumably.",
        discussion: """
            Credentials come from the environment only (MDE_TENANT_ID, MDE_CLIENT_ID with MDE_CLIENT_SECRET, \
            MDE_CLIENT_SECRET_FILE or MDE_CLIENT_CERTIFICATE; or MDE_ACCESS_TOKEN). Running the same command again \
            resumes the same job. Exit status: 0 complete, 1 complete with failed or rejected rows, 65 unusable \
            input, 75 stopped (run again to resume), 77 authentication or permission failure.
            """)

    @OptionGroup var input: InputOptions
    @OptionGroup var run: RunOptions

    @Flag(name: .customLong("dry-run"), help: "Ingest into the state file and print the plan; send nothing.")
    var dryRun = false

    @Flag(help: "Send rows even when another job in the state file already submitted them.")
    var resubmit = false

    @Flag(
        name: .customLong("all-matches"),
        help:
            "Send to every device a name matches (seen within 7 days of each other) instead of ending the row ambiguous-device-name."
    )
    var allMatches = false

    func run() async throws {
        do {
            let store = try run.send.state.open()
            let options = QuarantineJobOptions(
                ingest: input.ingestOptions, commentTag: !run.send.noCommentTag, resubmit: resubmit, allMatches: allMatches)
            let overrides = try run.overrides()
            // The target the job is keyed by. Name a missing credential before reading a
            // million rows; a dry run may go without (its first real run binds the job).
            let probe = try APITarget.resolve(run.send.api, emulator: run.emulator, stored: nil, pacing: overrides.forNewJob)
            let target = try probe.jobTarget(dryRun: dryRun)

            let result = try JobIngest.ingest(
                input.sources, names: input.files, options: options, target: target, pacing: overrides.forNewJob, store: store,
                now: Date())
            guard let job = result.creation.job else {
                for error in result.summary.fileErrors { Terminal.standardError("Error: \(error)") }
                throw ExitCode(ExitStatus.inputUnusable)
            }
            if case .existing = result.creation {
                Terminal.standardError("Resuming job \(job.id) (same inputs and target as before; state \(job.state.rawValue)).")
            } else {
                Terminal.standardError("Created job \(job.id) with \(job.rowCount) rows in \(store.path).")
            }
            let pacing = JobDriver.pacing(of: job, overrides: overrides)
            if dryRun {
                let counts = try store.counts(jobId: job.id)
                let rejected = try store.rows(jobId: job.id, state: .invalid, limit: IngestReport.rejectedShown)
                    .map { (RowLocation(source: $0.source, line: $0.line), $0.errorCode ?? "invalid", $0.errorMessage ?? "") }
                let toSend = counts.open
                let policy = pacing.policy
                let seconds = QuotaSchedule.estimate(policy: policy, now: Date(), additionalCalls: toSend).makespan
                let report = IngestReport(
                    inputs: input.files, summary: result.summary, rejected: rejected,
                    alreadySubmitted: counts[.alreadySubmitted], policy: policy, quotaSeconds: seconds)
                print("Job \(job.id) (dry run: nothing was sent)")
                print(
                    "Target: "
                        + (job.effectivePlan.target.map { "\($0)" } ?? "not bound yet (no credentials); its first run binds it"))
                print(report.render())
                print("Run without --dry-run to submit \(toSend) actions.")
                return
            }
            let apiTarget = try APITarget.resolve(
                run.send.api, emulator: run.emulator, stored: job.effectivePlan.target, pacing: pacing)
            let code = try await run.send.driver(refreshNames: run.refreshNames).send(
                job: job, store: store, target: apiTarget, pacing: pacing)
            if code != 0 { throw ExitCode(code) }
        } catch {
            throw ExitStatus.fail(error)
        }
    }
}
