import Foundation
import MDEBatchCore
import MDEBatchTestSupport
import Testing

/// The job engine on a manual clock against a scripted API.
struct QuarantineJobTests {
    @Test(.timeLimit(.minutes(1)))
    func pacesUnderBothWindowsWithoutA429() async throws {
        // Given 150 rows and limits of 100 a minute
        let harness = try JobHarness(
            rows: JobHarness.rows(150), settings: JobSettings(policy: QuotaPolicy(limits: [RateLimit(limit: 100, window: 60)])))
        let start = harness.clock.now
        // When the job runs
        let outcome = try await harness.run(try harness.makeJob())
        // Then the first 100 go at once and the rest a minute later
        #expect(outcome.counts[.submitted] == 150)
        #expect(outcome.stopReason == nil)
        let times = harness.fake.posts.map { $0.at.timeIntervalSince(start) }
        #expect(times.filter { $0 < 60 }.count == 100)
        #expect(times.filter { $0 >= 60 }.count == 50)
        #expect(Set(harness.fake.actions.map(\.machineId)).count == 150)
    }

    @Test(.timeLimit(.minutes(1)))
    func rateLimitPausesUntilRetryAfterWithoutSpendingAnAttempt() async throws {
        let harness = try JobHarness(rows: JobHarness.rows(1))
        harness.fake.enqueue(.status(429, code: "TooManyRequests", retryAfter: "7"))
        let start = harness.clock.now
        let outcome = try await harness.run(try harness.makeJob())
        #expect(outcome.counts[.submitted] == 1)
        #expect(outcome.rateLimited == 1)
        let posts = harness.fake.posts
        try #require(posts.count == 2)
        #expect(posts[1].at.timeIntervalSince(start) >= 7)
        let row = try #require(try harness.store.rows(jobId: harness.job.id).first)
        #expect(row.attempts == 1)
    }

    @Test(.timeLimit(.minutes(1)))
    func lostResponseIsFoundByLookupAndNeverResent() async throws {
        let harness = try JobHarness(rows: JobHarness.rows(2))
        harness.fake.enqueue(.createThenStatus(503), .createThenDrop)
        let outcome = try await harness.run(try harness.makeJob())
        #expect(outcome.counts[.submitted] == 2)
        #expect(harness.fake.posts.count == 2)
        #expect(harness.fake.actions.count == 2)
        let rows = try harness.store.rows(jobId: harness.job.id)
        #expect(Set(rows.compactMap(\.actionId)) == Set(harness.fake.actions.map(\.id)))
    }

    @Test(.timeLimit(.minutes(1)))
    func failedSendWithNothingCreatedIsResentOnlyAfterTheVisibilityDelay() async throws {
        let harness = try JobHarness(rows: JobHarness.rows(1))
        harness.fake.enqueue(.status(500, code: "InternalServerError"))
        let start = harness.clock.now
        let outcome = try await harness.run(try harness.makeJob())
        #expect(outcome.counts[.submitted] == 1)
        let posts = harness.fake.posts
        try #require(posts.count == 2)
        #expect(posts[1].at.timeIntervalSince(start) >= 120)
        #expect(harness.fake.listCalls >= 1)
    }

    @Test(.timeLimit(.minutes(1)))
    func activeRequestAlreadyExistsAdoptsThePendingAction() async throws {
        let harness = try JobHarness(rows: JobHarness.rows(1))
        let row = JobHarness.rows(1)[0]
        harness.fake.seed(
            .init(
                id: "existing-1", machineId: row.machineId, sha1: row.sha1, comment: "someone else", status: "Pending",
                created: harness.clock.now))
        harness.fake.enqueue(.status(400, code: "ActiveRequestAlreadyExists"))
        let outcome = try await harness.run(try harness.makeJob())
        #expect(outcome.counts[.alreadyPending] == 1)
        let stored = try #require(try harness.store.rows(jobId: harness.job.id).first)
        #expect(stored.actionId == "existing-1")
        #expect(stored.outcome == .alreadyPending)
        #expect(harness.fake.posts.count == 1)
    }

