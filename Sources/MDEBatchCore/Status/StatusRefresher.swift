import Foundation
import Logging

/// Reads the current status of a job's open actions from the API and writes it to their
/// rows (`status --refresh`, docs/REPORTS.md), under the GET quota.
///
/// The list API is the workhorse, with its own bounded `$top`/`$skip` paging (next links
/// are unreliable: docs/API.md, "Listing and reading actions"):
/// - many open actions of a quarantine job: first one listing of the job's creation-time
///   window (`type eq 'StopAndQuarantineFile' and creationDateTimeUtc ge … and … lt …`),
///   which costs one call per page of up to `windowPageSize` actions (10,000, the API's
///   largest page) whatever the number of ids, and stops as soon as every open action was
///   returned; then
/// - `id in ('a','b',…)` batches of `idBatchSize` for the open actions the window did not
///   return (all of them when there are few, or for a cancel job); then
/// - `GET /api/machineactions/{id}` only for ids a batch did not return, at most
///   `maxSingleReads` per refresh.
///
/// Every call reserves a slot of its API on the persisted ledger first and records how it
/// ended, as submits do; a 429 pauses that API for every process on the tenant until its
/// `Retry-After` and the same call is made again once the pause is over. Statuses are
/// written one transaction per call.
public struct StatusRefresher: Sendable {
    /// How the refresher spends its calls.
    public struct Settings: Sendable, Hashable {
        /// Ids per `id in (…)` list call; 100 ids keep the URL near 4 KB.
        public var idBatchSize: Int
        /// Above this many open actions, a quarantine job is first listed by creation-time window.
        public var windowThreshold: Int
        /// `$top` of a window listing page (the API takes up to 10,000).
        public var windowPageSize: Int
        /// How far around the job's send times the window reaches, for clock skew.
        public var windowSkew: TimeInterval
        /// Single GETs per refresh for ids the list did not return.
        public var maxSingleReads: Int
        /// Attempts per call for 5xx, time-outs and dropped connections before the refresh
        /// stops with the API unreachable.
        public var maxAttemptsPerCall: Int
        public var retry: RetryPolicy

        public init(
            idBatchSize: Int = 100, windowThreshold: Int = 300, windowPageSize: Int = 10_000, windowSkew: TimeInterval = 600,
            maxSingleReads: Int = 50, maxAttemptsPerCall: Int = 3, retry: RetryPolicy = RetryPolicy(base: 2, cap: 60)
        ) {
            self.idBatchSize = idBatchSize
            self.windowThreshold = windowThreshold
            self.windowPageSize = windowPageSize
            self.windowSkew = windowSkew
            self.maxSingleReads = maxSingleReads
            self.maxAttemptsPerCall = maxAttemptsPerCall
            self.retry = retry
        }
    }

    public let job: JobRecord
    public let store: StateStore
    public let client: MDEClient
    public let tokens: TokenProvider
    public let gate: QuotaGate
    public let clock: any WallClock
    public let stop: StopController
    public var settings: Settings
    let logger: Logger
    let random: @Sendable () -> Double
    let statistics = JobStatistics()

    /// Every call of the refresh goes through this.
    private var metered: MeteredCall {
        MeteredCall(
            jobId: job.id, store: store, gate: gate, tokens: tokens, clock: clock, stop: stop, statistics: statistics,
            logger: logger)
    }

    public init(
        job: JobRecord, store: StateStore, client: MDEClient, tokens: TokenProvider, gate: QuotaGate,
        clock: any WallClock, stop: StopController, settings: Settings = Settings(), logger: Logger? = nil,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.job = job
        self.store = store
        self.client = client
        self.tokens = tokens
        self.gate = gate
        self.clock = clock
        self.stop = stop
        self.settings = settings
        self.logger = logger ?? Logger(label: "mdebatch.status", factory: { _ in SwiftLogNoOpLogHandler() })
        self.random = random
    }

    /// Reads the current status of every open action of the job once and stores it.
    ///
    /// - Returns: what was read and spent; `stopReason` is set when the refresh ended early
    ///   (a signal, credentials refused, the API unreachable).
    /// - Throws: store errors, `AuthError` when no token can be had, `CancellationError`.
    public func refresh() async throws -> RefreshReport {
        var run = Run(rateLimitedBefore: statistics.rateLimited)
        run.report.considered = try store.actionTally(jobId: job.id).open
        do {
            var seen = Set<Int64>()
            if job.kind == .quarantine, run.report.considered > settings.windowThreshold,
                let span = try store.openActionSendSpan(jobId: job.id)
            {
                run.report.usedWindow = true
                seen = try await listWindow(span, &run)
            }
            try await listByIds(skipping: seen, &run)
        } catch let stopped as Stopped {
            run.report.stopReason = stopped.reason
        }
        if run.report.stopReason == nil, let reason = stop.reason { run.report.stopReason = reason }
        return run.report
    }

