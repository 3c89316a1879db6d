import Foundation

/// What the quota allows right now.
public enum QuotaDecision: Sendable, Equatable {
    /// A call may be sent now.
    case granted
    /// No call may be sent before `until`; ask again then.
    case wait(until: Date)
    /// Only calls still in flight keep a window full: ask again when one of them completes.
    case waitForCompletion
}

/// The pure decision whether one more call fits every window of a policy.
///
/// A call occupies each window from `sentAt` until one window length after `completedAt` (while in
/// flight, indefinitely): the server counts arrival times, which latency shifts, so counting this way
/// keeps a correct client free of HTTP 429 whatever the latency was.
public enum SlidingWindowLedger {
    /// Decides whether one more call may be sent at `now`.
    ///
    /// A call counts against a window when it is in flight, when its release time (`completedAt` plus the
    /// window) is after `now`, or when its `sentAt` is after `now` (a clock slightly ahead).
    ///
    /// - Parameters:
    ///   - calls: Every call the ledger holds for this tenant and API (older ones are harmless).
    ///   - policy: The windows to respect.
    ///   - now: The current time.
    /// - Returns: `.granted`, the earliest instant worth asking again, or `.waitForCompletion` when a full
    ///   window can only be freed by a call that is still in flight.
    public static func decide(calls: [LedgerCall], policy: QuotaPolicy, now: Date) -> QuotaDecision {
        decide(fills: fills(calls: calls, policy: policy, now: now))
    }

    /// How many calls occupy the window of `window` seconds at `now`, counted by the same rule as
    /// `decide(calls:policy:now:)` (for a progress line's "calls in the current minute/hour").
    public static func occupancy(calls: [LedgerCall], window: TimeInterval, now: Date) -> Int {
        calls.reduce(0) { count, call in
            guard let release = call.releaseTime(window: window) else { return count + 1 }
            return release > now ? count + 1 : count
        }
    }
}
