import Foundation
import Logging

/// Cancels the actions of a cancel job's rows (README, "mdebatch cancel"), checkpointed like
/// a quarantine job: every cancel is a `MeteredCall` of the cancel API, which marks the row
/// `sending` in the transaction that reserves its slot, so a crash at any instant leaves a
/// row that is read back before anything is sent again.
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
/// - a 404 is `not-found`; time-outs, 5xx and dropped connections are in doubt.
///
/// What an answer means for the row is `CancelTransition`, pure.
public struct CancelJob: RunnableJob {
    public let context: JobContext
    public let options: CancelJobOptions

    /// - Throws: when the job's options cannot be read.
    public init(context: JobContext) throws {
        precondition(context.job.kind == .cancel, "CancelJob runs cancel jobs only")
        self.context = context
        self.options = try CancelJobOptions(job: context.job)
    }

    public init(
        job: JobRecord, store: StateStore, client: MDEClient, tokens: TokenProvider, gate: QuotaGate,
        clock: any WallClock, settings: JobSettings, stop: StopController, logger: Logger,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) throws {
        try self.init(
            context: JobContext(
                job: job, store: store, client: client, tokens: tokens, gate: gate, clock: clock, settings: settings, stop: stop,
                logger: logger, random: random))
    }

    public var job: JobRecord { context.job }
    public var statistics: JobStatistics { context.statistics }

    /// The exact comment every cancel of this job carries.
    public var comment: String { context.plan.sentComment(options.comment) }

    /// Runs the job until every row is final or something stops it.
    ///
    /// - Throws: only for internal errors (the state file failing); every API outcome is
    ///   recorded on its row.
    public func run() async throws -> JobOutcome {
        // What became final since the job was made (a status refresh, another cancel job) is not sent.
        if options.onlyOpen { try context.store.skipKnownFinalTargets(jobId: job.id, now: context.clock.now) }
        try await context.dispatcher.run { row in try await work(on: row) }
        return try context.outcome(counts: context.store.counts(jobId: job.id))
    }

    /// One row: read back first when a cancel may have been made, then cancel if still needed.
    func work(on row: RowRecord) async throws {
        guard let target = row.targetActionId else { return }
        if row.state == .cancelAccepted || row.inDoubtSince != nil {
            guard try await readBack(row, target: target) else { return }
        }
        guard let row = try context.store.row(id: row.id), row.state == .pending else { return }
        if row.attempts >= context.settings.retry.maxAttempts {
            try context.store.updateRow(
                row.id, now: context.clock.now, call: CallRecord(row: row, outcome: .gaveUp), update: .failed)
            return
        }
        try await send(row, target: target)
    }

    /// Reads the action back and records what it says.
    ///
    /// - Returns: true when the action is open and no cancel of ours was accepted yet, so
    ///   it should be cancelled now; false when the row was settled or must wait.
    func readBack(_ row: RowRecord, target: String) async throws -> Bool {
        let reads = try context.store.readBackCount(rowId: row.id) + 1
        let comment = self.comment
        let context = self.context
        var cancelNow = false
        _ = try await context.metered.perform(.lookup(rowId: row.id), api: .getAction) {
            try await context.client.machineAction(id: target)
        } settle: { result, now in
            switch CancelTransition.afterReadBack(
                result, row: row, comment: comment, reads: reads, visibilityDelay: context.settings.visibilityDelay,
                requestTimeout: context.settings.requestTimeout, stopping: context.stop.isStopping, now: now,
                delay: { attempt, failure in context.backoff(afterAttempt: attempt, failure: failure) })
            {
            case .record(let call, let change):
                return (call, change)
            case .cancel(let call, let change):
                cancelNow = true
                return (call, change)
            }
        }
        if cancelNow { try context.store.clearInDoubt(rowId: row.id) }
        return cancelNow
    }

    /// Sends the cancel and records what came back; reads the action back when the answer
    /// calls for it.
    func send(_ row: RowRecord, target: String) async throws {
        let comment = self.comment
        let context = self.context
        let attempt = row.attempts + 1
        var readBackNow = false
        _ = try await context.metered.perform(.send(rowId: row.id), api: .cancel) {
            try await context.client.cancelMachineAction(id: target, comment: comment)
        } settle: { result, now in
            let (call, change, readBack) = CancelTransition.afterCancel(
                result, now: now, backoff: { context.backoff(afterAttempt: attempt, failure: $0) })
            readBackNow = readBack
            return (call, change)
        }
        guard readBackNow, !context.stop.isStopping, let current = try context.store.row(id: row.id), current.state.isOpen else {
            return
        }
        _ = try await readBack(current, target: target)
    }

    /// The progress at this instant, from the state file and the cancel API's ledger.
    public func progress() throws -> ProgressSnapshot {
        let counts = try context.store.counts(jobId: job.id)
        let failed = counts[.failed] + counts[.notFound]
        return try context.progress(
            api: .cancel, done: counts[.cancelled] + counts[.alreadyFinal] + counts[.cancelRequested] + failed,
            open: counts.open, failed: failed)
    }
}
