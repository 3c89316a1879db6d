import Foundation
import Testing

@testable import MDEBatchCore

/// The job is the plan: identity per target, fixed options, remembered pacing.
struct JobPlanTests {
    static let a = String(repeating: "a", count: 40), b = String(repeating: "b", count: 40)
    static let tenantA = JobTarget(apiBase: "https://API.security.microsoft.com/", tenant: "TENANT-A")
    static let tenantB = JobTarget(apiBase: "https://api.security.microsoft.com", tenant: "tenant-b")

    /// A CSV file with `rows` distinct rows, removed when the test ends.
    final class InputFile {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("plan-\(UUID().uuidString).csv")
        init(rows: Int, offset: Int = 0) throws {
            var text = "DeviceId,SHA1,Comment\n"
            for i in offset..<(offset + rows) { text += "\(JobPlanTests.a),\(String(format: "%040x", i + 1)),row \(i)\n" }
            try Data(text.utf8).write(to: url)
        }
        deinit { try? FileManager.default.removeItem(at: url) }
        var sources: [InputSource] { [.file(path: url.path)] }
    }

    func ingest(
        _ file: InputFile, _ store: StateStore, target: JobTarget?,
        options: QuarantineJobOptions = QuarantineJobOptions(ingest: IngestOptions()), pacing: JobPacing = .defaults
    ) throws -> JobIngest.Result {
        try JobIngest.ingest(
            file.sources, names: ["in.csv"], options: options, target: target, pacing: pacing, store: store, now: Date())
    }

    @Test func targetsAreNormalizedAndNamedByBaseAndTenant() {
        #expect(Self.tenantA.key == "https://api.security.microsoft.com tenant tenant-a")
        #expect(Self.tenantA.key != Self.tenantB.key)
        #expect(JobTarget.emulator().key != Self.tenantA.key)
        #expect(JobTarget.emulator().isEmulator)
    }

    @Test func theSameInputsAreOneJobPerTarget() throws {
        let store = try StateStore.inMemory()
        let file = try InputFile(rows: 3)
        let first = try #require(try ingest(file, store, target: Self.tenantA).creation.job)
        guard case .existing(let again) = try ingest(file, store, target: Self.tenantA).creation else {
            Issue.record("the same inputs and target should find the job")
            return
        }
        #expect(again.id == first.id)
        guard case .created(let other) = try ingest(file, store, target: Self.tenantB).creation else {
            Issue.record("another target should make another job")
            return
        }
        #expect(other.id != first.id)
        #expect(other.effectivePlan.target == Self.tenantB)
        #expect(try store.counts(jobId: other.id)[.pending] == 3)
    }

    @Test func alreadySubmittedIsCheckedWithinTheTargetOnly() throws {
        let store = try StateStore.inMemory()
        let file = try InputFile(rows: 2)
        let first = try #require(try ingest(file, store, target: Self.tenantA).creation.job)
        for row in try store.rows(jobId: first.id) {
            try store.updateRow(
                row.id, now: Date(), call: CallRecord(outcome: .submitted, httpStatus: 201),
                update: .submitted(actionId: "act-\(row.id)", actionStatus: "Pending", adopted: false))
        }
        // A changed file on the same target: the rows already sent there are not sent again.
        let changed = try InputFile(rows: 3)
        let sameTarget = try #require(try ingest(changed, store, target: Self.tenantA).creation.job)
        #expect(try store.counts(jobId: sameTarget.id)[.alreadySubmitted] == 2)
        // On another target nothing was sent yet.
        let otherTarget = try #require(try ingest(changed, store, target: Self.tenantB).creation.job)
        #expect(try store.counts(jobId: otherTarget.id)[.alreadySubmitted] == 0)
        #expect(try store.counts(jobId: otherTarget.id)[.pending] == 3)
    }

