import Foundation

/// A source of wall-clock time that can also sleep.
///
/// Quota windows, token expiry and the in-doubt visibility delay are compared across
/// processes and stored in the state file, so they need instants that survive a restart:
/// `Date`, not a `Clock`'s boot-relative instant. Decision code takes `now: Date` as a
/// parameter; only thin actors call `sleep(until:)`.
public protocol WallClock: Sendable {
    /// The current time.
    var now: Date { get }

    /// Suspends until `deadline` has passed on this clock.
    ///
    /// - Throws: `CancellationError` when the task is cancelled.
    func sleep(until deadline: Date) async throws
}

extension WallClock {
    /// Suspends for `seconds` on this clock.
    public func sleep(seconds: TimeInterval) async throws {
        try await sleep(until: now.addingTimeInterval(seconds))
    }
}
