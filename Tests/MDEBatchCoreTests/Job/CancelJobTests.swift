import Foundation
import MDEBatchCore
import MDEBatchTestSupport
import Testing

/// The cancel job on a manual clock against a scripted API.
struct CancelJobTests {
    static func cancelRows(_ harness: JobHarness, _ job: CancelJob) throws -> [String: RowRecord] {
        Dictionary(uniqueKeysWithValues: try harness.store.rows(jobId: job.job.id).map { ($0.targetActionId!, $0) })
    }

    static func postsPerAction(_ fake: FakeMDE) -> [String: Int] {
        fake.cancelPosts.reduce(into: [:]) { $0[$1.actionId, default: 0] += 1 }
    }

    @Test(.timeLimit(.minutes(1)))
    func cancelsOpenActionsOnceAndRecordsTheStatusReadBack() async throws {
        let harness = try JobHarness(rows: JobHarness.rows(3))
        let ids = try harness.submitAll(actual: { $0 == 1 ? "InProgress" : "Pending" })
        let job = try harness.makeCancelJob()
        let outcome = try await harness.run(job)
        #expect(outcome.counts[.cancelled] == 3)
        #expect(outcome.isComplete && outcome.problemRows == 0 && outcome.stopReason == nil)
        #expect(Self.postsPerAction(harness.fake) == Dictionary(uniqueKeysWithValues: ids.map { ($0, 1) }))
        // Every cancel is followed by a read-back of its action.
        #expect(Set(harness.fake.gets.map(\.actionId)) == Set(ids))
        for id in ids {
            #expect(harness.fake.action(id)?.cancellationComment == "stop it [mdebatch \(job.job.id)]")
        }
        let rows = try Self.cancelRows(harness, job)
        #expect(rows.values.allSatisfy { $0.outcome == .cancelled && $0.actionStatus == "Cancelled" && $0.httpStatus == 200 })
        // The quarantine job's rows carry the cancel's outcome and the status read back.
        let parent = try harness.store.rows(jobId: harness.job.id)
        #expect(parent.allSatisfy { $0.cancelStatus == "cancelled" && $0.actionStatus == "Cancelled" })
        #expect(try harness.store.job(id: job.job.id).parentJobId == harness.job.id)
    }

    @Test(.timeLimit(.minutes(1)))
    func aFinalActionAnswered400IsReadBackAndRecordedWithItsRealStatus() async throws {
        let harness = try JobHarness(rows: JobHarness.rows(2))
        // The state file still thinks both are pending; the service finished the first one.
        let ids = try harness.submitAll(actual: { $0 == 0 ? "Succeeded" : "Pending" })
        let job = try harness.makeCancelJob()
        let outcome = try await harness.run(job)
        #expect(outcome.counts[.alreadyFinal] == 1)
        #expect(outcome.counts[.cancelled] == 1)
        #expect(outcome.problemRows == 0)
        let rows = try Self.cancelRows(harness, job)
        let final = try #require(rows[ids[0]])
        #expect(final.outcome == .alreadyFinal)
        #expect(final.actionStatus == "Succeeded")
        #expect(final.httpStatus == 400)
        #expect(final.errorCode == nil)
        #expect(final.state == .alreadyFinal)
        #expect(Self.postsPerAction(harness.fake)[ids[0]] == 1)
        #expect(harness.fake.gets.filter { $0.actionId == ids[0] }.count == 1)
        let parent = try #require(try harness.store.rows(jobId: harness.job.id).first { $0.actionId == ids[0] })
        #expect(parent.cancelStatus == "already-final")
        #expect(parent.actionStatus == "Succeeded")
    }

    @Test(.timeLimit(.minutes(1)))
    func actionsTheStateKnowsAreFinalAreNotSentUnlessAskedTo() async throws {
        let harness = try JobHarness(rows: JobHarness.rows(2))
        let ids = try harness.submitAll(
            actual: { $0 == 0 ? "Succeeded" : "Pending" }, known: { $0 == 0 ? "Succeeded" : "Pending" })
        let job = try harness.makeCancelJob()
        let outcome = try await harness.run(job)
        #expect(outcome.counts[.alreadyFinal] == 1)
        #expect(outcome.counts[.cancelled] == 1)
        #expect(Self.postsPerAction(harness.fake)[ids[0]] == nil)
        let skipped = try #require(try Self.cancelRows(harness, job)[ids[0]])
        #expect(skipped.attempts == 0)
        #expect(skipped.actionStatus == "Succeeded")

        // --include-final: the same actions, another job, and the final one is sent (and answered 400).
        let all = try harness.makeCancelJob(options: CancelJobOptions(comment: "stop it", onlyOpen: false))
        #expect(all.job.id != job.job.id)
        let again = try await harness.run(all)
        #expect(again.counts[.alreadyFinal] == 2)
        #expect(Self.postsPerAction(harness.fake)[ids[0]] == 1)
    }

