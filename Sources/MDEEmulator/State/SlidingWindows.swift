/// Per-API sliding windows counted on arrival time. Pure bookkeeping: callers pass `now`.
///
/// A call is admitted when, for every window, fewer than `limit` admitted calls arrived in
/// `(now - window, now]`. Refused calls are not recorded, so a client that ignores 429s does not
/// push its own slots further out.
struct SlidingWindows: Sendable {
    let limits: [RateLimit]
    private var arrivals: [EmulatorInstant] = []
    private var head = 0

    init(limits: [RateLimit]) {
        self.limits = limits.filter { $0.limit > 0 }
    }

    enum Decision: Equatable {
        case admitted
        /// Refused; a slot frees after this long.
        case refused(retryAfter: Duration)
    }

    mutating func admit(at now: EmulatorInstant) -> Decision {
        prune(before: now)
        var wait = Duration.zero
        for limit in limits {
            let start = now.advanced(by: .zero - limit.window)
            // Arrivals are in order; the first index inside the window.
            let firstInside = firstIndex(after: start)
            let count = arrivals.count - firstInside
            if count >= limit.limit {
                let freeing = arrivals[firstInside + (count - limit.limit)]
                wait = max(wait, now.duration(to: freeing.advanced(by: limit.window)))
            }
        }
        if wait > .zero { return .refused(retryAfter: wait) }
        arrivals.append(now)
        return .admitted
    }

    private func firstIndex(after start: EmulatorInstant) -> Int {
        var low = head
        var high = arrivals.count
        while low < high {
            let mid = (low + high) / 2
            if arrivals[mid] > start { high = mid } else { low = mid + 1 }
        }
        return low
    }

    private mutating func prune(before now: EmulatorInstant) {
        guard let longest = limits.map(\.window).max() else { return }
        let start = now.advanced(by: .zero - longest)
        head = firstIndex(after: start)
        if head > 4096, head * 2 > arrivals.count {
            arrivals.removeFirst(head)
            head = 0
        }
    }
}

/// The API buckets MDE limits separately (each page of the API states its own limits).
public enum EmulatorAPI: String, Sendable, Codable, CaseIterable {
    case stopAndQuarantineFile
    case cancel
    case listActions
    case getAction
    /// `GET /api/machines`.
    case listMachines
    /// `GET /api/files/{id}`.
    case getFile
    /// `GET /api/files/{sha1}/machines`.
    case listFileMachines
}
