import Foundation
import Logging

/// Cancels the actions of a cancel job's rows (SPEC §8), checkpointed like a quarantine
/// job: every cancel reserves a slot of the cancel API's quota, which marks the row
/// `sending` in the same transaction, so a crash at any instant leaves a row that is read
/// back before anything is sent again.
///
/// Per row:
/// - a row that is in doubt (a lost response, a crash) or whose cancel was accepted is
///   first read back (`GET /api/machineactions/{id}`, under the GET quota): a final status
///   is recorded as it is, so a second cancel is never sent for an action the first one
///   cancelled; an open action of a cancel that was never accepted is cancelled (again);
/// - `POST /api/machineactions/{id}/cancel` answered 200 is followed by a read-back (cancel
///   races with completion): the status read back is the outcome;
/// - a 400 (the action is already final) is followed by a read-back, and the real final
///   status is recorded (`already-final`), not an error;
/// - a 404 is `not-found`; a 429 pauses the cancel API; time-outs, 5xx and dropped
///   connections are in doubt.
public struct CancelJob: RunnableJob {
    public let job: JobRecord
    public let options: CancelJobOptions
    public let store: StateStore
    public let client: MDEClient
    public let tokens: TokenProvider
    public let gate: QuotaGate
    public let clock: any WallClock
    public let settings: JobSettings
    public let stop: StopController
    public let statistics = JobStatistics()
    let logger: Logger
    let random: @Sendable () -> Double

    /// - Throws: when the job is not a cancel job, or its options cannot be read.
    public init(
        job: JobRecord, store: StateStore, client: MDEClient, tokens: TokenProvider, gate: QuotaGate,
        clock: any WallClock, settings: JobSettings, stop: StopController, logger: Logger,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) throws {
        precondition(job.kind == .cancel, "CancelJob runs cancel jobs only")
        self.job = job
        self.options = try CancelJobOptions(job: job)
        self.store = store
        self.client = client
        self.tokens = tokens
        self.gate = gate
        self.clock = clock
        self.settings = settings
        self.stop = stop
        self.logger = logger
        self.random = random
    }

    /// The comment every cancel of this job carries.
    public var comment: String { options.sentComment(jobId: job.id) }

    var dispatcher: JobDispatcher {
        JobDispatcher(
            jobId: job.id, store: store, tokens: tokens, gate: gate, apiBase: client.baseURL.absoluteString, clock: clock,
            settings: settings, stop: stop, statistics: statistics, logger: logger)
    }

    /// Runs the job until every row is final or something stops it.
    ///
    /// - Throws: only for internal errors (the state file failing); every API outcome is
    ///   recorded on its row.
    public func run() async throws -> JobOutcome {
        // What became final since the job was made (a status refresh, another cancel job) is not sent.
        if options.onlyOpen { try store.skipKnownFinalTargets(jobId: job.id, now: clock.now) }
        try await dispatcher.run { row in try await work(on: row) }
        return try outcome()
    }

    func outcome() throws -> JobOutcome {
        JobOutcome(
            job: try store.job(id: job.id), counts: try store.cancelCounts(jobId: job.id), stopReason: stop.reason,
            requests: statistics.requests, rateLimited: statistics.rateLimited)
    }

    /// One row: read back first when a cancel may have been made, then cancel if still needed.
    func work(on row: RowRecord) async throws {
        guard let target = row.targetActionId else { return }
        if row.actionId != nil || row.inDoubtSince != nil {
            guard try await readBack(row, target: target) else { return }
        }
        guard let row = try store.row(id: row.id), row.state == .pending else { return }
        if row.attempts >= settings.retry.maxAttempts {
            try store.recordCancel(slot: nil, rowId: row.id, now: clock.now, call: CallRecord(row: row, outcome: "gave-up"), update: .row(.failed))
            return
        }
        try await send(row, target: target)
    }

