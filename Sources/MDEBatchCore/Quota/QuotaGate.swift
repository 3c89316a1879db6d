import Foundation

/// Hands out quota slots from the persisted ledger, and sleeps when there are none.
///
/// The decision itself is `SlidingWindowLedger.decide`, a pure function of the ledger
/// and `now`; this type only asks the store (one transaction per reservation, so every
/// process on the state file sees every call) and sleeps on the injected clock.
public struct QuotaGate: Sendable {
    public let store: StateStore
    public let clock: any WallClock
    public let tenant: String
    public let policy: QuotaPolicy
    public let requestTimeout: TimeInterval
    /// How long to wait before looking again when only calls in flight block a window.
    public var inFlightPoll: TimeInterval = 0.5
    /// One queue per API: only the worker at the head of it asks the ledger and sleeps.
    private let turnstiles: [QuotaAPI: Turnstile] = Dictionary(uniqueKeysWithValues: QuotaAPI.allCases.map { ($0, Turnstile()) })

    public init(store: StateStore, clock: any WallClock, tenant: String, policy: QuotaPolicy, requestTimeout: TimeInterval) {
        self.store = store
        self.clock = clock
        self.tenant = tenant
        self.policy = policy
        self.requestTimeout = requestTimeout
    }

    /// A reserved slot: the call may leave now.
    public struct Slot: Sendable, Equatable {
        public var attemptId: Int64
        public var ledgerId: Int64
        public var sentAt: Date

        public init(attemptId: Int64, ledgerId: Int64, sentAt: Date) {
            self.attemptId = attemptId
            self.ledgerId = ledgerId
            self.sentAt = sentAt
        }
    }

    /// Waits for a slot of `api` and reserves it; for `.send`, marks the row `sending` in the
    /// same transaction.
    ///
    /// - Returns: nil when the job is stopping or the row is no longer sendable.
    public func reserve(_ purpose: SlotPurpose, jobId: String, api: QuotaAPI, stop: StopController) async throws -> Slot? {
        let turnstile = turnstiles[api]!
        try await turnstile.enter()
        defer { turnstile.leave() }
        while !stop.isStopping {
            let now = clock.now
            let policy = self.policy
            let reservation = try store.reserveSlot(
                for: purpose, jobId: jobId, tenant: tenant, api: api, now: now,
                requestTimeout: requestTimeout, policy: policy
            ) { fills, pausedUntil in
                Self.decide(fills: fills, pausedUntil: pausedUntil, now: now)
            }
            switch reservation {
            case .granted(let attemptId, let ledgerId):
                return Slot(attemptId: attemptId, ledgerId: ledgerId, sentAt: now)
            case .wait(let until):
                try await stop.sleep(until: until, on: clock)
            case .waitForCompletion:
                try await stop.sleep(until: now.addingTimeInterval(inFlightPoll), on: clock)
            case .notSendable:
                return nil
            }
        }
        return nil
    }

    /// The pure decision: a 429 pause first, then both windows.
    static func decide(fills: [WindowFill], pausedUntil: Date?, now: Date) -> SlotDecision {
        if let pausedUntil, pausedUntil > now { return .wait(until: pausedUntil) }
        switch SlidingWindowLedger.decide(fills: fills) {
        case .granted: return .go
        case .wait(let until): return .wait(until: until)
        case .waitForCompletion: return .waitForCompletion
        }
    }
}
