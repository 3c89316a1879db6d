import Foundation

/// The set of sliding windows one API must respect; every window must admit a call.
public struct QuotaPolicy: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The windows, each checked independently.
    public var limits: [RateLimit]

    /// Creates a policy from its windows.
    public init(limits: [RateLimit]) {
        self.limits = limits
    }

    /// MDE's documented limit for each machine-action API: 100 calls per 60 s and 1,500 per 3,600 s.
    public static let mdeDefault = QuotaPolicy(limits: [
        RateLimit(limit: 100, window: 60),
        RateLimit(limit: 1500, window: 3600),
    ])

    /// The limits as `--rate` would spell them, e.g. `100/1m + 1500/1h`.
    public var description: String {
        limits.map(\.description).joined(separator: " + ")
    }
}
