import Foundation
import Logging
import MDEBatchCore
import MDEBatchTestSupport
import Synchronization

/// A job with `count` submitted actions in an in-memory store, a `FakeActionsAPI` and a manual clock.
struct StatusHarness {
    let clock = ManualWallClock()
    let api: FakeActionsAPI
    let transport: StubTransport
    let store: StateStore
    let job: JobRecord

    static func actionId(_ i: Int) -> String { String(format: "0000aaaa-0000-4000-8000-%012x", i) }

    init(count: Int, kind: JobKind = .quarantine, finalStatus: (Int) -> String? = { _ in nil }) throws {
        api = FakeActionsAPI(clock: clock)
        transport = api.makeTransport()
        store = try StateStore.inMemory()
        let creation = try store.createJob(NewJob(kind: kind, inputs: ["t.csv"], options: "{}"), now: clock.now) { inserter in
            for i in 0..<count {
                try inserter.insert(
                    NewRow(
                        source: "t.csv", line: i + 2, machineId: String(format: "%040x", i + 1),
                        sha1: String(repeating: "b", count: 32) + String(format: "%08x", i), comment: "row \(i)", state: .pending,
                        targetActionId: kind == .cancel ? Self.actionId(i) : nil))
            }
            return UUID().uuidString
        }
        job = creation.job!
        for (i, row) in try store.rows(jobId: job.id, afterId: 0, limit: 1_000_000).enumerated() {
            let id = Self.actionId(i)
            let fixed = finalStatus(i)
            api.add(id, status: fixed)
            guard
                case .granted(let attemptId, let ledgerId) = try store.reserveSlot(
                    for: .send(rowId: row.id), jobId: job.id, tenant: "other", api: .stopAndQuarantine, now: clock.now,
                    requestTimeout: 30, decide: { _, _ in .go })
            else { continue }
            // What the real jobs write: a quarantine row submitted; a cancel row whose cancel
            // was accepted and still read back open.
            let change: RowChange =
                kind == .cancel
                ? .stillOpen(actionStatus: "Pending")
                : .row(.submitted(actionId: id, actionStatus: fixed ?? "Pending", adopted: false))
            try store.record(
                slot: QuotaGate.Slot(attemptId: attemptId, ledgerId: ledgerId, sentAt: clock.now), rowId: row.id, now: clock.now,
                call: CallRecord(outcome: kind == .cancel ? .readBackOpen : .submitted, httpStatus: 201), change: change)
        }
    }

    func makeRefresher(
        settings: StatusRefresher.Settings = StatusRefresher.Settings(), stop: StopController = StopController(),
        policy: QuotaPolicy = .mdeDefault
    ) throws -> StatusRefresher {
        let credentials = try Credentials.fromEnvironment(
            [
                "MDE_TENANT_ID": "tenant", "MDE_CLIENT_ID": "client", "MDE_CLIENT_SECRET": "secret",
                "MDE_AUTHORITY": "https://login.test",
            ],
            now: clock.now)
        let tokens = TokenProvider(
            credentials: credentials, resource: "https://api.securitycenter.microsoft.com", transport: transport, clock: clock)
        let client = MDEClient(
            baseURL: URL(string: "https://api.test")!, transport: transport, tokens: tokens, requestTimeout: 30,
            userAgent: "test", clock: clock)
        let gate = QuotaGate(store: store, clock: clock, tenant: "tenant/client", policy: policy, requestTimeout: 30)
        return StatusRefresher(
            job: job, store: store, client: client, tokens: tokens, gate: gate, clock: clock, stop: stop,
            settings: settings, random: { 0.5 })
    }

    /// Statuses by line, from the store.
    func statuses() throws -> [String?] {
        try store.rows(jobId: job.id, afterId: 0, limit: 1_000_000).map(\.actionStatus)
    }

    /// Runs `body`, moving the manual clock to the next deadline whenever every task is
    /// asleep on it and no request went out for a few polls.
    func drive<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let transport = self.transport
        return try await clock.drive(activity: { transport.requests.count }, body)
    }
}
