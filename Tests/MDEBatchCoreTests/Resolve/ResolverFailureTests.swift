import Foundation
import MDEBatchCore
import Testing

/// Lookups that fail: transient failures leave the rows for the next run, refusals fail
/// them with what to do; the job never sends a row it could not resolve.
struct ResolverFailureTests {
    static let sha256 = String(repeating: "5", count: 64)

    static func harness(maxAttempts: Int = 3) throws -> JobHarness {
        var row = NewRow(
            source: "t.csv", line: 2, machineId: String(repeating: "a", count: 40), sha1: "", comment: "c",
            state: .unresolved)
        row.inputHash = sha256
        return try JobHarness(
            rows: [row], settings: JobSettings(retry: RetryPolicy(maxAttempts: maxAttempts), visibilityDelay: 120),
            target: JobTarget(apiBase: "https://api.test", tenant: "tenant"))
    }

    @Test func aLookupThatKeepsFailingStopsTheJobAndLeavesTheRowForTheNextRun() async throws {
        let harness = try Self.harness()
        harness.fake.answerFiles(503)
        let outcome = try await harness.run(try harness.makeJob())
        #expect(harness.fake.fileCalls == 3)
        guard case .apiUnreachable(let detail) = outcome.stopReason else {
            Issue.record("expected the job to stop as unreachable, got \(String(describing: outcome.stopReason))")
            return
        }
        #expect(detail.contains("GetFile failed 3 times"))
        #expect(try harness.store.rows(jobId: harness.job.id).map(\.state) == [.unresolved])
        #expect(harness.fake.posts.isEmpty)

        // The next run looks it up again; a refusal then fails the row, naming the permission.
        harness.fake.answerFiles(403)
        let second = try await harness.run(try harness.makeJob())
        #expect(second.isComplete)
        let row = try #require(try harness.store.rows(jobId: harness.job.id).first)
        #expect(row.state == .failed)
        #expect(row.errorCode == "resolution-failed")
        #expect(row.errorMessage?.contains("File.Read.All") == true)
        #expect(harness.fake.posts.isEmpty)
    }

    @Test func aFileTheAPIDoesNotKnowIsFileNotFoundAndIsLookedUpOnce() async throws {
        let harness = try Self.harness()
        let outcome = try await harness.run(try harness.makeJob())
        #expect(outcome.isComplete)
        #expect(outcome.counts[.fileNotFound] == 1)
        #expect(outcome.resolution?.fileCalls == 1)
        #expect(harness.fake.fileCalls == 1)
        #expect(harness.fake.posts.isEmpty)
    }
}
