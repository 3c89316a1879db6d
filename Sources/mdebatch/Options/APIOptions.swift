import ArgumentParser
import Foundation
import MDEBatchCore

/// Where the API is and how long a call may take: shared by `run`, `resume`,
/// `status --refresh` and `cancel`.
struct APIOptions: ParsableArguments {
    @Option(
        name: .customLong("api-base"),
        help: ArgumentHelp("The API base URL (default: $MDE_API_BASE, else the --cloud preset).", valueName: "url"))
    var apiBase: String?

    @Option(
        help:
            "The cloud: public, gcc, gcc-high or dod (sets API base, login authority and token resource; default: public, or the job's)."
    )
    var cloud: CloudPreset?

    @Option(
        name: .customLong("request-timeout"),
        help: ArgumentHelp("Bounds each call, e.g. 30s (default: 30s, or the job's).", valueName: "duration"))
    var requestTimeout: String?

    @Option(
        name: .customLong("time-scale"),
        help: ArgumentHelp(
            "Run on a clock this many times faster than real time, to match an emulator's --time-scale (run and resume with --emulator: default 60; stored with a new job)."
        ))
    var timeScale: Double?

    @Option(
        name: .customLong("time-origin"),
        help: ArgumentHelp("The origin of a scaled clock shared with an external emulator (ISO-8601).", visibility: .hidden))
    var timeOrigin: String?

    func validate() throws {
        if let requestTimeout, (MDEBatchCore.DurationText.parse(requestTimeout) ?? 0) <= 0 {
            throw ValidationError("--request-timeout takes a duration such as 500ms, 30s or 2m, not '\(requestTimeout)'.")
        }
        if let timeScale, timeScale <= 0 { throw ValidationError("--time-scale must be positive.") }
        if let timeOrigin, Self.parseDate(timeOrigin) == nil {
            throw ValidationError("--time-origin takes an ISO-8601 instant such as 2026-11-21T10:00:00Z.")
        }
    }

    /// The request time-out, when given.
    var requestTimeoutSeconds: TimeInterval? { requestTimeout.flatMap(MDEBatchCore.DurationText.parse) }

    static func parseDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
