import Foundation

/// The exact quota arithmetic behind every estimate the tool prints.
///
/// It schedules calls greedily: each call at the earliest instant every window admits it, with zero
/// latency (a call is released one window after it was sent). Under 100/1m + 1500/1h, 3,000 calls on an
/// empty ledger end at 74 minutes: 100 a minute for 15 minutes reaches 1,500, the hour window then
/// admits the next 100 at 60 minutes, and so on until the 3,000th call at 74 minutes.
public enum QuotaSchedule {
    /// The outcome of scheduling a number of calls.
    public struct Estimate: Sendable, Equatable {
        /// When the first of the scheduled calls is sent, or `nil` when none was asked for.
        public var firstSendAt: Date?
        /// When the last of the scheduled calls is sent, or `nil` when none was asked for.
        public var lastSendAt: Date?
        /// Seconds from `now` until the last call is sent (zero when none was asked for).
        public var makespan: TimeInterval
        /// The earliest instant one more call could be sent after the scheduled ones.
        public var nextFreeSlot: Date
    }

    /// Schedules `additionalCalls` more calls after the ones already in the ledger.
    ///
    /// Calls still in flight are assumed to complete at `now` (zero latency, as for every scheduled
    /// call). Runs in O(ledger · windows + additionalCalls · windows) time and O(sum of limits) memory,
    /// so a million calls take milliseconds.
    ///
    /// - Parameters:
    ///   - policy: The windows to respect.
    ///   - ledger: Calls already made for this tenant and API.
    ///   - now: The instant the schedule starts; no call is placed before it.
    ///   - additionalCalls: How many more calls to place.
    public static func estimate(
        policy: QuotaPolicy,
        ledger: [LedgerCall] = [],
        now: Date,
        additionalCalls: Int
    ) -> Estimate {
        let origin = now.timeIntervalSinceReferenceDate
        var windows = policy.limits.map { limit -> WindowState in
            let releases = ledger.map { call -> Double in
                let completed = (call.completedAt ?? now).timeIntervalSinceReferenceDate
                return max(completed + limit.window, call.sentAt.timeIntervalSinceReferenceDate)
            }
            return WindowState(limit: limit.limit, window: limit.window, releases: releases.filter { $0 > origin })
        }
        var first: Double?
        var last: Double?
        for _ in 0..<max(0, additionalCalls) {
            var sendAt = origin
            for index in windows.indices { sendAt = max(sendAt, windows[index].earliestAdmission) }
            for index in windows.indices { windows[index].record(release: sendAt + windows[index].window) }
            if first == nil { first = sendAt }
            last = sendAt
        }
        var next = origin
        for window in windows { next = max(next, window.earliestAdmission) }
        return Estimate(
            firstSendAt: first.map(Date.init(timeIntervalSinceReferenceDate:)),
            lastSendAt: last.map(Date.init(timeIntervalSinceReferenceDate:)),
            makespan: last.map { $0 - origin } ?? 0,
            nextFreeSlot: Date(timeIntervalSinceReferenceDate: next)
        )
    }

    /// A duration for people: "under a minute", "about 14m", "about 1h14m", "about 3h".
    ///
    /// Rounds to the nearest minute.
    public static func describe(seconds: TimeInterval) -> String {
        guard seconds.isFinite else { return "unknown" }
        if seconds < 60 { return "under a minute" }
        let minutes = Int((seconds / 60).rounded())
        if minutes < 60 { return "about \(minutes)m" }
        let hours = minutes / 60
        let rest = minutes % 60
        if rest == 0 { return "about \(hours)h" }
        return "about \(hours)h\(rest < 10 ? "0" : "")\(rest)m"
    }
}

/// The last `limit` release times of one window, oldest first, in a ring buffer.
///
/// A new call fits at `t` when fewer than `limit` releases lie after `t`, that is when the `limit`-th
/// latest release is not after `t`: with the buffer full, that is its oldest entry.
private struct WindowState {
    let limit: Int
    let window: TimeInterval
    private var ring: [Double]
    private var head = 0
    private var count = 0

    init(limit: Int, window: TimeInterval, releases: [Double]) {
        self.limit = limit
        self.window = window
        self.ring = Array(repeating: 0, count: limit)
        for release in releases.sorted().suffix(limit) { append(release) }
    }

    var earliestAdmission: Double {
        count < limit ? -Double.infinity : ring[head]
    }

    mutating func record(release: Double) {
        if count == 0 || release >= newest {
            append(release)
        } else {
            // Only a ledger call dated in the future can be released after a new call: keep order.
            var sorted = (0..<count).map { ring[(head + $0) % limit] }
            let position = sorted.firstIndex { $0 > release } ?? sorted.count
            sorted.insert(release, at: position)
            head = 0
            count = 0
            for value in sorted.suffix(limit) { append(value) }
        }
    }

    private var newest: Double { ring[(head + count - 1) % limit] }

    private mutating func append(_ release: Double) {
        if count < limit {
            ring[(head + count) % limit] = release
            count += 1
        } else {
            ring[head] = release
            head = (head + 1) % limit
        }
    }
}
