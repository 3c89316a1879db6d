import Foundation
import Logging
import MDEBatchCore
import MDEBatchTestSupport
import Synchronization

/// A quarantine job over an in-memory store, a `FakeMDE` and a manual clock.
struct JobHarness {
    let clock = ManualWallClock()
    let fake: FakeMDE
    let transport: StubTransport
    let store: StateStore
    let job: JobRecord
    let settings: JobSettings

    init(rows: [NewRow], settings: JobSettings = JobSettings(visibilityDelay: 120), target: JobTarget? = nil) throws {
        fake = FakeMDE(clock: clock)
        transport = fake.makeTransport()
        store = try StateStore.inMemory()
        let creation = try store.createJob(
            NewJob(kind: .quarantine, inputs: ["t.csv"], options: "{}", target: target), now: clock.now
        ) {
            inserter in
            for row in rows { try inserter.insert(row) }
            return UUID().uuidString
        }
        job = creation.job!
        self.settings = settings
    }

    static func rows(_ count: Int) -> [NewRow] {
        (0..<count).map { i in
            NewRow(
                source: "t.csv", line: i + 2, machineId: String(format: "%040x", i + 1),
                sha1: String(repeating: "a", count: 32) + String(format: "%08x", i), comment: "row \(i)", state: .pending)
        }
    }

    func makeJob(stop: StopController = StopController()) throws -> QuarantineJob {
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
        let gate = QuotaGate(
            store: store, clock: clock, tenant: "tenant/client", policy: settings.policy, requestTimeout: settings.requestTimeout)
        return QuarantineJob(
            job: job, store: store, client: client, tokens: tokens, gate: gate, clock: clock, settings: settings, stop: stop,
            logger: Logger(label: "test"), random: { 0.5 })
    }

    /// Gives every pending row of the quarantine job an action on the fake, with the
    /// status the fake holds (`actual`) and the status the state file knows (`known`).
    func submitAll(actual: (Int) -> String = { _ in "Pending" }, known: (Int) -> String = { _ in "Pending" }) throws -> [String] {
        var ids: [String] = []
        for (index, row) in try store.rows(jobId: job.id).enumerated() {
            let id = UUID().uuidString.lowercased()
            fake.seed(
                .init(
                    id: id, machineId: row.machineId, sha1: row.sha1, comment: row.comment, status: actual(index),
                    created: clock.now))
            try store.updateRow(
                row.id, now: clock.now, call: CallRecord(outcome: .submitted, httpStatus: 201),
                update: .submitted(actionId: id, actionStatus: known(index), adopted: false))
            ids.append(id)
        }
        return ids
    }

    /// A cancel job for every action of the quarantine job.
    func makeCancelJob(options: CancelJobOptions = CancelJobOptions(comment: "stop it"), stop: StopController = StopController())
        throws -> CancelJob
    {
        let creation = try CancelJobIngest.fromJob(job, options: options, store: store, now: clock.now).creation
        return try makeCancelJob(creation.job!, stop: stop)
    }

    /// A runner for an existing cancel job.
    func makeCancelJob(_ record: JobRecord, stop: StopController = StopController()) throws -> CancelJob {
        let quarantine = try makeJob(stop: stop)
        return try CancelJob(
            job: record, store: store, client: quarantine.client, tokens: quarantine.tokens, gate: quarantine.gate, clock: clock,
            settings: settings, stop: stop, logger: Logger(label: "test"), random: { 0.5 })
    }

    /// Runs the job, moving the manual clock to the next deadline whenever every task is
    /// asleep on it, so an hour of quota passes in milliseconds.
    func run(_ job: some RunnableJob) async throws -> JobOutcome {
        let transport = self.transport
        let activity: @Sendable () -> Int = { transport.requests.count }
        return try await clock.drive(activity: activity) { try await job.run() }
    }
}
