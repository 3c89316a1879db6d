import ArgumentParser
import Foundation
import MDEBatchCore

/// `mdebatch resume JOB`: carries on with a job by id.
struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Resume a job (quarantine or cancel) by id: look up what was in doubt, then send what is left.",
        discussion: """
            The job's stored plan decides its target (API base and tenant), what it sends, and how (rates, \
            concurrency, time-outs, attempts, visibility delay, report): nothing needs to be typed again. A pacing \
            option given here overrides the job's for this run only, and is printed. Credentials or an API base \
            that point at another target than the job's send nothing (exit 64).
            """)

    @Argument(help: "The job id (see mdebatch jobs).")
    var job: String

    @OptionGroup var run: RunOptions

    func run() async throws {
        do {
            let store = try run.send.state.open()
            let record = try store.job(id: job)
            let plan = record.effectivePlan
            // What a job sends is fixed: the one such flag a resume takes must agree.
            if run.send.noCommentTag && plan.hasCommentTag {
                throw PlanConflict.whatIsSent(
                    jobId: record.id,
                    differences: [
                        PlanDifference(option: "--no-comment-tag", jobValue: "off (comments end with the job tag)", given: "on")
                    ])
            }
            let pacing = JobDriver.pacing(of: record, overrides: try run.overrides())
            let target = try APITarget.resolve(run.send.api, emulator: run.emulator, stored: plan.target, pacing: pacing)
            let code = try await run.send.driver(refreshNames: run.refreshNames).send(
                job: record, store: store, target: target, pacing: pacing)
            if code != 0 { throw ExitCode(code) }
        } catch {
            throw ExitStatus.fail(error)
        }
    }
}