    @Test func aJobMadeWithoutATargetIsBoundByItsFirstRunAndCheckedThen() throws {
        let store = try StateStore.inMemory()
        let sent = try InputFile(rows: 1)
        let first = try #require(try ingest(sent, store, target: Self.tenantA).creation.job)
        let row = try #require(try store.rows(jobId: first.id).first)
        try store.updateRow(
            row.id, now: Date(), call: CallRecord(outcome: .submitted),
            update: .submitted(actionId: "x", actionStatus: nil, adopted: false))

        let file = try InputFile(rows: 2)
        let dry = try #require(try ingest(file, store, target: nil).creation.job)
        #expect(dry.targetKey == nil)
        #expect(try store.counts(jobId: dry.id)[.pending] == 2)
        // Its first real run finds it and binds it; what that target already has is not sent.
        guard case .existing(let bound) = try ingest(file, store, target: Self.tenantA).creation else {
            Issue.record("the unbound job should be found")
            return
        }
        #expect(bound.id == dry.id)
        #expect(bound.targetKey == Self.tenantA.key)
        #expect(try store.counts(jobId: dry.id)[.alreadySubmitted] == 1)
        #expect(try store.counts(jobId: dry.id)[.pending] == 1)
        let marked = try #require(try store.rows(jobId: dry.id, state: .alreadySubmitted, limit: 1).first)
        #expect(marked.errorMessage?.contains("job \(first.id)") == true)
    }

    @Test func optionsThatChangeWhatIsSentAreRefusedNamingTheOption() throws {
        let store = try StateStore.inMemory()
        let file = try InputFile(rows: 2)
        let job = try #require(
            try ingest(
                file, store, target: Self.tenantA, options: QuarantineJobOptions(ingest: IngestOptions(), commentTag: false)
            ).creation.job)
        #expect(job.effectivePlan.commentSuffix.isEmpty)
        do {
            _ = try ingest(file, store, target: Self.tenantA)
            Issue.record("a conflicting --no-comment-tag should be refused")
        } catch let conflict as PlanConflict {
            guard case .whatIsSent(let id, let differences) = conflict else {
                Issue.record("unexpected \(conflict)")
                return
            }
            #expect(id == job.id)
            #expect(differences == [PlanDifference(option: "--no-comment-tag", jobValue: "on", given: "off")])
            #expect(conflict.description.contains("--no-comment-tag"))
        }
    }

    @Test func theCommentTagIsFixedAtCreation() throws {
        let store = try StateStore.inMemory()
        let job = try #require(try ingest(try InputFile(rows: 1), store, target: Self.tenantA).creation.job)
        #expect(job.effectivePlan.sentComment("row 0") == "row 0 [mdebatch \(job.id)]")
        let stored = try store.job(id: job.id)
        #expect(stored.plan == job.plan)
    }

    @Test func pacingIsStoredAndAnOverrideSaysWhatChanged() throws {
        let store = try StateStore.inMemory()
        let pacing = PacingOverrides(rates: [RateLimit(limit: 10, window: 60)], concurrency: 2, visibilityDelay: 5).forNewJob
        let job = try #require(try ingest(try InputFile(rows: 1), store, target: Self.tenantA, pacing: pacing).creation.job)
        let stored = try store.job(id: job.id).effectivePlan.pacing
        #expect(stored.concurrency == 2)
        #expect(stored.visibilityDelay == 5)
        #expect(stored.policy == QuotaPolicy(limits: [RateLimit(limit: 10, window: 60)]))
        #expect(stored.maxAttempts == 6)
        let (applied, notes) = PacingOverrides(concurrency: 4, maxAttempts: 6).applied(to: stored)
        #expect(applied.concurrency == 4)
        #expect(applied.visibilityDelay == 5)
        #expect(notes == ["--concurrency 4 (the job's: 2)"])
        #expect(PacingOverrides().applied(to: stored).pacing == stored)
    }

    @Test func jobsMadeBeforePlansKeepTheirCommentTag() {
        let tagged = JobRecord.legacyPlan(
            id: "q-old", kind: .quarantine, options: #"{"commentTag":true}"#, tenant: "t/c", apiBase: "https://x")
        #expect(tagged.commentSuffix == " [mdebatch q-old]")
        #expect(tagged.target?.tenant == "t")
        let untagged = JobRecord.legacyPlan(
            id: "q-old", kind: .quarantine, options: #"{"commentTag":false}"#, tenant: nil, apiBase: nil)
        #expect(untagged.commentSuffix == "")
        #expect(untagged.target == nil)
        #expect(untagged.pacing == .defaults)
    }
}
