import Foundation
import Logging
import Synchronization

/// Submits one Stop-and-quarantine action per pending row of a job (docs/ARCHITECTURE.md).
///
/// Rows are taken in input order by the dispatcher and worked by at most
/// `settings.concurrency` child tasks. Every call is a `MeteredCall`: the row is marked
/// `sending` in the transaction that reserves its slot, so whatever instant the process
/// dies at, the next run finds the row `sending` and looks its action up before it sends
/// anything again. What an answer means for the row is `QuarantineTransition`, pure.
public struct QuarantineJob: RunnableJob {
    public let context: JobContext
    let devices: BusyDeviceWatcher

    public init(context: JobContext) {
        precondition(context.job.kind == .quarantine, "QuarantineJob runs quarantine jobs only")
        self.context = context
        self.devices = BusyDeviceWatcher(
            jobId: context.job.id, store: context.store, call: context.metered, client: context.client, clock: context.clock,
            poll: context.settings.busyDevicePoll)
    }

    public init(
        job: JobRecord, store: StateStore, client: MDEClient, tokens: TokenProvider, gate: QuotaGate,
        clock: any WallClock, settings: JobSettings, stop: StopController, logger: Logger,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.init(
            context: JobContext(
                job: job, store: store, client: client, tokens: tokens, gate: gate, clock: clock, settings: settings, stop: stop,
                logger: logger, random: random))
    }

    public var job: JobRecord { context.job }
    public var statistics: JobStatistics { context.statistics }
    public var client: MDEClient { context.client }
    public var tokens: TokenProvider { context.tokens }
    public var gate: QuotaGate { context.gate }

    /// Runs the job until every row is final or something stops it.
    ///
    /// - Throws: only for internal errors (the state file failing); every API outcome is
    ///   recorded on its row.
    public func run() async throws -> JobOutcome {
        // Names and SHA-256s first: a row is sent only once it names a machine id and a SHA-1.
        let resolver = Resolver(context: context, refreshNames: context.settings.refreshNames, runStart: context.clock.now)
        let resolution = Mutex<ResolutionSummary?>(nil)
        try await context.dispatcher.run(
            prepare: {
                let summary = try await resolver.run()
                resolution.withLock { $0 = summary }
            },
            { row in try await work(on: row) })
        var outcome = try context.outcome(counts: context.store.counts(jobId: job.id))
        outcome.resolution = resolution.withLock { $0 }
        return outcome
    }

    /// One row: settle an in-doubt send first, then send if it is still needed.
    func work(on row: RowRecord) async throws {
        let store = context.store
        // A plain pending row is as the dispatcher read it: only this worker changes it, and
        // the reservation checks its state again. The others change below, and are read again.
        let changes = row.state != .pending || row.inDoubtSince != nil
        if row.state == .waitingForDevice {
            // Its device was busy: look at the blocking actions (all due ones, in one batch).
            try await devices.refresh()
        }
        if row.inDoubtSince != nil {
            guard try await settleInDoubt(row) else { return }
        }
        guard let row = changes ? try store.row(id: row.id) : row, row.state == .pending else { return }
        if row.attempts >= context.settings.retry.maxAttempts {
            try store.updateRow(row.id, now: context.clock.now, call: CallRecord(row: row, outcome: .gaveUp), update: .failed)
            return
        }
        try await send(row)
    }

    /// Looks up the action an earlier send may have created, by the row's machine, SHA-1
    /// and the exact comment the job sends (stored with the job, never re-derived).
    ///
    /// - Returns: true when the row should be sent (nothing was found after the
    ///   visibility delay); false when it was settled or must wait.
    func settleInDoubt(_ row: RowRecord) async throws -> Bool {
        let settings = context.settings
        let sentAt = row.lastSentAt ?? row.inDoubtSince ?? context.clock.now
        let since = (row.firstSentAt ?? sentAt).addingTimeInterval(-settings.lookupSkew)
        let comment = context.plan.sentComment(row.comment).trimmingCharacters(in: .whitespaces)
        let machineId = row.machineId
        let sha1 = row.sha1
        let filter = MachineActionFilter.reconciliation(machineId: machineId, createdOnOrAfter: since).expression
        let result = try await context.finder.find(rowId: row.id, filter: filter) { action in
            action.machineId?.lowercased() == machineId
                && action.relatedFileInfo?.fileIdentifier?.lowercased() == sha1
                && action.requestorComment?.trimmingCharacters(in: .whitespaces) == comment
        }
        let now = context.clock.now
        let transition = QuarantineTransition.afterLookup(
            result, row: row, sentAt: sentAt, visibilityDelay: settings.visibilityDelay, stopping: context.stop.isStopping,
            now: now, backoff: { context.backoff(afterAttempt: row.attempts, failure: $0) })
        if case .found(let action) = result {
            context.logger.info(
                "in-doubt send found its action", metadata: ["row.line": "\(row.line)", "action.id": "\(action.id)"])
        }
        switch transition {
        case .record(let call, let update):
            try context.store.updateRow(row.id, now: now, call: call, update: update)
            return false
        case .send:
            try context.store.clearInDoubt(rowId: row.id)
            return true
        case .wait:
            return false
        }
    }

    /// Sends the row's request and records what came back.
    func send(_ row: RowRecord) async throws {
        let comment = context.plan.sentComment(row.comment)
        let attempt = row.attempts + 1
        let maxAttempts = context.settings.retry.maxAttempts
        let outcome = try await context.metered.perform(.send(rowId: row.id), api: .stopAndQuarantine) {
            try await context.client.stopAndQuarantineFile(machineId: row.machineId, sha1: row.sha1, comment: comment)
        } settle: { result, now in
            let (call, update) = QuarantineTransition.afterSend(
                result, attempt: attempt, maxAttempts: maxAttempts, now: now,
                backoff: { context.backoff(afterAttempt: attempt, failure: $0) })
            return (call, .row(update))
        }
        if case .failure(let failure) = outcome, failure.category == .alreadyPending {
            try await adoptPending(row, attempt: attempt)
        }
    }

    /// After `ActiveRequestAlreadyExists`: finds the pending action and keeps its id.
    private func adoptPending(_ row: RowRecord, attempt: Int) async throws {
        let machineId = row.machineId
        let filter = MachineActionFilter([.typeEquals("StopAndQuarantineFile"), .machineIdEquals(machineId)]).expression
        let result = try await context.finder.list(rowId: row.id, filter: filter)
        guard let current = try context.store.row(id: row.id) else { return }
        let now = context.clock.now
        let settings = context.settings
        let (call, update) = QuarantineTransition.afterAdoptLookup(
            result, row: current, attempt: attempt, maxAttempts: settings.retry.maxAttempts, now: now,
            retryAt: now.addingTimeInterval(max(settings.visibilityDelay, context.backoff(afterAttempt: attempt))),
            checkDeviceAt: now.addingTimeInterval(settings.busyDevicePoll))
        try context.store.updateRow(row.id, now: now, call: call, update: update)
    }

    /// The progress at this instant, for the live line.
    public func progress() throws -> ProgressSnapshot {
        let counts = try context.store.counts(jobId: job.id)
        let failed = counts[.failed] + RowOutcome.unresolvable.reduce(0) { $0 + counts[$1] }
        var snapshot = try context.progress(
            api: .stopAndQuarantine, done: counts[.submitted] + counts[.alreadyPending] + failed, open: counts.open,
            failed: failed)
        snapshot.waiting = counts[.waitingForDevice]
        return snapshot
    }
}
