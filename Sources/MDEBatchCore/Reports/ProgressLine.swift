import Foundation

/// What the progress line shows at one instant (docs/COMMANDS.md, "Progress and logs").
public struct ProgressSnapshot: Sendable, Equatable {
    public var done: Int
    public var total: Int
    public var failed: Int
    /// Calls counted in each window, with its limit.
    public var windows: [(used: Int, limit: RateLimit)]
    /// Seconds until the next free slot (0 when one is free now).
    public var nextSlotIn: TimeInterval
    /// Seconds until the last row is sent, from the exact quota arithmetic.
    public var eta: TimeInterval
    public var rateLimited: Int
    /// Rows waiting for a device busy with another action.
    public var waiting = 0

    public init(
        done: Int, total: Int, failed: Int, windows: [(used: Int, limit: RateLimit)], nextSlotIn: TimeInterval, eta: TimeInterval,
        rateLimited: Int
    ) {
        self.done = done
        self.total = total
        self.failed = failed
        self.windows = windows
        self.nextSlotIn = nextSlotIn
        self.eta = eta
        self.rateLimited = rateLimited
    }

    public static func == (lhs: ProgressSnapshot, rhs: ProgressSnapshot) -> Bool {
        lhs.done == rhs.done && lhs.total == rhs.total && lhs.failed == rhs.failed
            && lhs.windows.map(\.used) == rhs.windows.map(\.used) && lhs.windows.map(\.limit) == rhs.windows.map(\.limit)
            && lhs.nextSlotIn == rhs.nextSlotIn && lhs.eta == rhs.eta && lhs.rateLimited == rhs.rateLimited
            && lhs.waiting == rhs.waiting
    }

    /// One line, e.g. `412/3000 done, 3 failed | window 1m 100/100, 1h 512/1500 | next slot 41s | ETA 1h02m`.
    public func render() -> String {
        var parts = ["\(done)/\(total) done", "\(failed) failed"]
        if !windows.isEmpty {
            parts.append(
                "window "
                    + windows.map { "\(Self.windowName($0.limit.window)) \($0.used)/\($0.limit.limit)" }.joined(separator: ", "))
        }
        parts.append(nextSlotIn <= 0 ? "slot free" : "next slot \(DurationText.format(nextSlotIn))")
        parts.append(done >= total ? "done" : "ETA \(DurationText.format(eta))")
        if waiting > 0 { parts.append("\(waiting) waiting on busy devices") }
        if rateLimited > 0 { parts.append("\(rateLimited)×429") }
        return parts.joined(separator: " | ")
    }

    static func windowName(_ seconds: TimeInterval) -> String {
        DurationText.format(seconds)
    }
}

extension JobContext {
    /// The progress at this instant, from the state file and the ledger of `api`.
    func progress(api: QuotaAPI, done: Int, open: Int, failed: Int) throws -> ProgressSnapshot {
        let now = clock.now
        let policy = settings.policy
        // One read of the ledger serves the window counts and the estimate.
        let lookback = (policy.limits.map(\.window).max() ?? 3600) + settings.requestTimeout
        let ledger = try store.ledgerCalls(tenant: gate.tenant, api: api, now: now, lookback: lookback)
        let used = policy.limits.map { SlidingWindowLedger.occupancy(calls: ledger, window: $0.window, now: now) }
        let estimate = QuotaSchedule.estimate(policy: policy, ledger: ledger, now: now, additionalCalls: open)
        let nextSlot = QuotaSchedule.estimate(policy: policy, ledger: ledger, now: now, additionalCalls: 0).nextFreeSlot
        return ProgressSnapshot(
            done: done, total: done + open, failed: failed, windows: Array(zip(used, policy.limits)),
            nextSlotIn: max(0, nextSlot.timeIntervalSince(now)), eta: estimate.makespan,
            rateLimited: statistics.rateLimited)
    }
}
