import Foundation
import Logging

/// What every job kind works with: its record and plan, the store, the API, the quota,
/// the clock, its settings and stop, and the one metered call they all go through.
public struct JobContext: Sendable {
    public let job: JobRecord
    public let store: StateStore
    public let client: MDEClient
    public let tokens: TokenProvider
    public let gate: QuotaGate
    public let clock: any WallClock
    public let settings: JobSettings
    public let stop: StopController
    public let statistics: JobStatistics
    let logger: Logger
    let random: @Sendable () -> Double

    public init(
        job: JobRecord, store: StateStore, client: MDEClient, tokens: TokenProvider, gate: QuotaGate,
        clock: any WallClock, settings: JobSettings, stop: StopController, logger: Logger,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.job = job
        self.store = store
        self.client = client
        self.tokens = tokens
        self.gate = gate
        self.clock = clock
        self.settings = settings
        self.stop = stop
        self.statistics = JobStatistics()
        self.logger = logger
        self.random = random
    }

    /// The job's plan: what it sends and how.
    public var plan: JobPlan { job.effectivePlan }

    /// Every call of the job goes through this.
    var metered: MeteredCall {
        MeteredCall(
            jobId: job.id, store: store, gate: gate, tokens: tokens, clock: clock, stop: stop, statistics: statistics,
            maxRequests: settings.maxRequests, unreachableAfter: settings.unreachableAfter, logger: logger)
    }

    var finder: ActionFinder { ActionFinder(call: metered, client: client) }

    var dispatcher: JobDispatcher {
        JobDispatcher(
            jobId: job.id, store: store, tokens: tokens, clock: clock, settings: settings, stop: stop, statistics: statistics,
            logger: logger)
    }

    /// The retry delay after `attempt`, at least what the server asked for.
    func backoff(afterAttempt attempt: Int, failure: CallFailure? = nil) -> TimeInterval {
        max(settings.retry.delay(afterAttempt: max(attempt, 1), random: random()), failure?.retryAfter ?? 0)
    }

    /// How the run ended, from the state file.
    func outcome(counts: JobCounts) throws -> JobOutcome {
        var outcome = JobOutcome(
            job: try store.job(id: job.id), counts: counts, stopReason: stop.reason, requests: statistics.requests,
            rateLimited: statistics.rateLimited)
        if counts[.waitingForDevice] > 0 { outcome.busyDevices = try store.busyDevices(jobId: job.id) }
        return outcome
    }
}
