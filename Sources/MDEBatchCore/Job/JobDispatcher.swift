import Foundation
import Logging

/// A job that a driver can run and watch: a quarantine job or a cancel job.
public protocol RunnableJob: Sendable {
    var job: JobRecord { get }
    /// Runs until every row is final or something stops it.
    func run() async throws -> JobOutcome
    /// The progress at this instant, for the live line.
    func progress() throws -> ProgressSnapshot
}

/// The run loop every job kind shares (docs/SAFETY.md).
///
/// It checks that a token can be had, turns rows a dead process left `sending` into
/// in-doubt rows, then feeds due rows in input order to at most `settings.concurrency`
/// workers (one until the credentials are confirmed) until no row is open or the job is
/// stopping; on a stop, calls in flight get `settings.grace` before they are cancelled.
/// What a worker does with a row is the job kind's business.
struct JobDispatcher: Sendable {
    let jobId: String
    let store: StateStore
    let tokens: TokenProvider
    let clock: any WallClock
    let settings: JobSettings
    let stop: StopController
    let statistics: JobStatistics
    let logger: Logger

    /// Runs `work` on due rows until none is open or the job stops, and records the job's state.
    ///
    /// - Parameter prepare: runs once the job is `running` (under its deadline), before any
    ///   row is worked: a quarantine job resolves names and SHA-256s there.
    /// - Throws: only for internal errors (the state file failing) and what `work` throws.
    func run(
        prepare: @Sendable () async throws -> Void = {}, _ work: @escaping @Sendable (RowRecord) async throws -> Void
    ) async throws {
        // Fail fast, before anything is sent, when no token can be had.
        do {
            _ = try await tokens.token()
        } catch {
            stop.stop(.authentication("\(error)"))
            return
        }
        let reclaimed = try store.reclaimSendingRows(jobId: jobId)
        if reclaimed > 0 {
            logger.info(
                "rows left sending by an earlier run will be looked up first",
                metadata: ["job.id": "\(jobId)", "rows": "\(reclaimed)"])
        }
        try store.setJobState(jobId, .running, now: clock.now)

        try await withThrowingTaskGroup(of: Void.self) { watchers in
            if let deadline = settings.deadline {
                watchers.addTask {
                    if try await stop.sleep(until: deadline, on: clock) { stop.stop(.deadline) }
                }
            }
            try await prepare()
            if !stop.isStopping { try await dispatch(work) }
            watchers.cancelAll()
        }

        let open = try store.openRowCount(jobId: jobId)
        try store.setJobState(jobId, open == 0 ? .complete : .interrupted, now: clock.now)
    }

    /// `rows` round-robin across devices, each device's rows in their order: the same device
    /// is not sent to twice in a row while others wait. It costs nothing when the API blocks
    /// only a second action for the same file, and avoids most waits when it blocks a busy
    /// device (README, "How a run stays safe").
    static func interleavedByDevice(_ rows: [RowRecord]) -> [RowRecord] {
        var queues: [String: [RowRecord]] = [:]
        var order: [String] = []
        for row in rows {
            if queues[row.machineId] == nil { order.append(row.machineId) }
            queues[row.machineId, default: []].append(row)
        }
        guard order.count > 1, order.count < rows.count else { return rows }
        var result: [RowRecord] = []
        result.reserveCapacity(rows.count)
        var round = 0
        while result.count < rows.count {
            for device in order where round < queues[device]!.count {
                result.append(queues[device]![round])
            }
            round += 1
        }
        return result
    }

    /// Feeds due rows to at most `concurrency` workers until no row is open.
    private func dispatch(_ work: @escaping @Sendable (RowRecord) async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Int64.self) { group in
            var running = Set<Int64>()
            var cursor: Int64 = 0
            let graceMarker: Int64 = -1

            func finishOne() async throws {
                if let done = try await group.next() { running.remove(done) }
            }

            while !stop.isStopping {
                let limit = statistics.authConfirmed ? settings.concurrency : 1
                if running.count >= limit {
                    try await finishOne()
                    continue
                }
                let batch = Self.interleavedByDevice(
                    try store.dueRows(jobId: jobId, now: clock.now, afterId: cursor, limit: 256)
                        .filter { !running.contains($0.id) })
                if batch.isEmpty {
                    if !running.isEmpty {
                        try await finishOne()
                        cursor = 0
                        continue
                    }
                    if cursor != 0 {
                        cursor = 0
                        continue
                    }
                    guard try store.openRowCount(jobId: jobId) > 0, let next = try store.nextDueDate(jobId: jobId) else {
                        break
                    }
                    try await stop.sleep(until: next, on: clock)
                    continue
                }
                for row in batch {
                    let limit = statistics.authConfirmed ? settings.concurrency : 1
                    while running.count >= limit { try await finishOne() }
                    if stop.isStopping { break }
                    cursor = max(cursor, row.id)
                    running.insert(row.id)
                    group.addTask {
                        do {
                            try await work(row)
                        } catch is CancellationError where stop.isStopping {
                            // Cut off after the grace of a stop: the row stays `sending`
                            // and the next run looks its action up. Not an error.
                        }
                        return row.id
                    }
                }
            }

            // Stopping: workers waiting for a slot return at once; calls in flight get
            // a short grace, then are cancelled (their rows stay `sending`, and the next
            // run looks them up).
            if !running.isEmpty {
                group.addTask {
                    try? await clock.sleep(until: clock.now.addingTimeInterval(settings.grace))
                    return graceMarker
                }
                while let done = try await group.next() {
                    if done == graceMarker {
                        group.cancelAll()
                    } else {
                        running.remove(done)
                        if running.isEmpty { group.cancelAll() }
                    }
                }
            }
        }
    }
}