    @Test(arguments: [(404, "ResourceNotFound"), (400, "OsPlatformNotSupported"), (403, "Forbidden")])
    func permanentErrorsFailTheRowAtOnceKeepingTheAPIsCode(status: Int, code: String) async throws {
        let harness = try JobHarness(rows: JobHarness.rows(2))
        harness.fake.enqueue(.status(status, code: code))
        let outcome = try await harness.run(try harness.makeJob())
        #expect(outcome.counts[.failed] == 1)
        #expect(outcome.counts[.submitted] == 1)
        let failed = try #require(try harness.store.rows(jobId: harness.job.id, state: .failed, limit: 1).first)
        #expect(failed.errorCode == code)
        #expect(failed.httpStatus == status)
        #expect(failed.errorTarget == "t-1")
        #expect(failed.attempts == 1)
    }

    @Test(.timeLimit(.minutes(1)))
    func firstFiveRefusalsStopTheJobAfterFiveCalls() async throws {
        let harness = try JobHarness(rows: JobHarness.rows(30))
        for _ in 0..<5 { harness.fake.enqueue(.status(403, code: "Forbidden")) }
        let outcome = try await harness.run(try harness.makeJob())
        guard case .authentication = outcome.stopReason else {
            Issue.record("expected an authentication stop, got \(String(describing: outcome.stopReason))")
            return
        }
        #expect(harness.fake.posts.count == 5)
        // A stop is not a verdict on the rows: the five refused rows wait, untouched, for fixed credentials.
        let counts = try harness.store.counts(jobId: harness.job.id)
        #expect(counts[.failed] == 0)
        #expect(counts[.pending] == 30)
        #expect(try harness.store.rows(jobId: harness.job.id).allSatisfy { $0.attempts == 0 })

        // Fixed: a new run sends every row, the refused ones too.
        let fixed = try await harness.run(try harness.makeJob())
        #expect(fixed.stopReason == nil)
        #expect(fixed.counts[.submitted] == 30)
        #expect(harness.fake.posts.count == 35)
    }

    @Test(.timeLimit(.minutes(1)))
    func aFirst401RefreshesTheTokenAndSendsOnceMore() async throws {
        let harness = try JobHarness(rows: JobHarness.rows(2))
        harness.fake.enqueue(.status(401, code: "Unauthorized"))
        let outcome = try await harness.run(try harness.makeJob())
        #expect(outcome.counts[.submitted] == 2)
        #expect(harness.fake.posts.count == 3)
        let attempts = try harness.store.attempts(jobId: harness.job.id).map(\.outcome)
        #expect(attempts.prefix(2) == [.unauthorizedRefreshing, .submitted])
    }

    @Test(.timeLimit(.minutes(1)))
    func rowLeftSendingByACrashIsLookedUpBeforeAnythingIsSent() async throws {
        let harness = try JobHarness(rows: JobHarness.rows(1))
        let row = try #require(try harness.store.rows(jobId: harness.job.id).first)
        // A previous process reserved a slot, marked the row sending, sent, and died.
        _ = try harness.store.reserveSlot(
            for: .send(rowId: row.id), jobId: harness.job.id, tenant: "tenant/client", api: .stopAndQuarantine,
            now: harness.clock.now, requestTimeout: 30
        ) { _, _ in .go }
        harness.fake.seed(
            .init(
                id: "made-before-crash", machineId: row.machineId, sha1: row.sha1,
                comment: harness.job.effectivePlan.sentComment(row.comment), status: "Pending", created: harness.clock.now))
        let outcome = try await harness.run(try harness.makeJob())
        #expect(outcome.counts[.submitted] == 1)
        #expect(harness.fake.posts.isEmpty)
        #expect(try harness.store.rows(jobId: harness.job.id).first?.actionId == "made-before-crash")
    }

    @Test(.timeLimit(.minutes(1)))
    func maxRequestsStopsTheJobResumably() async throws {
        let harness = try JobHarness(rows: JobHarness.rows(10), settings: JobSettings(concurrency: 1, maxRequests: 3))
        let outcome = try await harness.run(try harness.makeJob())
        #expect(outcome.stopReason == .requestBudget)
        #expect(harness.fake.posts.count == 3)
        #expect(outcome.counts[.pending] == 7)
        #expect(try harness.store.job(id: harness.job.id).state == .interrupted)
    }
}