    /// Refreshes until no action of the job is open, waiting `interval` (on the clock)
    /// between rounds; `onRound` sees each round's report and the tally after it.
    ///
    /// - Returns: nil when every action is final; otherwise why it stopped (a signal, …).
    public func watch(
        interval: TimeInterval, onRound: (_ round: Int, RefreshReport, ActionTally) throws -> Void
    ) async throws -> StopReason? {
        var round = 0
        while true {
            round += 1
            let report = try await refresh()
            let tally = try store.actionTally(jobId: job.id)
            try onRound(round, report, tally)
            if let reason = report.stopReason { return reason }
            if tally.open == 0 { return nil }
            guard try await stop.sleep(until: clock.now.addingTimeInterval(interval), on: clock) else {
                return stop.reason ?? .signal
            }
        }
    }

    // MARK: - Strategies

    /// Lists the job's creation-time window page by page and stores what belongs to the job.
    ///
    /// - Returns: the rows whose action the window returned.
    private func listWindow(_ span: (first: Date, last: Date), _ run: inout Run) async throws -> Set<Int64> {
        let filter = MachineActionFilter([
            .typeEquals("StopAndQuarantineFile"),
            .createdOnOrAfter(span.first.addingTimeInterval(-settings.windowSkew)),
            .createdBefore(span.last.addingTimeInterval(settings.windowSkew)),
        ])
        let top = settings.windowPageSize
        // Other actions of the tenant may share the window: allow some, but never page forever.
        let maxPages = (run.report.considered + top - 1) / top * 4 + 2
        var seen = Set<Int64>()
        for page in 0..<maxPages {
            let result = try await call(api: .listActions, &run) {
                try await client.listMachineActions(filter: filter, top: top, skip: page * top)
            }
            guard case .value(let list) = result else { break }
            run.report.listCalls += 1
            let statuses = list.value.compactMap { action in action.status.map { (action.id, $0.wireValue) } }
            for touched in try store.setActionStatuses(jobId: job.id, byActionId: statuses) {
                if seen.insert(touched.rowId).inserted { run.report.read += 1 }
                if touched.changed { run.report.changed += 1 }
            }
            // A short page is the window's end; once every open action was returned, the
            // rest of the window holds only other actions of the tenant.
            if list.value.count < top || seen.count >= run.report.considered { break }
        }
        return seen
    }

    /// Lists the open actions not in `seen` by `id in (…)` batches, then reads what the list missed one by one.
    private func listByIds(skipping seen: Set<Int64>, _ run: inout Run) async throws {
        var cursor: Int64 = 0
        var missed: [TrackedAction] = []
        var listUsable = true
        while true {
            let chunk = try store.trackedActions(
                jobId: job.id, afterRowId: cursor, limit: settings.idBatchSize * 10, openOnly: true)
            guard let last = chunk.last else { break }
            cursor = last.rowId
            let wanted = chunk.filter { !seen.contains($0.rowId) }
            var start = 0
            while start < wanted.count {
                let batch = Array(wanted[start..<min(start + settings.idBatchSize, wanted.count)])
                start += batch.count
                if listUsable {
                    switch try await listBatch(batch, &run) {
                    case .some(let notReturned): missed += notReturned
                    case .none:
                        // The list refused the filter (an `in` the service does not take): read one by one.
                        listUsable = false
                        missed += batch
                    }
                } else {
                    missed += batch
                }
                if missed.count > settings.maxSingleReads * 4 { try await readSingly(&missed, &run) }
            }
        }
        try await readSingly(&missed, &run)
    }

    /// One `id in (…)` batch, paged by `$top`/`$skip` until every id was returned or a page
    /// comes back short.
    ///
    /// - Returns: the actions the list did not return, or nil when the list refused the query.
    private func listBatch(_ batch: [TrackedAction], _ run: inout Run) async throws -> [TrackedAction]? {
        let ids = Array(Set(batch.map(\.actionId))).sorted()
        let filter = MachineActionFilter.ids(ids)
        let top = ids.count
        var byAction = Dictionary(grouping: batch, by: { $0.actionId.lowercased() })
        var updates: [(rowId: Int64, status: String)] = []
        // At most `ids.count` actions match, so `$top = ids.count` returns them in one page;
        // only a full page with ids still missing (the service repeating an action) pages on.
        var skip = 0
        pages: for _ in 0..<4 {
            let offset = skip
            let result = try await call(api: .listActions, &run) {
                try await client.listMachineActions(filter: filter, top: top, skip: offset)
            }
            guard case .value(let list) = result else { return nil }
            run.report.listCalls += 1
            for action in list.value {
                guard let rows = byAction.removeValue(forKey: action.id.lowercased()), let status = action.status else {
                    continue
                }
                updates += rows.map { ($0.rowId, status.wireValue) }
                run.report.read += rows.count
            }
            skip += list.value.count
            if byAction.isEmpty || list.value.count < top || list.value.isEmpty { break pages }
        }
        run.report.changed += try store.setActionStatuses(updates)
        return byAction.values.flatMap { $0 }.sorted { $0.rowId < $1.rowId }
    }

