import Foundation

/// A wall clock that runs `scale` times faster than real time from `origin`.
///
/// The emulator's `--time-scale` makes an hour of quota pass in a minute; a client that
/// talks to it uses this clock with the same origin and scale, so both sides agree on
/// every window, `Retry-After` and creation time.
public struct ScaledWallClock: WallClock {
    public let scale: Double
    public let origin: Date

    public init(scale: Double, origin: Date) {
        precondition(scale > 0, "time scale must be positive")
        self.scale = scale
        self.origin = origin
    }

    public var now: Date {
        origin.addingTimeInterval(Date().timeIntervalSince(origin) * scale)
    }

    public func sleep(until deadline: Date) async throws {
        let realSeconds = deadline.timeIntervalSince(now) / scale
        if realSeconds > 0 {
            try await Task.sleep(for: .seconds(realSeconds))
        } else {
            try Task.checkCancellation()
        }
    }
}
