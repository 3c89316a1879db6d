import ArgumentParser
import Foundation
import MDEBatchCore

/// The options of `run` and `resume`: how to send, the visibility delay, and `--emulator`.
struct RunOptions: ParsableArguments {
    @OptionGroup var send: SendOptions

    @Option(
        name: .customLong("visibility-delay"),
        help: ArgumentHelp(
            "A lookup finding no action counts only this long after the send (default: 2m, or the job's).", valueName: "duration")
    )
    var visibilityDelay: String?

    @Flag(help: "Start the emulator in process on a free loopback port and run against it (no tenant needed).")
    var emulator = false

    @Flag(
        name: .customLong("refresh-names"),
        help: "Look every device name up again in this run, whatever the state file learned (names are kept a day).")
    var refreshNames = false

    func validate() throws {
        if let visibilityDelay, DurationText.parse(visibilityDelay) == nil {
            throw ValidationError("--visibility-delay takes a duration such as 500ms, 30s, 2m or 1h, not '\(visibilityDelay)'.")
        }
        if emulator && send.api.apiBase != nil { throw ValidationError("--emulator and --api-base cannot be combined.") }
    }

    /// The pacing options given on this command line.
    func overrides() throws -> PacingOverrides {
        try send.overrides(visibilityDelay: visibilityDelay.flatMap(DurationText.parse))
    }
}

extension CloudPreset: ExpressibleByArgument {}
