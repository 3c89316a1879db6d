import ArgumentParser
import Foundation
import MDEBatchCore
import Testing

@testable import mdebatch

/// The exit-code table (README.md, "Exit codes"), the whole of it: every outcome and every error type maps to its code in one place.
struct ExitStatusTests {
    static let job = JobRecord(
        id: "q-test", kind: .quarantine, fingerprint: "f", inputs: ["a.csv"], options: "{}", tenant: nil, apiBase: nil,
        parentJobId: nil, createdAt: Date(), updatedAt: Date(), state: .complete, rowCount: 3)

    static func outcome(_ counts: [RowOutcome: Int], stop: StopReason? = nil) -> JobOutcome {
        JobOutcome(job: job, counts: JobCounts(byOutcome: counts), stopReason: stop, requests: 0, rateLimited: 0)
    }

    @Test(
        arguments: [
            (outcome([.submitted: 3]), 0),
            (outcome([.submitted: 2, .alreadyPending: 1, .duplicate: 4, .alreadySubmitted: 1]), 0),
            (outcome([.submitted: 2, .failed: 1]), 1),
            (outcome([.submitted: 2, .invalid: 1]), 1),
            (outcome([.submitted: 1, .pending: 2], stop: .signal), 75),
            (outcome([.pending: 3], stop: .deadline), 75),
            (outcome([.pending: 3], stop: .requestBudget), 75),
            (outcome([.pending: 3], stop: .apiUnreachable("down")), 75),
            (outcome([.pending: 3, .failed: 2], stop: .authentication("403")), 77),
            (outcome([.submitted: 1, .sending: 1]), 75),
        ] as [(JobOutcome, Int32)])
    func outcomesMapToTheirCodes(outcome: JobOutcome, code: Int32) {
        #expect(ExitStatus.code(for: outcome) == code)
    }

    @Test(
        arguments: [
            (ValidationError("bad flag"), 64),
            (UsageError(description: "needs --yes"), 64),
            (StoreError.unknownJob(id: "q-x", known: []), 64),
            (APIError.insecureBaseURL("http://example.com"), 64),
            (InputError.emptyFile(source: "a.csv"), 65),
            (InputError.missingColumn(source: "a.csv", column: "sha1", lookedFor: ["sha1"], found: ["x"]), 65),
            (StoreError.cannotOpen(path: "/x", reason: "not a database"), 65),
            (StoreError.corrupt(path: "/x", reason: "file is not a database"), 65),
            (StoreError.newerSchema(path: "/x"), 65),
            (StoreError.noStateFile(path: "/x"), 64),
            (StoreError.cannotWrite(path: "/x", reason: "database or disk is full"), 74),
            (OutputPathError.isFolder(path: "/tmp"), 64),
            (OutputPathError.missingFolder(path: "/nope/r.csv", folder: "/nope"), 64),
            (OutputWriteError(path: "r.csv", reason: "No space left on device"), 74),
            (JobLockError.busy(jobId: "q-x"), 75),
            (CancellationError(), 75),
            (AuthError.noCredentials, 77),
            (AuthError.tokenRequestFailed(status: 401, code: "invalid_client", description: nil), 77),
            (ExitCode(65), 65),
            (CocoaError(.fileReadUnknown), 70),
        ] as [(any Error, Int32)])
    func errorsMapToTheirCodes(error: any Error, code: Int32) {
        #expect(ExitStatus.code(for: error) == code)
    }

    @Test(
        arguments: [(nil, 0), (StopReason.authentication("403"), 77), (.signal, 75), (.apiUnreachable("5xx"), 75)]
            as [(StopReason?, Int32)])
    func statusRefreshStopsMapToTheirCodes(reason: StopReason?, code: Int32) {
        #expect(ExitStatus.code(forStatusStop: reason) == code)
    }

    /// The codes the README's exit-code table documents, read from the README itself.
    static func documentedCodes() throws -> Set<Int32> {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        let readme = try String(contentsOf: url.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "## Exit codes").dropFirst().first)
        return Set(
            section.split(separator: "\n").prefix(while: { !$0.hasPrefix("## ") }).compactMap { line in
                guard line.hasPrefix("| ") else { return nil }
                return Int32(line.dropFirst(2).prefix(while: \.isNumber))
            })
    }

    @Test func theCodesInUseAreTheOnesTheREADMEDocuments() throws {
        let documented = try Self.documentedCodes()
        let used: Set<Int32> = [
            ExitStatus.complete, ExitStatus.completeWithProblems, ExitStatus.usage, ExitStatus.inputUnusable,
            ExitStatus.internalError, ExitStatus.ioError, ExitStatus.stopped, ExitStatus.authentication,
        ]
        #expect(used == documented)
    }

    @Test func standardInputWithoutFormatIsAUsageError() throws {
        let error = #expect(throws: (any Error).self) { try MDEBatchCommand.parseAsRoot(["validate", "-"]) }
        #expect(error.map { MDEBatchCommand.exitCode(for: $0).rawValue } == ExitStatus.usage)
        #expect(error.map { MDEBatchCommand.message(for: $0) }?.contains("--format") == true)
        let parsed = try MDEBatchCommand.parseAsRoot(["validate", "-", "--format", "jsonl"])
        #expect(parsed is ValidateCommand)
    }

    @Test(arguments: ["100", "100/", "abc/1m", "100/1y", "0/1m"])
    func malformedRateIsRefusedAtParse(rate: String) {
        let error = #expect(throws: (any Error).self) { try MDEBatchCommand.parseAsRoot(["validate", "x.csv", "--rate", rate]) }
        #expect(error.map { MDEBatchCommand.exitCode(for: $0).rawValue } == ExitStatus.usage)
        #expect(error.map { MDEBatchCommand.message(for: $0) }?.contains(rate) == true, "the message names '\(rate)'")
    }

    @Test func repeatedRatesMakeOnePolicy() throws {
        let command = try #require(
            try MDEBatchCommand.parseAsRoot(["validate", "x.csv", "--rate", "10/1s", "--rate", "50/1m"]) as? ValidateCommand)
        #expect(
            try command.quota.policy()
                == QuotaPolicy(limits: [RateLimit(limit: 10, window: 1), RateLimit(limit: 50, window: 60)]))
    }
}