    @Test(.timeLimit(.minutes(1)))
    func anUnknownActionIsRecordedAsNotFound() async throws {
        let harness = try JobHarness(rows: JobHarness.rows(2))
        let ids = try harness.submitAll()
        harness.fake.enqueueCancel(.status(404, code: "ResourceNotFound"))
        let job = try harness.makeCancelJob()
        let outcome = try await harness.run(job)
        #expect(outcome.counts[.notFound] == 1)
        #expect(outcome.counts[.cancelled] == 1)
        #expect(outcome.problemRows == 1)
        let rows = try Self.cancelRows(harness, job)
        let missing = try #require(rows.values.first { $0.outcome == .notFound })
        #expect(missing.errorCode == "ResourceNotFound")
        #expect(missing.errorTarget == "t-2")
        #expect(missing.attempts == 1)
        #expect(harness.fake.cancelPosts.count == 2)
        #expect(
            try harness.store.rows(jobId: harness.job.id).first { $0.actionId == missing.targetActionId }?.cancelStatus
                == "not-found")
        _ = ids
    }

    @Test(.timeLimit(.minutes(1)))
    func inDoubtCancelsAreReadBackBeforeAnythingIsSentAgain() async throws {
        let harness = try JobHarness(rows: JobHarness.rows(3), settings: JobSettings(concurrency: 1))
        let ids = try harness.submitAll()
        // 1: cancelled, then a 503 ("lost" response); 2: cancelled, then dropped; 3: dropped before anything happened.
        harness.fake.enqueueCancel(.acceptThenStatus(503), .acceptThenDrop, .drop)
        let job = try harness.makeCancelJob()
        let outcome = try await harness.run(job)
        #expect(outcome.counts[.cancelled] == 3)
        #expect(outcome.isComplete)
        let posts = Self.postsPerAction(harness.fake)
        #expect(posts[ids[0]] == 1)
        #expect(posts[ids[1]] == 1)
        // The third was open when read back, so it was sent again.
        #expect(posts[ids[2]] == 2)
        let rows = try Self.cancelRows(harness, job)
        #expect(rows.values.allSatisfy { $0.actionStatus == "Cancelled" })
    }

    @Test(.timeLimit(.minutes(1)))
    func cancelAcceptedButTheActionCompletedFirstRecordsTheStatusReadBack() async throws {
        let harness = try JobHarness(rows: JobHarness.rows(1))
        let ids = try harness.submitAll()
        harness.fake.enqueueCancel(.acceptButComplete("Succeeded"))
        let job = try harness.makeCancelJob()
        let outcome = try await harness.run(job)
        #expect(outcome.counts[.alreadyFinal] == 1)
        #expect(outcome.problemRows == 0)
        let row = try #require(try Self.cancelRows(harness, job)[ids[0]])
        #expect(row.actionStatus == "Succeeded")
        #expect(row.httpStatus == 200)
        #expect(row.errorMessage?.contains("raced") == true)
        #expect(harness.fake.cancelPosts.count == 1)
        #expect(try harness.store.rows(jobId: harness.job.id).first?.actionStatus == "Succeeded")
    }

    @Test(.timeLimit(.minutes(1)))
    func a429PausesTheCancelAPIWithoutSpendingAnAttempt() async throws {
        let harness = try JobHarness(rows: JobHarness.rows(1))
        _ = try harness.submitAll()
        harness.fake.enqueueCancel(.status(429, code: "TooManyRequests", retryAfter: "7"))
        let job = try harness.makeCancelJob()
        let start = harness.clock.now
        let outcome = try await harness.run(job)
        #expect(outcome.counts[.cancelled] == 1)
        #expect(outcome.rateLimited == 1)
        let posts = harness.fake.cancelPosts
        try #require(posts.count == 2)
        #expect(posts[1].at.timeIntervalSince(start) >= 7)
        let row = try #require(try harness.store.rows(jobId: job.job.id).first)
        #expect(row.attempts == 1)
        let apis = try harness.store.attempts(jobId: job.job.id).map(\.api)
        #expect(apis == [QuotaAPI.cancel.rawValue, QuotaAPI.cancel.rawValue, QuotaAPI.getAction.rawValue])
    }

    @Test(.timeLimit(.minutes(1)))
    func a429OnTheReadBackWaitsAndNeverCancelsTwice() async throws {
        let harness = try JobHarness(rows: JobHarness.rows(1))
        let ids = try harness.submitAll()
        harness.fake.enqueueGetFailure(429, code: "TooManyRequests", retryAfter: "5")
        let job = try harness.makeCancelJob()
        let start = harness.clock.now
        let outcome = try await harness.run(job)
        #expect(outcome.counts[.cancelled] == 1)
        #expect(outcome.rateLimited == 1)
        #expect(harness.fake.cancelPosts.count == 1)
        let gets = harness.fake.gets.filter { $0.actionId == ids[0] }
        try #require(gets.count == 2)
        #expect(gets[1].at.timeIntervalSince(start) >= 5)
    }

    @Test(.timeLimit(.minutes(1)))
    func resumeAfterACrashReadsBackInsteadOfCancellingAgain() async throws {
        let harness = try JobHarness(rows: JobHarness.rows(2))
        let ids = try harness.submitAll()
        let job = try harness.makeCancelJob()
        let rows = try Self.cancelRows(harness, job)
        // Row 1: a process reserved the slot (row `sending`), its cancel reached MDE, and it died.
        let first = try #require(rows[ids[0]])
        _ = try harness.store.reserveSlot(
            for: .send(rowId: first.id), jobId: job.job.id, tenant: "tenant/client", api: .cancel,
            now: harness.clock.now, requestTimeout: 30
        ) { _, _ in .go }
        harness.fake.setStatus(ids[0], "Cancelled", cancellationComment: job.comment)
        // Row 2: its cancel was accepted and recorded, and the process died before the read-back.
        let second = try #require(rows[ids[1]])
        _ = try harness.store.reserveSlot(
            for: .send(rowId: second.id), jobId: job.job.id, tenant: "tenant/client", api: .cancel,
            now: harness.clock.now, requestTimeout: 30
        ) { _, _ in .go }
        try harness.store.record(
            slot: nil, rowId: second.id, now: harness.clock.now, call: CallRecord(outcome: .cancelAccepted, httpStatus: 200),
            change: .accepted(actionStatus: "Pending", readAt: harness.clock.now))
        harness.fake.setStatus(ids[1], "Cancelled", cancellationComment: job.comment)

        // The same cancel command again finds the same job.
        let resumed = try CancelJobIngest.fromJob(
            harness.job, options: CancelJobOptions(comment: "stop it"), store: harness.store, now: harness.clock.now)
        guard case .existing(let record) = resumed.creation else {
            Issue.record("expected the existing cancel job, got \(resumed.creation)")
            return
        }
        #expect(record.id == job.job.id)
        let outcome = try await harness.run(try harness.makeCancelJob(record))
        #expect(outcome.counts[.cancelled] == 2)
        #expect(harness.fake.cancelPosts.isEmpty)
        #expect(Set(harness.fake.gets.map(\.actionId)) == Set(ids))
    }

    @Test(.timeLimit(.minutes(1)))
    func anActionCancelledBySomeoneElseIsAlreadyFinal() async throws {
        let harness = try JobHarness(rows: JobHarness.rows(1))
        let ids = try harness.submitAll()
        let job = try harness.makeCancelJob()
        // The cancel is dropped (in doubt), and an analyst has cancelled the action in the portal.
        harness.fake.enqueueCancel(.drop)
        harness.fake.setStatus(ids[0], "Cancelled", cancellationComment: "portal")
        let outcome = try await harness.run(job)
        #expect(harness.fake.cancelPosts.count == 1)
        #expect(outcome.counts[.alreadyFinal] == 1)
        let row = try #require(try harness.store.rows(jobId: job.job.id).first)
        #expect(row.actionStatus == "Cancelled")
        #expect(row.outcome == .alreadyFinal)
    }
}
