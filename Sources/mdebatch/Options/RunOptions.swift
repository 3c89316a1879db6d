import ArgumentParser
import Foundation
import MDEBatchCore

/// The options of `run` and `resume`: API, pacing, retries, stop conditions, output.
struct RunOptions: ParsableArguments {
    @OptionGroup var state: StateOptions
    @OptionGroup var quota: QuotaOptions

    @Option(help: "Requests that may overlap.")
    var concurrency: Int = 8

    @Option(name: .customLong("api-base"), help: ArgumentHelp("The API base URL (default: $MDE_API_BASE, else the --cloud preset).", valueName: "url"))
    var apiBase: String?

    @Option(help: "The cloud: public, gcc, gcc-high or dod (sets API base, login authority and token resource).")
    var cloud: CloudPreset = .public

    @Option(name: .customLong("request-timeout"), help: ArgumentHelp("Bounds each call, e.g. 30s.", valueName: "duration"))
    var requestTimeout: String = "30s"

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

    @Option(name: .customLong("time-scale"), help: ArgumentHelp("With --emulator: how many times faster its clock runs (default 60).", visibility: .default))
    var timeScale: Double?

    @Option(name: .customLong("time-origin"), help: ArgumentHelp("The origin of a scaled clock shared with an external emulator (ISO-8601).", visibility: .hidden))
    var timeOrigin: String?

    func validate() throws {
        guard concurrency >= 1, concurrency <= 64 else { throw ValidationError("--concurrency must be between 1 and 64.") }
        guard maxAttempts >= 1 else { throw ValidationError("--max-attempts must be at least 1.") }
        if let maxRequests, maxRequests < 1 { throw ValidationError("--max-requests must be at least 1.") }
        for (flag, value) in [("--request-timeout", requestTimeout), ("--visibility-delay", visibilityDelay), ("--deadline", deadline ?? "1s")] {
            guard let seconds = DurationText.parse(value), seconds > 0 || flag == "--visibility-delay" else {
                throw ValidationError("\(flag) takes a duration such as 500ms, 30s, 2m or 1h, not '\(value)'.")
            }
        }
        if let timeScale, timeScale <= 0 { throw ValidationError("--time-scale must be positive.") }
        if let timeOrigin, Self.parseDate(timeOrigin) == nil {
            throw ValidationError("--time-origin takes an ISO-8601 instant such as 2026-11-21T10:00:00Z.")
        }
        if emulator && apiBase != nil { throw ValidationError("--emulator and --api-base cannot be combined.") }
    }

    static func parseDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    /// The clock the job runs on: real time, or a scaled one shared with an emulator.
    func clock(origin: Date?, scale: Double?) -> any WallClock {
        guard let scale, scale != 1 else { return SystemWallClock() }
        return ScaledWallClock(scale: scale, origin: origin ?? timeOrigin.flatMap(Self.parseDate) ?? Date())
    }

    func settings(clock: any WallClock) throws -> JobSettings {
        JobSettings(
            policy: try quota.policy(), concurrency: concurrency, requestTimeout: DurationText.parse(requestTimeout)!,
            retry: RetryPolicy(maxAttempts: maxAttempts), visibilityDelay: DurationText.parse(visibilityDelay)!,
            commentTag: !noCommentTag, deadline: deadline.flatMap(DurationText.parse).map { clock.now.addingTimeInterval($0) },
            maxRequests: maxRequests)
    }
}

extension CloudPreset: ExpressibleByArgument {}
