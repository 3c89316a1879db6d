import ArgumentParser
import Foundation
import MDEBatchCore

/// How a job sends, shared by `run`, `resume` and `cancel`: state file, limits, API,
/// pacing, retries, stop conditions and output. The pacing options are stored with a new
/// job; given again to a later command, they override the job's for that run only.
struct SendOptions: ParsableArguments {
    @OptionGroup var state: StateOptions
    @OptionGroup var quota: QuotaOptions
    @OptionGroup var api: APIOptions

    @Option(help: "Requests that may overlap (default: 8, or the job's).")
    var concurrency: Int?

    @Option(
        name: .customLong("max-attempts"),
        help: "Attempts per row for retryable failures before it fails (default: 6, or the job's).")
    var maxAttempts: Int?

    @Option(help: ArgumentHelp("Stop sending after this long (exit 75; run again to resume), e.g. 45m.", valueName: "duration"))
    var deadline: String?

    @Option(name: .customLong("max-requests"), help: "Stop after this many requests (exit 75; run again to resume).")
    var maxRequests: Int?

    @Option(help: ArgumentHelp("Where to write the CSV report (default: ./mdebatch-JOB.csv, or the job's).", valueName: "file"))
    var report: String?

    @Flag(
        name: .customLong("no-comment-tag"), help: "Do not append ' [mdebatch JOB]' to comments (fixed when the job is created).")
    var noCommentTag = false

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        if let concurrency, !(1...64).contains(concurrency) { throw ValidationError("--concurrency must be between 1 and 64.") }
        if let maxAttempts, maxAttempts < 1 { throw ValidationError("--max-attempts must be at least 1.") }
        if let maxRequests, maxRequests < 1 { throw ValidationError("--max-requests must be at least 1.") }
        if let deadline, (MDEBatchCore.DurationText.parse(deadline) ?? 0) <= 0 {
            throw ValidationError("--deadline takes a duration such as 500ms, 30s, 2m or 1h, not '\(deadline)'.")
        }
    }

    /// The pacing options given on this command line.
    func overrides(visibilityDelay: TimeInterval? = nil) throws -> PacingOverrides {
        PacingOverrides(
            rates: quota.rate.isEmpty ? nil : try quota.limits(), concurrency: concurrency,
            requestTimeout: api.requestTimeoutSeconds, maxAttempts: maxAttempts, visibilityDelay: visibilityDelay,
            report: report, timeScale: api.timeScale, timeOrigin: api.timeOrigin.flatMap(APIOptions.parseDate))
    }

    /// The driver of a job sent with these options.
    var driver: JobDriver {
        JobDriver(
            quiet: quiet, statePath: state.state,
            deadline: deadline.flatMap(MDEBatchCore.DurationText.parse), maxRequests: maxRequests)
    }

    /// The driver of a quarantine job (`--refresh-names` applies to its resolution).
    func driver(refreshNames: Bool) -> JobDriver {
        var driver = self.driver
        driver.refreshNames = refreshNames
        return driver
    }
}