    /// `GET /api/machineactions/{id}` for ids the list did not return, within the budget.
    private func readSingly(_ missed: inout [TrackedAction], _ run: inout Run) async throws {
        defer { missed.removeAll() }
        for action in missed {
            guard run.singleReadsLeft(settings) else {
                run.report.unread += 1
                continue
            }
            let result = try await call(api: .getAction, &run) { try await client.machineAction(id: action.actionId) }
            run.report.getCalls += 1
            switch result {
            case .value(let found):
                guard let status = found.status else { continue }
                run.report.read += 1
                run.report.changed += try store.setActionStatuses([(action.rowId, status.wireValue)])
            case .notFound, .refused:
                run.report.notFound += 1
            }
        }
    }

    // MARK: - One call under the quota

    private enum Fetch<Value: Sendable> {
        case value(Value)
        /// 404: no such action (or not visible yet).
        case notFound
        /// Another 4xx: the query itself is refused.
        case refused(CallFailure)
    }

    /// Why a refresh ended early.
    private struct Stopped: Error {
        var reason: StopReason
    }

    /// Makes one metered call of `api` (a 429 waits for its pause and a first 401 refreshes
    /// the token there), again after transient failures with backoff.
    private func call<Value: Sendable>(
        api: QuotaAPI, _ run: inout Run, _ send: () async throws -> CallResult<Value>
    ) async throws -> Fetch<Value> {
        var transientFailures = 0
        while true {
            let outcome = try await metered.perform(.lookup(rowId: nil), api: api, request: send) { result, _ in
                switch result {
                case .success(_, let status):
                    return (CallRecord(outcome: .statusRead, httpStatus: status), .unchanged)
                case .failure(let failure):
                    let outcome: CallOutcome
                    switch failure.category {
                    case .unauthorized, .forbidden: outcome = .unauthorized
                    case .notFound: outcome = .statusNotFound
                    case .permanent, .alreadyPending: outcome = .statusRefused
                    case .inDoubt, .rateLimited: outcome = .statusFailed
                    }
                    return (CallRecord(failure: failure, outcome: outcome), .unchanged)
                }
            }
            run.report.rateLimited = statistics.rateLimited - run.rateLimitedBefore
            let failure: CallFailure
            switch outcome {
            case .deferred: throw Stopped(reason: stop.reason ?? .signal)
            case .success(let value, _): return .value(value)
            case .failure(let failed): failure = failed
            }
            switch failure.category {
            case .unauthorized, .forbidden:
                throw Stopped(
                    reason: .authentication(
                        "\(failure) Reading actions needs the Machine.Read.All or Machine.ReadWrite.All permission."))
            case .notFound:
                return .notFound
            case .permanent, .alreadyPending:
                return .refused(failure)
            case .inDoubt, .rateLimited:
                transientFailures += 1
                guard transientFailures < settings.maxAttemptsPerCall else {
                    throw Stopped(reason: .apiUnreachable("\(transientFailures) attempts of one call failed: \(failure)"))
                }
                let delay = max(settings.retry.delay(afterAttempt: transientFailures, random: random()), failure.retryAfter ?? 0)
                guard try await stop.sleep(until: clock.now.addingTimeInterval(delay), on: clock) else {
                    throw Stopped(reason: stop.reason ?? .signal)
                }
            }
        }
    }

    /// What one refresh has done so far.
    private struct Run {
        var report = RefreshReport()
        /// 429s counted by earlier refreshes of this refresher.
        var rateLimitedBefore: Int

        func singleReadsLeft(_ settings: Settings) -> Bool { report.getCalls < settings.maxSingleReads }
    }
}

/// What one status refresh read and spent.
public struct RefreshReport: Sendable, Equatable {
    /// Open actions when the refresh began.
    public var considered = 0
    /// Statuses read from the API (one per row).
    public var read = 0
    /// Rows whose status changed.
    public var changed = 0
    /// Successful list calls.
    public var listCalls = 0
    /// Single `GET /api/machineactions/{id}` calls.
    public var getCalls = 0
    /// Calls answered 429 (then made again after the pause).
    public var rateLimited = 0
    /// Actions no call found (404 to a single GET, or refused).
    public var notFound = 0
    /// Actions left unread because the single-GET budget was spent.
    public var unread = 0
    /// Whether the job's creation-time window was listed.
    public var usedWindow = false
    /// Why the refresh ended before it was through, if it did.
    public var stopReason: StopReason?

    public init() {}
}
