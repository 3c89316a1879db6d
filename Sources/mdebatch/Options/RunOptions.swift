import ArgumentParser
import Foundation
import MDEBatchCore

/// The options of `run` and `resume`: how to send, the visibility delay, and `--emulator`.
struct RunOptions: ParsableArguments {
    @OptionGroup var send: SendOptions

    @Option(name: .customLong("visibility-delay"), help: ArgumentHelp("A lookup finding no action counts only this long after the send.", valueName: "duration"))
    var visibilityDelay: String = "2m"

    @Flag(help: "Start the emulator in process on a free loopback port and run against it (no tenant needed).")
    var emulator = false

    func validate() throws {
        guard DurationText.parse(visibilityDelay) != nil else {
            throw ValidationError("--visibility-delay takes a duration such as 500ms, 30s, 2m or 1h, not '\(visibilityDelay)'.")
        }
        if emulator && send.api.apiBase != nil { throw ValidationError("--emulator and --api-base cannot be combined.") }
    }

    /// The target of `run` and `resume`: the in-process emulator, or the API.
    func target() async throws -> APITarget {
        emulator ? try await APITarget.makeEmulator(send.api) : try APITarget.make(send.api)
    }

    var driver: JobDriver { send.driver(visibilityDelay: DurationText.parse(visibilityDelay) ?? 120) }
}

extension CloudPreset: ExpressibleByArgument {}
