import ArgumentParser
import Foundation
import Logging
import MDEBatchCore
import MDEEmulator
import UnixSignals

/// Runs a job of either kind from the command line: target, credentials, signals,
/// progress, report and exit code. Everything it decides is in the core; this only wires it up.
struct JobDriver {
    /// How the job sends, on the target's clock.
    var settings: (any WallClock) throws -> JobSettings
    var quiet: Bool
    /// Where the CSV report goes (default: ./mdebatch-JOB.csv).
    var report: String?

    init(settings: @escaping (any WallClock) throws -> JobSettings, quiet: Bool, report: String?) {
        self.settings = settings
        self.quiet = quiet
        self.report = report
    }

    /// The driver of `run` and `resume`.
    /// Sends the job's pending rows (a quarantine or a cancel job); prints progress and the
    /// summary; writes the report.
    ///
    /// - Returns: the exit code.
    func send(job: JobRecord, store: StateStore, target: APITarget, resumeCommand: String) async throws -> Int32 {
        let lock = try JobLock(statePath: store.path, jobId: job.id)
        defer { withExtendedLifetime(lock) {} }
        var settings = try settings(target.clock)
        // The ledger counts in clock seconds: a call may last the real time-out, scaled.
        settings.requestTimeout = target.clockRequestTimeout
        let stop = StopController()
        let logger = Logger(label: "mdebatch")
        let reportPath = report ?? "mdebatch-\(job.id).csv"
        let quiet = quiet

        let outcome = try await target.withEnvironment(logger: logger) { environment in
            let gate = QuotaGate(
                store: store, clock: target.clock, tenant: environment.tenant, policy: settings.policy,
                requestTimeout: settings.requestTimeout)
            let runnable: any RunnableJob
            switch job.kind {
            case .quarantine:
                runnable = QuarantineJob(
                    job: job, store: store, client: environment.client, tokens: environment.tokens, gate: gate,
                    clock: target.clock, settings: settings, stop: stop, logger: logger)
            case .cancel:
                runnable = try CancelJob(
                    job: job, store: store, client: environment.client, tokens: environment.tokens, gate: gate,
                    clock: target.clock, settings: settings, stop: stop, logger: logger)
            }
            return try await withThrowingTaskGroup(of: JobOutcome?.self) { group in
                group.addTask { try await runnable.run() }
                group.addTask {
                    await Self.watchSignals(stop: stop)
                    return nil
                }
                if !quiet {
                    group.addTask {
                        await Self.showProgress(of: runnable, stop: stop)
                        return nil
                    }
                }
                var result: JobOutcome?
                while let next = try await group.next() {
                    if let next {
                        result = next
                        group.cancelAll()
                    }
                }
                return result!
            }
        }
        if !quiet && Terminal.standardErrorIsTerminal { Terminal.clearStatusLine() }
        try CSVReportWriter().write(jobId: job.id, store: store, to: reportPath)
        if let emulator = target.emulator { await emulator.stop() }
        print(RunSummary(outcome: outcome, reportPath: reportPath, resumeCommand: resumeCommand).render())
        return ExitStatus.code(for: outcome)
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

    /// A live line on a terminal; a plain line every 30 s otherwise.
    static func showProgress(of job: any RunnableJob, stop: StopController) async {
        let live = Terminal.standardErrorIsTerminal
        let interval: Duration = live ? .seconds(1) : .seconds(30)
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            guard let snapshot = try? job.progress() else { continue }
            let line = "\(job.job.id): " + snapshot.render()
            if live { Terminal.statusLine(line) } else { Terminal.standardError(line) }
        }
    }
}
