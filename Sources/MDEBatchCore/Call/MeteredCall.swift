import Foundation
import Logging

/// One call under the quota — the only way the client calls the API for a job, a lookup,
/// a read-back or a status refresh (docs/ARCHITECTURE.md, "One metered call").
///
/// 1. Reserve a slot of the API on the persisted ledger (for a send, the row becomes
///    `sending` in the same committed transaction), or wait for one.
/// 2. Send.
/// 3. Record the attempt, the ledger entry's completion and the row's change (chosen by
///    the caller's pure `settle`) in one transaction.
///
/// Whatever the caller: a 429 pauses the API for every process on the target until its
/// `Retry-After` (a send's row waits for the pause with no attempt spent; a lookup is made
/// again after it); a first 401 refreshes the token and makes the call once more; the
/// statuses of sends feed the auth circuit breaker, which stops the job when the first
/// five were all 401/403 and puts the rows they refused back to `pending`; transport
/// failures in a row stop the job as unreachable. Failpoints mark each step.
public struct MeteredCall: Sendable {
    public let jobId: String
    public let store: StateStore
    public let gate: QuotaGate
    public let tokens: TokenProvider
    public let clock: any WallClock
    public let stop: StopController
    public let statistics: JobStatistics
    /// Stop after this many sends in this process (`--max-requests`).
    public var maxRequests: Int?
    /// Transport-level failures of sends in a row after which the API counts as unreachable.
    public var unreachableAfter: Int
    let logger: Logger

    public init(
        jobId: String, store: StateStore, gate: QuotaGate, tokens: TokenProvider, clock: any WallClock, stop: StopController,
        statistics: JobStatistics, maxRequests: Int? = nil, unreachableAfter: Int = 12, logger: Logger? = nil
    ) {
        self.jobId = jobId
        self.store = store
        self.gate = gate
        self.tokens = tokens
        self.clock = clock
        self.stop = stop
        self.statistics = statistics
        self.maxRequests = maxRequests
        self.unreachableAfter = unreachableAfter
        self.logger = logger ?? Logger(label: "mdebatch", factory: { _ in SwiftLogNoOpLogHandler() })
    }

    /// How a metered call ended.
    public enum Outcome<Value: Sendable>: Sendable {
        /// A 2xx answer, recorded with the change `settle` chose.
        case success(Value, status: Int)
        /// A failure, recorded with the change `settle` chose.
        case failure(CallFailure)
        /// Nothing to act on, and the row is already where it must be: the job is stopping,
        /// the row is no longer sendable, no token could be had, or a send got 429 (its row
        /// waits for the pause).
        case deferred
    }

    /// Makes one call of `api` for `purpose`.
    ///
    /// - Parameters:
    ///   - request: sends the request (through `MDEClient`).
    ///   - settle: the pure decision of what the answer means for the row: the audit
    ///     record and the row's change, committed with the attempt in one transaction. It
    ///     sees every success and every failure but 429 and a first 401.
    /// - Throws: store errors, and `CancellationError` when the task is cancelled while the
    ///   request is out (a send's row then stays `sending`, and the next run looks it up).
    public func perform<Value: Sendable>(
        _ purpose: SlotPurpose, api: QuotaAPI,
        request: () async throws -> CallResult<Value>,
        settle: (CallResult<Value>, Date) throws -> (CallRecord, RowChange)
    ) async throws -> Outcome<Value> {
        let isSend: Bool
        if case .send = purpose { isSend = true } else { isSend = false }
        var refreshedToken = false
        while true {
            guard let slot = try await gate.reserve(purpose, jobId: jobId, api: api, stop: stop) else { return .deferred }
            Failpoint.check(api, .reserved)
            if isSend {
                let sent = statistics.requestSent()
                if let maxRequests, sent >= maxRequests { stop.stop(.requestBudget) }
            }
            let result: CallResult<Value>
            do {
                result = try await request()
            } catch let error as AuthError {
                // Nothing left the process: no token could be had.
                try record(
                    slot, purpose, CallRecord(outcome: .notSent, errorMessage: "\(error)"),
                    isSend ? .row(.retry(at: clock.now, inDoubt: false, refundAttempt: true)) : .unchanged)
                stop.stop(.authentication("\(error)"))
                return .deferred
            }
            Failpoint.check(api, .answered)
            let now = clock.now
            var verdict: JobStatistics.SendVerdict?
            if isSend {
                verdict = statistics.recordSend(
                    status: result.status, transportFailure: result.isTransportFailure, rowId: purpose.rowId)
            }
            if case .failure(let failure) = result {
                switch failure.category {
                case .rateLimited:
                    statistics.rateLimitHit()
                    let until = now.addingTimeInterval(failure.retryAfter ?? 60)
                    try store.pauseAPI(tenant: gate.tenant, api: api, until: until)
                    logger.info("rate-limited", metadata: ["job.id": "\(jobId)", "api": "\(api.rawValue)", "until": "\(until)"])
                    try record(
                        slot, purpose, CallRecord(failure: failure, outcome: .rateLimited),
                        isSend ? .row(.retry(at: until, inDoubt: false, refundAttempt: true)) : .unchanged)
                    Failpoint.check(api, .recorded)
                    if isSend { return .deferred }
                    continue
                case .unauthorized where !refreshedToken:
                    refreshedToken = true
                    await tokens.invalidate()
                    try record(
                        slot, purpose, CallRecord(failure: failure, outcome: .unauthorizedRefreshing),
                        isSend ? .row(.retry(at: now, inDoubt: false, refundAttempt: true)) : .unchanged)
                    Failpoint.check(api, .recorded)
                    if try applyBreaker(verdict, failure: failure) { return .deferred }
                    continue
                default:
                    break
                }
            }
            let (call, change) = try settle(result, now)
            try record(slot, purpose, call, change)
            Failpoint.check(api, .recorded)
            if case .failure(let failure) = result { _ = try applyBreaker(verdict, failure: failure) }
            switch result {
            case .success(let value, let status): return .success(value, status: status)
            case .failure(let failure): return .failure(failure)
            }
        }
    }

    private func record(_ slot: QuotaGate.Slot, _ purpose: SlotPurpose, _ call: CallRecord, _ change: RowChange) throws {
        try store.record(slot: slot, rowId: purpose.rowId, now: clock.now, call: call, change: change)
    }

    /// Stops the job when the credentials are wrong or nothing answers.
    ///
    /// - Returns: true when the job stops for its credentials.
    private func applyBreaker(_ verdict: JobStatistics.SendVerdict?, failure: CallFailure) throws -> Bool {
        guard let verdict else { return false }
        if verdict.transportFailures >= unreachableAfter {
            stop.stop(.apiUnreachable("\(verdict.transportFailures) requests in a row failed: \(failure)"))
        }
        guard verdict.authStop else { return false }
        stop.stop(
            .authentication(
                "the first 5 requests were all refused with 401/403; check the app's permissions (Machine.StopAndQuarantine) and the tenant"
            ))
        // The refusal is about the credentials, not the rows: fixing them and resuming sends these.
        try store.returnRefusedRows(verdict.refusedRows)
        return true
    }
}

extension CallResult {
    /// The HTTP status, when there was a response.
    var status: Int? {
        switch self {
        case .success(_, let status): return status
        case .failure(let failure): return failure.status
        }
    }

    /// No HTTP answer at all (time-out, dropped connection).
    var isTransportFailure: Bool {
        if case .failure(let failure) = self { return failure.status == nil }
        return false
    }
}
