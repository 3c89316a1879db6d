import Foundation

/// How full one window of a policy is at an instant: what the quota decision needs, and no
/// more. The store computes it from its copy of the recent ledger (`LedgerWindow`, kept by
/// `LedgerMirror`) in a few binary searches, so a decision does not count an hour of calls;
/// `SlidingWindowLedger` computes the same from a list of calls, for the arithmetic and its
/// tests.
public struct WindowFill: Sendable, Equatable {
    public var limit: RateLimit
    /// Calls that count in the window now, in flight included.
    public var counted: Int
    /// Of those, calls still in flight: they count until they complete.
    public var inFlight: Int
    /// The earliest release times of the counted calls that are not in flight, ascending:
    /// at least `counted - limit + 1` of them when that many exist.
    public var releases: [Date]

    public init(limit: RateLimit, counted: Int, inFlight: Int, releases: [Date]) {
        self.limit = limit
        self.counted = counted
        self.inFlight = inFlight
        self.releases = releases
    }

    /// How many counted calls must leave before one more fits (0 when one fits now).
    public var mustLeave: Int { max(0, counted - limit.limit + 1) }
}

extension SlidingWindowLedger {
    /// The pure decision over every window's fill.
    public static func decide(fills: [WindowFill]) -> QuotaDecision {
        var latest: Date?
        var needsCompletion = false
        for fill in fills where fill.mustLeave > 0 {
            if fill.releases.count >= fill.mustLeave {
                let until = fill.releases[fill.mustLeave - 1]
                latest = max(latest ?? until, until)
            } else {
                needsCompletion = true
            }
        }
        if needsCompletion { return .waitForCompletion }
        if let latest { return .wait(until: latest) }
        return .granted
    }

    /// The fill of each window of `policy` at `now`, from a list of calls.
    public static func fills(calls: [LedgerCall], policy: QuotaPolicy, now: Date) -> [WindowFill] {
        policy.limits.map { limit in
            var inFlight = 0
            var releases: [Date] = []
            for call in calls {
                if let release = call.releaseTime(window: limit.window) {
                    if release > now { releases.append(release) }
                } else {
                    inFlight += 1
                }
            }
            releases.sort()
            return WindowFill(limit: limit, counted: inFlight + releases.count, inFlight: inFlight, releases: releases)
        }
    }
}
