import Foundation
import Logging

/// Submits one Stop-and-quarantine action per pending row of a job (SPEC §5–§6).
///
/// Rows are taken in input order by a dispatcher and worked by at most
/// `settings.concurrency` child tasks. For every request a child first reserves a quota
/// slot, which marks the row `sending` in the same committed transaction; so whatever
/// instant the process dies at, the next run finds the row `sending` and looks its action
/// up before it sends anything again.
public struct QuarantineJob: RunnableJob {
    public let job: JobRecord
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

    public init(
        job: JobRecord, store: StateStore, client: MDEClient, tokens: TokenProvider, gate: QuotaGate,
        clock: any WallClock, settings: JobSettings, stop: StopController, logger: Logger,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.job = job
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

    var finder: ActionFinder {
        ActionFinder(client: client, gate: gate, store: store, clock: clock, stop: stop, statistics: statistics, jobId: job.id)
    }

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
        try await dispatcher.run { row in try await work(on: row) }
        return try outcome()
    }

    private func outcome() throws -> JobOutcome {
        JobOutcome(
            job: try store.job(id: job.id), counts: try store.counts(jobId: job.id), stopReason: stop.reason,
            requests: statistics.requests, rateLimited: statistics.rateLimited)
    }

    /// One row: settle an in-doubt send first, then send if it is still needed.
    func work(on row: RowRecord) async throws {
        if row.inDoubtSince != nil {
            guard try await settleInDoubt(row) else { return }
        }
        guard let row = try store.row(id: row.id), row.state == .pending else { return }
        if row.attempts >= settings.retry.maxAttempts {
            try store.updateRow(row.id, now: clock.now, call: CallRecord(row: row, outcome: "gave-up"), update: .failed)
            return
        }
        try await send(row)
    }

    /// Looks up the action an earlier send may have created.
    ///
    /// - Returns: true when the row should be sent (nothing was found after the
    ///   visibility delay); false when it was settled or must wait.
    func settleInDoubt(_ row: RowRecord) async throws -> Bool {
        let sentAt = row.lastSentAt ?? row.inDoubtSince ?? clock.now
        let since = (row.firstSentAt ?? sentAt).addingTimeInterval(-settings.lookupSkew)
        let comment = settings.comment(row.comment, jobId: job.id)
        let machineId = row.machineId
        let sha1 = row.sha1
        let filter = MachineActionFilter.reconciliation(machineId: machineId, createdOnOrAfter: since).expression
        let result = try await finder.find(rowId: row.id, filter: filter) { action in
            action.machineId?.lowercased() == machineId
                && action.relatedFileInfo?.fileIdentifier?.lowercased() == sha1
                && action.requestorComment?.trimmingCharacters(in: .whitespaces) == comment.trimmingCharacters(in: .whitespaces)
        }
        let now = clock.now
        switch result {
        case .found(let action):
            logger.info("in-doubt send found its action", metadata: ["row.line": "\(row.line)", "action.id": "\(action.id)"])
            try store.updateRow(
                row.id, now: now, call: CallRecord(outcome: "found", httpStatus: 201),
                update: .submitted(actionId: action.id, actionStatus: action.status?.wireValue, adopted: false))
            return false
        case .notFound:
            let visibleBy = sentAt.addingTimeInterval(settings.visibilityDelay)
            if now < visibleBy {
                try store.updateRow(
                    row.id, now: now, call: CallRecord(row: row, outcome: "not-yet-visible"),
                    update: .retry(at: visibleBy, inDoubt: true, refundAttempt: false))
                return false
            }
            try store.clearInDoubt(rowId: row.id)
            return true
        case .unavailable(let failure):
            if stop.isStopping { return false }
            let delay = max(settings.retry.delay(afterAttempt: max(row.attempts, 1), random: random()), failure?.retryAfter ?? 0)
            try store.updateRow(
                row.id, now: now, call: CallRecord(row: row, outcome: "lookup-unavailable"),
                update: .retry(at: now.addingTimeInterval(delay), inDoubt: true, refundAttempt: false))
            return false
        }
    }

