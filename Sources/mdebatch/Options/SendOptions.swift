import ArgumentParser
import Foundation
import MDEBatchCore

/// How a job sends, shared by `run`, `resume` and `cancel`: state file, limits, API,
/// pacing, retries, stop conditions and output.
struct SendOptions: ParsableArguments {
    @OptionGroup var state: StateOptions
    @OptionGroup var quota: QuotaOptions
    @OptionGroup var api: APIOptions

    @Option(help: "Requests that may overlap.")
    var concurrency: Int = 8

    @Option(name: .customLong("max-attempts"), help: "Attempts per row for retryable failures before it fails.")
    var maxAttempts: Int = 6

    @Option(help: ArgumentHelp("Stop sending after this long (exit 75; run again to resume), e.g. 45m.", valueName: "duration"))
    var deadline: String?

    @Option(name: .customLong("max-requests"), help: "Stop after this many requests (exit 75; run again to resume).")
    var maxRequests: Int?

    @Option(help: ArgumentHelp("Where to write the CSV report (default: ./mdebatch-JOB.csv).", valueName: "file"))
    var report: String?

    @Flag(name: .customLong("no-comment-tag"), help: "Do not append ' [mdebatch JOB]' to comments.")
    var noCommentTag = false

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        guard concurrency >= 1, concurrency <= 64 else { throw ValidationError("--concurrency must be between 1 and 64.") }
        guard maxAttempts >= 1 else { throw ValidationError("--max-attempts must be at least 1.") }
        if let maxRequests, maxRequests < 1 { throw ValidationError("--max-requests must be at least 1.") }
        if let deadline, (MDEBatchCore.DurationText.parse(deadline) ?? 0) <= 0 {
            throw ValidationError("--deadline takes a duration such as 500ms, 30s, 2m or 1h, not '\(deadline)'.")
        }
    }

    /// The job's settings on `clock` (the deadline counts from now).
    func settings(clock: any WallClock, visibilityDelay: TimeInterval = 120) throws -> JobSettings {
        JobSettings(
            policy: try quota.policy(), concurrency: concurrency, requestTimeout: api.requestTimeoutSeconds,
            retry: RetryPolicy(maxAttempts: maxAttempts), visibilityDelay: visibilityDelay, commentTag: !noCommentTag,
            deadline: deadline.flatMap(MDEBatchCore.DurationText.parse).map { clock.now.addingTimeInterval($0) },
            maxRequests: maxRequests)
    }

    /// A driver that sends with these options.
    func driver(visibilityDelay: TimeInterval = 120) -> JobDriver {
        let options = self
        return JobDriver(
            settings: { try options.settings(clock: $0, visibilityDelay: visibilityDelay) }, quiet: quiet, report: report)
    }
}
