import Foundation

/// A clock that runs `scale` times faster than `ContinuousClock`.
///
/// `--time-scale 60` makes an hour of emulator time pass in a real minute: every window,
/// `Retry-After`, lifecycle step, visibility delay and token lifetime is measured on this clock.
/// Its instants count emulator time since the real instant `origin` (or since the clock was
/// created), so the emulator's wall time is `origin + (real time since origin) × scale`: the same
/// formula as the client's `ScaledWallClock(scale:origin:)`, which therefore agrees with it.
public struct ScaledClock: Clock, Sendable {
    public struct Instant: InstantProtocol, Sendable {
        /// Emulator time elapsed since the clock's creation.
        public var offset: Duration

        public func advanced(by duration: Duration) -> Self { .init(offset: offset + duration) }
        public func duration(to other: Self) -> Duration { other.offset - offset }
        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.offset < rhs.offset }
    }

    /// How many emulator seconds pass per real second.
    public let scale: Double
    private let base: ContinuousClock.Instant
    private let initialOffset: Duration

    /// - Parameters:
    ///   - scale: Emulator seconds per real second.
    ///   - origin: The real instant whose emulator offset is zero; nil means "now".
    public init(scale: Double = 1, origin: Date? = nil) {
        precondition(scale > 0, "A time scale must be positive.")
        self.scale = scale
        self.base = ContinuousClock.now
        let lag = origin.map { Date().timeIntervalSince($0) } ?? 0
        self.initialOffset = .nanoseconds(Int64((lag * scale * 1e9).rounded()))
    }

    public var now: Instant {
        .init(offset: initialOffset + base.duration(to: ContinuousClock.now) * scale)
    }

    public var minimumResolution: Duration {
        .nanoseconds(1)
    }

    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let remaining = now.duration(to: deadline)
        guard remaining > .zero else { return }
        try await ContinuousClock().sleep(for: remaining / scale)
    }
}
