import ArgumentParser
import Foundation
import Logging
import MDEBatchCore

/// `mdebatch status [JOB] [--refresh] [--watch]`: a job's rows by outcome and actions by
/// status; with `--refresh`, the statuses are read from the API first (docs/REPORTS.md, "mdebatch status").
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a job's rows by outcome and actions by status; --refresh reads current statuses from the API.",
        discussion: """
            Without --refresh nothing is sent: the counts come from the state file. --refresh lists the job's open \
            actions through the list API (batches of ids, or the job's creation-time window), under the GET quota \
            shared with every other process on the state file, and stores their statuses. --watch refreshes every \
            --interval until no action is Pending or InProgress (exit 0); Ctrl-C stops it (exit 75, the statuses \
            read so far are kept).
            """)

    @Argument(help: "The job id (default: the latest job; see mdebatch jobs).")
    var job: String?

    @Flag(help: "Read the current action statuses from the API and store them.")
    var refresh = false

    @Flag(help: "Refresh until every action is final (implies --refresh).")
    var watch = false

    @Flag(
        help:
            "Print one JSON document (job, summary, busy devices) instead of the text; refresh rounds still go to standard error."
    )
    var json = false

    @Option(help: ArgumentHelp("Time between --watch rounds, on the job's clock, e.g. 30s or 2m.", valueName: "duration"))
    var interval: String = "30s"

    @OptionGroup var state: StateOptions
    @OptionGroup var quota: QuotaOptions
    @OptionGroup var api: APIOptions

    func validate() throws {
        guard let seconds = DurationText.parse(interval), seconds > 0 else {
            throw ValidationError("--interval takes a duration such as 30s or 2m, not '\(interval)'.")
        }
    }

    func run() async throws {
        let code: Int32
        do {
            let store = try state.openExisting()
            let (record, note) = try JobChoice.resolve(job, store: store)
            var refreshParts = ["mdebatch", "status", record.id, "--refresh"]
            if let path = state.state { refreshParts += ["--state", path] }
            let refreshCommand = refreshParts.map(ShellQuote.quote).joined(separator: " ")
            let plan = record.effectivePlan
            var reason: StopReason?
            var now = Date()
            if refresh || watch {
                if plan.target?.isEmulator == true {
                    throw UsageError(
                        description:
                            "Job \(record.id) was a rehearsal on the embedded emulator (--emulator); its actions ended with that emulator, so there is nothing to refresh."
                    )
                }
                // The job's target and pacing, with what was given here in their place.
                let overrides = PacingOverrides(
                    rates: quota.rate.isEmpty ? nil : try quota.limits(), requestTimeout: api.requestTimeoutSeconds,
                    timeScale: api.timeScale, timeOrigin: api.timeOrigin.flatMap(APIOptions.parseDate))
                let pacing = overrides.applied(to: plan.pacing).pacing
                let target = try APITarget.resolve(api, emulator: false, stored: plan.target, pacing: pacing)
                if let planned = plan.target {
                    let given = try target.jobTarget()
                    guard given.key == planned.key else {
                        throw PlanConflict.target(jobId: record.id, job: planned, given: given)
                    }
                }
                reason = try await refreshStatuses(of: record, store: store, target: target, policy: pacing.policy)
                now = target.clock.now
            }
            if json {
                print(try JSONDocuments.encode(JSONDocuments.status(jobId: record.id, store: store, now: now)))
            } else {
                print(
                    try StatusText.load(jobId: record.id, store: store, now: now, note: note, refreshCommand: refreshCommand)
                        .render())
            }
            code = ExitStatus.code(forStatusStop: reason)
            if let reason {
                Terminal.standardError(
                    "Status refresh stopped: \(reason). The statuses read so far are stored; run it again to carry on.")
            }
        } catch {
            throw ExitStatus.fail(error)
        }
        if code != ExitStatus.complete { throw ExitCode(code) }
    }

    /// Refreshes once, or until every action is final with `--watch`; Ctrl-C stops it.
    private func refreshStatuses(
        of record: JobRecord, store: StateStore, target: APITarget, policy: QuotaPolicy
    ) async throws -> StopReason? {
        let logger = Logger(label: "mdebatch")
        let stop = StopController()
        let seconds = DurationText.parse(interval) ?? 30
        let watch = self.watch
        return try await target.withEnvironment(logger: logger) { environment in
            let gate = QuotaGate(
                store: store, clock: target.clock, tenant: environment.ledgerKey, policy: policy,
                requestTimeout: target.clockRequestTimeout)
            let refresher = StatusRefresher(
                job: record, store: store, client: environment.client, tokens: environment.tokens, gate: gate,
                clock: target.clock, stop: stop, logger: logger)
            return try await withThrowingTaskGroup(of: Optional<StopReason?>.self) { group in
                group.addTask {
                    if watch {
                        return .some(
                            try await refresher.watch(interval: seconds) { round, report, tally in
                                Terminal.standardError(StatusText.round(round, jobId: record.id, report: report, tally: tally))
                            })
                    }
                    let report = try await refresher.refresh()
                    let tally = try store.actionTally(jobId: record.id)
                    Terminal.standardError(StatusText.round(nil, jobId: record.id, report: report, tally: tally))
                    return .some(report.stopReason)
                }
                group.addTask {
                    await JobDriver.watchSignals(stop: stop)
                    return .none
                }
                var result: StopReason?
                while let next = try await group.next() {
                    if case .some(let reason) = next {
                        result = reason
                        group.cancelAll()
                    }
                }
                return result
            }
        }
    }
}

/// Which job a command about one job means.
enum JobChoice {
    /// The named job, or the latest one with a note saying so.
    ///
    /// - Throws: `StoreError.unknownJob` naming the known jobs (exit 64), or a `UsageError`
    ///   when the state file holds no job.
    static func resolve(_ id: String?, store: StateStore) throws -> (JobRecord, note: String?) {
        if let id { return (try store.job(id: id), nil) }
        guard let latest = try store.jobs().first else {
            throw UsageError(
                description: "There are no jobs in the state file '\(store.path)'. Start one with: mdebatch run FILE")
        }
        return (latest, "the latest job in \(store.path)")
    }
}
