import Foundation

/// One call recorded in the quota ledger.
public struct LedgerCall: Sendable, Hashable {
    /// When the request left (or was reserved to leave).
    public var sentAt: Date
    /// When its response arrived or it failed; `nil` while it is in flight.
    public var completedAt: Date?

    /// Creates a ledger entry.
    public init(sentAt: Date, completedAt: Date?) {
        self.sentAt = sentAt
        self.completedAt = completedAt
    }

    /// Whether the call is still in flight.
    public var isInFlight: Bool { completedAt == nil }

    /// The instant from which this call no longer counts against a window of `window` seconds, or `nil`
    /// while it is in flight (it counts indefinitely).
    ///
    /// The server counts arrival times, and latency moves an arrival anywhere between `sentAt` and
    /// `completedAt`; so a call is safe to forget only one window after its response. A call whose
    /// `sentAt` is later than that (another process whose clock runs ahead) counts until `sentAt`.
    public func releaseTime(window: TimeInterval) -> Date? {
        guard let completedAt else { return nil }
        return max(completedAt.addingTimeInterval(window), sentAt)
    }
}
