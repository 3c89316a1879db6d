import Foundation

/// Exponential backoff with jitter for calls that ended in doubt (timeouts, 5xx, dropped connections).
///
/// Pure: the random draw is a parameter, so tests pick it.
public struct RetryPolicy: Sendable, Hashable, Codable {
    /// How the random draw spreads a delay.
    public enum Jitter: String, Sendable, Hashable, Codable {
        /// Anywhere in `0 ..< ceiling` (AWS "full jitter").
        case full
        /// Anywhere in `ceiling/2 ..< ceiling` (AWS "equal jitter"): never shorter than half.
        case equal
        /// Exactly `ceiling`.
        case none
    }

    /// The ceiling of the first delay, in seconds.
    public var base: TimeInterval
    /// The largest delay, in seconds.
    public var cap: TimeInterval
    /// How many attempts a row gets in all (the first send included).
    public var maxAttempts: Int
    /// How the ceiling is spread.
    public var jitter: Jitter

    /// Creates a policy; the defaults are 2 s doubling up to 5 min, equal jitter, 6 attempts.
    public init(base: TimeInterval = 2, cap: TimeInterval = 300, maxAttempts: Int = 6, jitter: Jitter = .equal) {
        self.base = base
        self.cap = cap
        self.maxAttempts = maxAttempts
        self.jitter = jitter
    }

    /// The default policy.
    public static let standard = RetryPolicy()

    /// The ceiling of the delay after attempt `attempt` (1 for the first send): `base · 2^(attempt-1)`,
    /// at most `cap`.
    public func ceiling(afterAttempt attempt: Int) -> TimeInterval {
        let exponent = Double(max(0, min(attempt - 1, 62)))
        return min(cap, base * pow(2, exponent))
    }

    /// The delay before the next attempt, after attempt `attempt` failed.
    ///
    /// - Parameters:
    ///   - attempt: The attempt that just failed, counting from 1.
    ///   - random: A draw in `0 ..< 1`; values outside are clamped.
    public func delay(afterAttempt attempt: Int, random: Double) -> TimeInterval {
        let ceiling = ceiling(afterAttempt: attempt)
        let unit = min(max(random, 0), 1)
        switch jitter {
        case .full: return ceiling * unit
        case .equal: return ceiling / 2 + ceiling / 2 * unit
        case .none: return ceiling
        }
    }

    /// The delay before the next attempt, drawing from `generator`.
    public func delay(afterAttempt attempt: Int, using generator: inout some RandomNumberGenerator) -> TimeInterval {
        delay(afterAttempt: attempt, random: Double.random(in: 0..<1, using: &generator))
    }

    /// Whether another attempt is allowed after `attempts` attempts.
    public func allowsAnotherAttempt(after attempts: Int) -> Bool {
        attempts < maxAttempts
    }
}
