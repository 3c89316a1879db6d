import Foundation

/// Watches the actions that keep devices busy, for the rows waiting on them
/// (`RowState.waitingForDevice`): one list call per 100 blocking actions, batched across
/// devices, each a metered call under the list API's quota. A row whose blocking action is
/// final goes back to `pending`, due at once; the others are looked at again after `poll`.
///
/// Workers that find a waiting row due all call `refresh()`; concurrent callers share one
/// look, so a hundred due rows cost one call, not a hundred.
actor BusyDeviceWatcher {
    let jobId: String
    let store: StateStore
    let call: MeteredCall
    let client: MDEClient
    let clock: any WallClock
    /// How long, on the job's clock, between two looks at a blocking action.
    let poll: TimeInterval
    private var running: Task<Void, any Error>?

    init(jobId: String, store: StateStore, call: MeteredCall, client: MDEClient, clock: any WallClock, poll: TimeInterval) {
        self.jobId = jobId
        self.store = store
        self.call = call
        self.client = client
        self.clock = clock
        self.poll = poll
    }

    /// Looks at every due blocking action once.
    func refresh() async throws {
        if let running { return try await running.value }
        let task = Task { try await self.look() }
        running = task
        defer { running = nil }
        try await task.value
    }

    private func look() async throws {
        let blockers = try store.dueBlockers(jobId: jobId, now: clock.now)
        var start = 0
        while start < blockers.count {
            let batch = Array(blockers[start..<min(start + 100, blockers.count)])
            start += batch.count
            let client = self.client
            let outcome = try await call.perform(.lookup(rowId: nil), api: .listActions) {
                try await client.listMachineActions(filter: MachineActionFilter.ids(batch), top: batch.count, skip: 0)
            } settle: { result, _ in
                switch result {
                case .success(_, let status): return (CallRecord(outcome: .statusRead, httpStatus: status), .unchanged)
                case .failure(let failure): return (CallRecord(failure: failure, outcome: .lookupFailed), .unchanged)
                }
            }
            let recheckAt = clock.now.addingTimeInterval(poll)
            guard case .success(let list, _) = outcome else {
                // No answer (a failure, or the job is stopping): look again later.
                try store.settleBlockers(jobId: jobId, released: [], stillOpen: batch, recheckAt: recheckAt)
                if case .deferred = outcome { return }
                continue
            }
            let open = Set(list.value.filter { $0.status?.isFinal == false }.map { $0.id.lowercased() })
            // An action the list did not return cannot be waited for: send again, and a
            // device still busy answers 400 once more.
            let released = batch.filter { !open.contains($0.lowercased()) }
            let stillOpen = batch.filter { open.contains($0.lowercased()) }
            try store.settleBlockers(jobId: jobId, released: released, stillOpen: stillOpen, recheckAt: recheckAt)
        }
    }
}