    /// Sends the row's request and records what came back.
    func send(_ row: RowRecord) async throws {
        do {
            _ = try await tokens.token()
        } catch {
            stop.stop(.authentication("\(error)"))
            return
        }
        guard let slot = try await gate.reserve(.send(rowId: row.id), jobId: job.id, api: .stopAndQuarantine, stop: stop) else {
            return
        }
        let sent = statistics.requestSent()
        if let max = settings.maxRequests, sent >= max {
            stop.stop(.requestBudget)
        }
        let comment = settings.comment(row.comment, jobId: job.id)
        let result: CallResult<MachineAction>
        do {
            result = try await client.stopAndQuarantineFile(machineId: row.machineId, sha1: row.sha1, comment: comment)
        } catch {
            // Thrown only before the request leaves (no token) or on cancellation: in the
            // first case nothing was sent, so the row goes back without spending an attempt;
            // on cancellation the row stays `sending` and the next run looks it up.
            guard error is AuthError else { throw error }
            try store.recordCall(
                attemptId: slot.attemptId, ledgerId: slot.ledgerId, rowId: row.id, now: clock.now,
                call: CallRecord(outcome: "not-sent", errorMessage: "\(error)"),
                update: .retry(at: clock.now, inDoubt: false, refundAttempt: true))
            stop.stop(.authentication("\(error)"))
            return
        }
        let now = clock.now
        switch result {
        case .success(let action, let status):
            _ = statistics.recordSend(status: status, transportFailure: false)
            try store.recordCall(
                attemptId: slot.attemptId, ledgerId: slot.ledgerId, rowId: row.id, now: now,
                call: CallRecord(outcome: "submitted", httpStatus: status),
                update: .submitted(actionId: action.id, actionStatus: action.status?.wireValue, adopted: false))
        case .failure(let failure):
            try await handle(failure, row: row, slot: slot, now: now)
        }
    }

    private func handle(_ failure: CallFailure, row: RowRecord, slot: QuotaGate.Slot, now: Date) async throws {
        var status: Int?
        if case .http(let code) = failure.kind { status = code }
        let transport = status == nil
        let (authStop, transportFailures) = statistics.recordSend(status: status, transportFailure: transport)
        if authStop {
            stop.stop(.authentication("the first 5 requests were all refused with 401/403; check the app's permissions (Machine.StopAndQuarantine) and the tenant"))
        }
        if transportFailures >= settings.unreachableAfter {
            stop.stop(.apiUnreachable("\(transportFailures) requests in a row failed: \(failure)"))
        }
        let attempt = row.attempts + 1
        func record(_ outcome: String, _ update: RowUpdate) throws {
            try store.recordCall(
                attemptId: slot.attemptId, ledgerId: slot.ledgerId, rowId: row.id, now: now,
                call: CallRecord(failure: failure, outcome: outcome), update: update)
        }
        switch failure.category {
        case .rateLimited:
            statistics.rateLimitHit()
            let until = now.addingTimeInterval(failure.retryAfter ?? 60)
            try store.pauseAPI(tenant: gate.tenant, api: QuotaAPI.stopAndQuarantine.rawValue, until: until)
            try record("rate-limited", .retry(at: until, inDoubt: false, refundAttempt: true))
        case .inDoubt:
            let delay = max(settings.retry.delay(afterAttempt: attempt, random: random()), failure.retryAfter ?? 0)
            try record("in-doubt", .retry(at: now.addingTimeInterval(delay), inDoubt: true, refundAttempt: false))
        case .alreadyPending:
            try record("already-pending", .retry(at: now, inDoubt: false, refundAttempt: false))
            try await adoptPending(row, attempt: attempt)
        case .unauthorized:
            await tokens.invalidate()
            if row.httpStatus == 401 || attempt >= settings.retry.maxAttempts {
                try record("unauthorized", .failed)
            } else {
                try record("unauthorized", .retry(at: now, inDoubt: false, refundAttempt: false))
            }
        case .forbidden, .notFound, .permanent:
            try record("failed", .failed)
        }
    }

    /// After `ActiveRequestAlreadyExists`: finds the pending action and keeps its id.
    private func adoptPending(_ row: RowRecord, attempt: Int) async throws {
        let machineId = row.machineId
        let sha1 = row.sha1
        let filter = MachineActionFilter([.typeEquals("StopAndQuarantineFile"), .machineIdEquals(machineId)]).expression
        let result = try await finder.find(rowId: row.id, filter: filter) { action in
            action.relatedFileInfo?.fileIdentifier?.lowercased() == sha1 && action.status?.isFinal == false
        }
        let now = clock.now
        guard let current = try store.row(id: row.id) else { return }
        switch result {
        case .found(let action):
            try store.updateRow(
                row.id, now: now, call: CallRecord(row: current, outcome: "adopted"),
                update: .submitted(actionId: action.id, actionStatus: action.status?.wireValue, adopted: true))
        case .notFound, .unavailable:
            if attempt >= settings.retry.maxAttempts {
                try store.updateRow(row.id, now: now, call: CallRecord(row: current, outcome: "gave-up"), update: .failed)
            } else {
                let at = now.addingTimeInterval(max(settings.visibilityDelay, settings.retry.delay(afterAttempt: attempt, random: random())))
                try store.updateRow(
                    row.id, now: now, call: CallRecord(row: current, outcome: "pending-not-found"),
                    update: .retry(at: at, inDoubt: false, refundAttempt: false))
            }
        }
    }
}

extension CallRecord {
    /// Keeps the row's last error when its state changes without a new call.
    init(row: RowRecord, outcome: String) {
        self.init(
            outcome: outcome, httpStatus: row.httpStatus, errorCode: row.errorCode, errorMessage: row.errorMessage,
            errorTarget: row.errorTarget)
    }
}
