import ArgumentParser
import Foundation
import MDEBatchCore

/// The options of `run` and `resume`: API, pacing, retries, stop conditions, output.
struct RunOptions: ParsableArguments {
    @OptionGroup var state: StateOptions
    @OptionGroup var quota: QuotaOptions
    @OptionGroup var api: APIOptions

    @Option(help: "Requests that may overlap.")
    var concurrency: Int = 8

    @Option(name: .customLong("visibility-delay"), help: ArgumentHelp("A lookup finding no action counts only this long after the send.", valueName: "duration"))
    var visibilityDelay: String = "2m"

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

    @Flag(help: "Start the emulator in process on a free loopback port and run against it (no tenant needed).")
    var emulator = false


    func validate() throws {
        guard concurrency >= 1, concurrency <= 64 else { throw ValidationError("--concurrency must be between 1 and 64.") }
        guard maxAttempts >= 1 else { throw ValidationError("--max-attempts must be at least 1.") }
        if let maxRequests, maxRequests < 1 { throw ValidationError("--max-requests must be at least 1.") }
        for (flag, value) in [("--visibility-delay", visibilityDelay), ("--deadline", deadline ?? "1s")] {
            guard let seconds = DurationText.parse(value), seconds > 0 || flag == "--visibility-delay" else {
                throw ValidationError("\(flag) takes a duration such as 500ms, 30s, 2m or 1h, not '\(value)'.")
            }
        }
        if emulator && api.apiBase != nil { throw ValidationError("--emulator and --api-base cannot be combined.") }
    }

    /// The target of `run` and `resume`: the in-process emulator, or the API.
    func target() async throws -> APITarget {
        emulator ? try await APITarget.makeEmulator(api) : try APITarget.make(api)
    }

    func settings(clock: any WallClock) throws -> JobSettings {
        JobSettings(
            policy: try quota.policy(), concurrency: concurrency, requestTimeout: api.requestTimeoutSeconds,
            retry: RetryPolicy(maxAttempts: maxAttempts), visibilityDelay: DurationText.parse(visibilityDelay)!,
            commentTag: !noCommentTag, deadline: deadline.flatMap(DurationText.parse).map { clock.now.addingTimeInterval($0) },
            maxRequests: maxRequests)
    }
}

extension CloudPreset: ExpressibleByArgument {}
