import Foundation

extension CancelJob {
    /// The progress at this instant, from the state file and the cancel API's ledger.
    public func progress() throws -> ProgressSnapshot {
        let now = clock.now
        let counts = try store.cancelCounts(jobId: job.id)
        let open = counts["pending"] + counts["sending"]
        let failed = counts["failed"] + counts["not-found"]
        let done = counts["cancelled"] + counts["already-final"] + counts["cancel-requested"] + failed
        let usage = try gate.usage(api: .cancel)
        let lookback = (settings.policy.limits.map(\.window).max() ?? 3600) + settings.requestTimeout
        let ledger = try store.ledgerCalls(tenant: gate.tenant, api: QuotaAPI.cancel.rawValue, now: now, lookback: lookback)
        let estimate = QuotaSchedule.estimate(policy: settings.policy, ledger: ledger, now: now, additionalCalls: open)
        return ProgressSnapshot(
            done: done, total: done + open, failed: failed, windows: usage.map { ($0.used, $0.limit) },
            nextSlotIn: max(0, estimate.nextFreeSlot.timeIntervalSince(now)), eta: estimate.makespan,
            rateLimited: statistics.rateLimited)
    }
}
