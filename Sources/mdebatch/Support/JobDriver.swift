import ArgumentParser
import Foundation
import Logging
import MDEBatchCore
import UnixSignals

/// Runs a job from the command line: the core's `JobRunner` with signals, the live line,
/// the summary and the exit code. Everything it decides is in the core.
struct JobDriver {
    var quiet: Bool
    /// `--state` as given, for the resume command (nil: the default state file).
    var statePath: String?
    /// `--deadline`, in clock seconds from the start.
    var deadline: TimeInterval?
    /// `--max-requests`.
    var maxRequests: Int?
    /// `--refresh-names`.
    var refreshNames = false

    /// The pacing of this run: the job's, with what this command line gave in its place;
    /// prints what differs from the job's.
    static func pacing(of job: JobRecord, overrides: PacingOverrides) -> JobPacing {
        let (pacing, notes) = overrides.applied(to: job.effectivePlan.pacing)
        for note in notes { Terminal.standardError("For this run: \(note).") }
        return pacing
    }

    /// Sends the job's pending rows (a quarantine or a cancel job); prints progress and the
    /// summary; the runner writes the report.
    ///
    /// - Returns: the exit code.
    func send(job: JobRecord, store: StateStore, target: APITarget, pacing: JobPacing) async throws -> Int32 {
        // A report path that cannot be written is a usage error before the first request,
        // never a failure after the work is done.
        let reportPath = pacing.reportPath(jobId: job.id)
        let report = try OutputPath.check(reportPath)
        let clock = target.clock
        var settings = JobSettings(
            pacing: pacing, requestTimeout: target.clockRequestTimeout,
            deadline: deadline.map { clock.now.addingTimeInterval($0) }, maxRequests: maxRequests)
        // Calls in flight at a stop get ten real seconds, whatever the clock's scale.
        settings.grace = 10 * target.scale
        settings.refreshNames = refreshNames
        let stop = StopController()
        let logger = Logger(label: "mdebatch")
        let live = Terminal.standardErrorIsTerminal
        let jobId = job.id
        let show: @Sendable (ProgressSnapshot) -> Void = { snapshot in
            let line = "\(jobId): " + snapshot.render()
            if live { Terminal.statusLine(line) } else { Terminal.standardError(line) }
        }
        let runner = JobRunner(
            job: job, store: store, settings: settings, clock: clock, stop: stop, logger: logger,
            reportPath: reportPath, onProgress: quiet ? nil : show,
            progressInterval: live ? .seconds(1) : .seconds(30))
        let result = try await target.withEnvironment(logger: logger) { environment in
            try await withThrowingTaskGroup(of: JobRunner.Result?.self) { group in
                group.addTask { try await runner.run(environment: environment) }
                group.addTask {
                    await Self.watchSignals(stop: stop)
                    return nil
                }
                var result: JobRunner.Result?
                while let next = try await group.next() {
                    if let next {
                        result = next
                        group.cancelAll()
                    }
                }
                return result!
            }
        }
        if !quiet && live { Terminal.clearStatusLine() }
        let resume = ResumeHint.command(jobId: job.id, statePath: statePath)
        let summary = RunSummary(outcome: result.outcome, reportPath: result.reportPath, resumeCommand: resume).render()
        // With the report on standard output, the summary goes to standard error.
        if report == .descriptor(STDOUT_FILENO) { Terminal.standardError(summary) } else { print(summary) }
        return ExitStatus.code(for: result.outcome)
    }

    /// First SIGINT/SIGTERM: stop gracefully. Second: exit at once (the state file is
    /// consistent at every instant, so nothing is lost).
    static func watchSignals(stop: StopController) async {
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        var count = 0
        for await signal in signals {
            count += 1
            if count == 1 {
                Terminal.standardError("\nStopping after the requests in flight (\(signal)); press Ctrl-C again to quit at once.")
                stop.stop(.signal)
            } else {
                Terminal.standardError("Quitting now. Run the same command again to resume.")
                exit(ExitStatus.stopped)
            }
        }
    }
}
