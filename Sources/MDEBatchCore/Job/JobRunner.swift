import Foundation
import Logging

/// Runs a job of either kind until every row is final or something stops it: the lock,
/// the target check, reclaiming rows a dead process left `sending`, dispatch, progress,
/// and the report. The one job runner; commands only parse, call it, and print
/// (docs/ARCHITECTURE.md).
public struct JobRunner: Sendable {
    public var job: JobRecord
    public var store: StateStore
    public var settings: JobSettings
    public var clock: any WallClock
    public var stop: StopController
    public var logger: Logger
    /// Sees the progress every `progressInterval` of real time while the job runs.
    public var onProgress: (@Sendable (ProgressSnapshot) -> Void)?
    public var progressInterval: Duration
    /// Where the CSV report goes (the plan's, or this run's override).
    public var reportPath: String

    public init(
        job: JobRecord, store: StateStore, settings: JobSettings, clock: any WallClock, stop: StopController, logger: Logger,
        reportPath: String, onProgress: (@Sendable (ProgressSnapshot) -> Void)? = nil, progressInterval: Duration = .seconds(30)
    ) {
        self.reportPath = reportPath
        self.job = job
        self.store = store
        self.settings = settings
        self.clock = clock
        self.stop = stop
        self.logger = logger
        self.onProgress = onProgress
        self.progressInterval = progressInterval
    }

    /// How a run ended, and where its report is.
    public struct Result: Sendable {
        public var outcome: JobOutcome
        public var reportPath: String
    }

    /// Runs the job through `environment`.
    ///
    /// - Throws: `PlanConflict.target` (nothing sent) when the environment points at another
    ///   target than the job's; `JobLockError.busy` when another process runs the job;
    ///   store errors.
    public func run(environment: JobEnvironment) async throws -> Result {
        guard job.kind != .lookup else { throw StoreError.notRunnable(id: job.id) }
        let lock = try JobLock(statePath: store.path, jobId: job.id)
        defer { withExtendedLifetime(lock) {} }
        var job = try store.job(id: self.job.id)
        if let planned = job.effectivePlan.target {
            guard planned.key == environment.target.key else {
                throw PlanConflict.target(jobId: job.id, job: planned, given: environment.target)
            }
        } else {
            let resubmit = (try? QuarantineJobOptions(job: job))?.resubmit ?? false
            job = try store.bind(jobId: job.id, to: environment.target, resubmit: resubmit, now: clock.now)
        }
        let gate = QuotaGate(
            store: store, clock: clock, tenant: environment.ledgerKey, policy: settings.policy,
            requestTimeout: settings.requestTimeout)
        let context = JobContext(
            job: job, store: store, client: environment.client, tokens: environment.tokens, gate: gate, clock: clock,
            settings: settings, stop: stop, logger: logger)
        let runnable: any RunnableJob =
            job.kind == .quarantine ? QuarantineJob(context: context) : try CancelJob(context: context)
        let onProgress = onProgress
        let interval = progressInterval
        let outcome = try await withThrowingTaskGroup(of: JobOutcome?.self) { group in
            group.addTask { try await runnable.run() }
            if let onProgress {
                group.addTask {
                    while !Task.isCancelled {
                        do { try await Task.sleep(for: interval) } catch { return nil }
                        if let snapshot = try? runnable.progress() { onProgress(snapshot) }
                    }
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
        Failpoint.check(Failpoint.beforeReport)
        try CSVReportWriter().write(jobId: job.id, store: store, to: reportPath)
        return Result(outcome: outcome, reportPath: reportPath)
    }
}
