import Foundation

/// The recent calls of one tenant's API, kept sorted by effective completion so that a quota
/// decision costs a few binary searches instead of counting up to an hour of calls
/// (docs/PERFORMANCE.md, "Client CPU per action").
///
/// A copy of the ledger in the state file, never the truth: `LedgerMirror` rebuilds it from
/// the file whenever anyone else changed the ledger. Its fills equal
/// `SlidingWindowLedger.fills` over the same calls (the quota arithmetic), which
/// `LedgerWindowTests` checks on seeded ledgers.
///
/// A call's *effective completion* is `completedAt`, or its `deadline` if it never completed
/// (its process died; a call still in flight has a later deadline). It counts in a window of
/// W seconds while that is after `now - W`; a call sent "in the future" by a process whose
/// clock runs ahead counts until its `sentAt`.
public struct LedgerWindow: Sendable {
    /// One ledger entry, in seconds since 1970.
    public struct Call: Sendable, Equatable {
        public var id: Int64
        public var sentAt: Double
        public var completedAt: Double?
        public var deadline: Double

        public init(id: Int64, sentAt: Double, completedAt: Double?, deadline: Double) {
            self.id = id
            self.sentAt = sentAt
            self.completedAt = completedAt
            self.deadline = deadline
        }

        var done: Double { completedAt ?? deadline }
        func isInFlight(at now: Double) -> Bool { completedAt == nil && deadline > now }
    }

    /// Sort key: effective completion, then id (unique).
    private struct Key: Comparable {
        var done: Double
        var id: Int64
        static func < (a: Key, b: Key) -> Bool { a.done != b.done ? a.done < b.done : a.id < b.id }
    }

    private var calls: [Int64: Call] = [:]
    private var order: [Key] = []
    /// The latest `sentAt` held: calls sent ahead of `now` exist only when it is after `now`.
    private var latestSent = -Double.infinity
    /// Calls missing from this copy completed (effectively) at or before `horizon` and were
    /// sent at or before `sentBefore`: fills are exact only at instants after both (`covers`).
    public private(set) var horizon: Double
    public private(set) var sentBefore: Double

    /// A window holding `calls` read at `now`: every call that completed (effectively) after
    /// `now - longest`, or whose deadline is after `now`.
    public init(calls: [Call], readAt now: Double, longest: TimeInterval) {
        horizon = now - longest
        sentBefore = now
        for call in calls {
            self.calls[call.id] = call
            latestSent = max(latestSent, call.sentAt)
        }
        order = calls.map { Key(done: $0.done, id: $0.id) }.sorted()
    }

    public var count: Int { calls.count }

    /// Whether fills at `now` for windows up to `longest` seconds are exact: no missing call
    /// can count then.
    public func covers(now: Double, longest: TimeInterval) -> Bool {
        now - longest >= horizon && now >= sentBefore
    }

    /// A call was reserved.
    public mutating func add(_ call: Call) {
        if let old = calls[call.id] { remove(Key(done: old.done, id: old.id)) }
        calls[call.id] = call
        insert(Key(done: call.done, id: call.id))
        latestSent = max(latestSent, call.sentAt)
    }

    /// A call completed at `at`.
    ///
    /// - Returns: false when this copy does not hold the call.
    @discardableResult
    public mutating func complete(id: Int64, at: Double) -> Bool {
        guard var call = calls[id] else { return false }
        remove(Key(done: call.done, id: id))
        call.completedAt = at
        calls[id] = call
        insert(Key(done: call.done, id: id))
        return true
    }

    /// Forgets the calls that can no longer count in a window of `longest` seconds at `now`
    /// or later: completed (effectively) before `now - longest`, sent and past their deadline.
    public mutating func prune(now: Double, longest: TimeInterval) {
        let cut = now - longest
        var dropped = 0
        for key in order {
            guard key.done <= cut, let call = calls[key.id], call.sentAt <= now, call.deadline <= now else { break }
            calls[key.id] = nil
            horizon = max(horizon, key.done)
            sentBefore = max(sentBefore, call.sentAt)
            dropped += 1
        }
        if dropped > 0 { order.removeFirst(dropped) }
    }

    /// How full each window of `policy` is at `now` (as `StateStore` reads the ledger).
    public func fills(policy: QuotaPolicy, now: Date) -> [WindowFill] {
        let now = now.timeIntervalSince1970
        // Calls in flight complete after now: they are at the end of the order.
        var inFlight = 0
        for key in order.reversed() {
            guard key.done > now else { break }
            if calls[key.id]!.isInFlight(at: now) { inFlight += 1 }
        }
        return policy.limits.map { limit in
            let cut = now - limit.window
            let first = firstIndex(after: cut)
            // Completed long ago, but sent after `now` by a clock that runs ahead: counts until `sentAt`.
            var ahead: [Double] = []
            if latestSent > now {
                for call in calls.values {
                    if let completed = call.completedAt, completed <= cut, call.sentAt > now, call.deadline > now {
                        ahead.append(call.sentAt)
                    }
                }
            }
            let counted = order.count - first + ahead.count
            let mustLeave = counted - limit.limit + 1
            guard mustLeave > 0 else { return WindowFill(limit: limit, counted: counted, inFlight: inFlight, releases: []) }
            var releases: [Double] = []
            var index = first
            while index < order.count, releases.count < mustLeave {
                let call = calls[order[index].id]!
                if !call.isInFlight(at: now) { releases.append(max(call.done + limit.window, call.sentAt)) }
                index += 1
            }
            let earliest = (releases + ahead).sorted().prefix(mustLeave).map(Date.init(timeIntervalSince1970:))
            return WindowFill(limit: limit, counted: counted, inFlight: inFlight, releases: Array(earliest))
        }
    }

    /// The index of the first call whose effective completion is after `instant`.
    private func firstIndex(after instant: Double) -> Int {
        firstIndex { $0.done > instant }
    }

    /// The first index of `order` where `isPast` holds (it holds for every later one too).
    private func firstIndex(where isPast: (Key) -> Bool) -> Int {
        var low = 0
        var high = order.count
        while low < high {
            let middle = (low + high) / 2
            if isPast(order[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }

    private mutating func insert(_ key: Key) {
        // New calls and completions land near the end: search from there.
        var index = order.count
        while index > 0, key < order[index - 1] { index -= 1 }
        order.insert(key, at: index)
    }

    private mutating func remove(_ key: Key) {
        let index = firstIndex { !($0 < key) }
        if index < order.count, order[index] == key { order.remove(at: index) }
    }
}