    /// Reads the action back and records what it says.
    ///
    /// - Returns: true when the action is open and no cancel of ours was accepted yet, so
    ///   it should be cancelled now; false when the row was settled or must wait.
    func readBack(_ row: RowRecord, target: String) async throws -> Bool {
        guard let slot = try await gate.reserve(.lookup(rowId: row.id), jobId: job.id, api: .getAction, stop: stop) else {
            return false
        }
        let result: CallResult<MachineAction>
        do {
            result = try await client.machineAction(id: target)
        } catch {
            try store.recordCancel(
                slot: (slot.attemptId, slot.ledgerId), rowId: row.id, now: clock.now,
                call: CallRecord(outcome: "not-sent", errorMessage: "\(error)"), update: .row(.unchanged))
            if error is AuthError {
                stop.stop(.authentication("\(error)"))
                return false
            }
            throw error
        }
        let now = clock.now
        let accepted = row.actionId != nil
        let record = { (call: CallRecord, update: CancelUpdate) in
            try store.recordCancel(slot: (slot.attemptId, slot.ledgerId), rowId: row.id, now: now, call: call, update: update)
        }
        switch result {
        case .success(let action, let status):
            let read = action.status ?? .unknown("")
            if read.isFinal {
                let ours = accepted || (read == .cancelled && Self.sameComment(action.cancellationComment, comment))
                var note: String?
                if accepted && read != .cancelled {
                    note = "the cancel was accepted, but the action had already ended \(read.wireValue) (cancel raced with completion)"
                } else if !ours, row.httpStatus == 400 {
                    note = "already final (\(read.wireValue)) when the cancel was sent"
                } else if !ours, read == .cancelled {
                    note = "already cancelled by \(action.cancellationRequestor ?? "someone else")"
                }
                try record(
                    CallRecord(outcome: "read-back", httpStatus: status),
                    .final(actionStatus: read.wireValue, cancelledByUs: ours, note: note))
                return false
            }
            if accepted {
                // Accepted but not final yet: read again later, for at most the visibility delay.
                try waitOrGiveUp(row, now: now, status: read.wireValue, call: CallRecord(outcome: "read-back-open", httpStatus: status), record: record)
                return false
            }
            if row.httpStatus == 400 {
                // The API refused the cancel, yet the action is open: the 400 was about something else.
                try record(CallRecord(row: row, outcome: "read-back-open"), .row(.failed))
                return false
            }
            try record(CallRecord(outcome: "read-back-open", httpStatus: status), .row(.retry(at: now, inDoubt: false, refundAttempt: false)))
            try store.clearInDoubt(rowId: row.id)
            return true
        case .failure(let failure):
            switch failure.category {
            case .rateLimited:
                statistics.rateLimitHit()
                let until = now.addingTimeInterval(failure.retryAfter ?? 60)
                try store.pauseAPI(tenant: gate.tenant, api: QuotaAPI.getAction.rawValue, until: until)
                try record(CallRecord(failure: failure, outcome: "read-back-rate-limited"), .row(.retry(at: until, inDoubt: !accepted, refundAttempt: false)))
            case .notFound where !accepted:
                try record(CallRecord(failure: failure, outcome: "not-found"), .row(.failed))
            case .unauthorized:
                await tokens.invalidate()
                fallthrough
            default:
                if stop.isStopping {
                    try record(CallRecord(failure: failure, outcome: "read-back-failed"), .row(.unchanged))
                    return false
                }
                if accepted {
                    try waitOrGiveUp(row, now: now, status: nil, call: CallRecord(failure: failure, outcome: "read-back-failed"), record: record)
                } else {
                    let delay = max(settings.retry.delay(afterAttempt: max(row.attempts, 1), random: random()), failure.retryAfter ?? 0)
                    try record(
                        CallRecord(failure: failure, outcome: "read-back-failed"),
                        .row(.retry(at: now.addingTimeInterval(delay), inDoubt: true, refundAttempt: false)))
                }
            }
            return false
        }
    }

    /// An accepted cancel whose action is not final yet: read again after a backoff, until
    /// the visibility delay after the cancel has passed; then record it as `cancel-requested`.
    private func waitOrGiveUp(
        _ row: RowRecord, now: Date, status: String?, call: CallRecord, record: (CallRecord, CancelUpdate) throws -> Void
    ) throws {
        let since = row.lastSentAt ?? now
        let reads = try store.readBackCount(rowId: row.id)
        let next = now.addingTimeInterval(settings.retry.delay(afterAttempt: max(reads, 1), random: random()))
        if next.timeIntervalSince(since) > max(settings.visibilityDelay, 1) {
            try record(call, .stillOpen(actionStatus: status))
        } else {
            try record(call, .accepted(actionStatus: status, readAt: next))
        }
    }

    /// Sends the cancel and records what came back.
    func send(_ row: RowRecord, target: String) async throws {
        do {
            _ = try await tokens.token()
        } catch {
            stop.stop(.authentication("\(error)"))
            return
        }
        guard let slot = try await gate.reserve(.send(rowId: row.id), jobId: job.id, api: .cancel, stop: stop) else {
            return
        }
        let sent = statistics.requestSent()
        if let max = settings.maxRequests, sent >= max {
            stop.stop(.requestBudget)
        }
        let result: CallResult<MachineAction>
        do {
            result = try await client.cancelMachineAction(id: target, comment: comment)
        } catch {
            // Nothing left the process (no token), or the task was cancelled (the row stays
            // `sending` and the next run reads it back).
            guard error is AuthError else { throw error }
            try store.recordCancel(
                slot: (slot.attemptId, slot.ledgerId), rowId: row.id, now: clock.now,
                call: CallRecord(outcome: "not-sent", errorMessage: "\(error)"),
                update: .row(.retry(at: clock.now, inDoubt: false, refundAttempt: true)))
            stop.stop(.authentication("\(error)"))
            return
        }
        let now = clock.now
        let slotIds = (attemptId: slot.attemptId, ledgerId: slot.ledgerId)
        switch result {
        case .success(let action, let status):
            _ = statistics.recordSend(status: status, transportFailure: false)
            try store.recordCancel(
                slot: slotIds, rowId: row.id, now: now, call: CallRecord(outcome: "cancel-accepted", httpStatus: status),
                update: .accepted(actionStatus: action.status?.wireValue, readAt: now))
        case .failure(let failure):
            guard try await handle(failure, row: row, slot: slotIds, now: now) else { return }
        }
        // Cancel can race with completion: the outcome is the status read back.
        guard !stop.isStopping, let current = try store.row(id: row.id), current.state == .pending else { return }
        _ = try await readBack(current, target: target)
    }

    /// Records a failed cancel.
    ///
    /// - Returns: true when the action should be read back at once (a 400: already final).
    private func handle(_ failure: CallFailure, row: RowRecord, slot: (attemptId: Int64, ledgerId: Int64), now: Date) async throws -> Bool {
        let (authStop, transportFailures) = statistics.recordSend(status: failure.status, transportFailure: failure.status == nil)
        if authStop {
            stop.stop(.authentication("the first 5 requests were all refused with 401/403; check the app's permissions (Machine.StopAndQuarantine) and the tenant"))
        }
        if transportFailures >= settings.unreachableAfter {
            stop.stop(.apiUnreachable("\(transportFailures) requests in a row failed: \(failure)"))
        }
        let attempt = row.attempts + 1
        func record(_ outcome: String, _ update: RowUpdate) throws {
            try store.recordCancel(slot: slot, rowId: row.id, now: now, call: CallRecord(failure: failure, outcome: outcome), update: .row(update))
        }
        switch failure.category {
        case .rateLimited:
            statistics.rateLimitHit()
            let until = now.addingTimeInterval(failure.retryAfter ?? 60)
            try store.pauseAPI(tenant: gate.tenant, api: QuotaAPI.cancel.rawValue, until: until)
            try record("rate-limited", .retry(at: until, inDoubt: false, refundAttempt: true))
        case .inDoubt:
            let delay = max(settings.retry.delay(afterAttempt: attempt, random: random()), failure.retryAfter ?? 0)
            try record("in-doubt", .retry(at: now.addingTimeInterval(delay), inDoubt: true, refundAttempt: false))
        case .unauthorized:
            await tokens.invalidate()
            if row.httpStatus == 401 || attempt >= settings.retry.maxAttempts {
                try record("unauthorized", .failed)
            } else {
                try record("unauthorized", .retry(at: now, inDoubt: false, refundAttempt: false))
            }
        case .notFound:
            try record("not-found", .failed)
        case .permanent, .alreadyPending:
            guard failure.status == 400 else {
                try record("failed", .failed)
                return false
            }
            // MDE answers 400 to a cancel of an action that is already final: read its real status.
            try record("already-final", .retry(at: now, inDoubt: true, refundAttempt: false))
            return true
        case .forbidden:
            try record("failed", .failed)
        }
        return false
    }

    /// Compares comments ignoring surrounding white space.
    static func sameComment(_ a: String?, _ b: String) -> Bool {
        guard let a else { return false }
        return a.trimmingCharacters(in: .whitespaces) == b.trimmingCharacters(in: .whitespaces)
    }
}
