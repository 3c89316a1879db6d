import Foundation

/// How one run of a job sends: the job's stored pacing (`JobPacing`) on this run's clock,
/// plus this run's own stop conditions (docs/ARCHITECTURE.md).
public struct JobSettings: Sendable {
    public var policy: QuotaPolicy
    /// Requests that may overlap, so a burst does not wait on latency.
    public var concurrency: Int
    /// Bounds each call.
    public var requestTimeout: TimeInterval
    public var retry: RetryPolicy
    /// A just-created action can be invisible to reads for this long after its send;
    /// "not found" counts only after it.
    public var visibilityDelay: TimeInterval
    /// Stop sending at this instant (exit 75, resumable).
    public var deadline: Date?
    /// Stop after this many requests in this process (exit 75, resumable).
    public var maxRequests: Int?
    /// How far before its first send a lookup searches, for clock skew.
    public var lookupSkew: TimeInterval
    /// Consecutive transport-level failures after which the API counts as unreachable.
    public var unreachableAfter: Int
    /// How long in-flight calls may finish after a stop before they are cancelled.
    public var grace: TimeInterval
    /// How often a row waiting for a busy device looks at the action that blocks it.
    public var busyDevicePoll: TimeInterval = 30
    /// Look every device name up again, whatever the state file knows (`--refresh-names`).
    public var refreshNames = false

    public init(
        policy: QuotaPolicy = .mdeDefault, concurrency: Int = 8, requestTimeout: TimeInterval = 30,
        retry: RetryPolicy = RetryPolicy(), visibilityDelay: TimeInterval = 120,
        deadline: Date? = nil, maxRequests: Int? = nil, lookupSkew: TimeInterval = 600, unreachableAfter: Int = 12,
        grace: TimeInterval = 10
    ) {
        self.policy = policy
        self.concurrency = concurrency
        self.requestTimeout = requestTimeout
        self.retry = retry
        self.visibilityDelay = visibilityDelay
        self.deadline = deadline
        self.maxRequests = maxRequests
        self.lookupSkew = lookupSkew
        self.unreachableAfter = unreachableAfter
        self.grace = grace
    }

    /// The settings of a run of a job paced by `pacing`; `requestTimeout` is in clock seconds.
    public init(pacing: JobPacing, requestTimeout: TimeInterval, deadline: Date?, maxRequests: Int?) {
        self.init(
            policy: pacing.policy, concurrency: pacing.concurrency, requestTimeout: requestTimeout,
            retry: RetryPolicy(maxAttempts: pacing.maxAttempts), visibilityDelay: pacing.visibilityDelay, deadline: deadline,
            maxRequests: maxRequests)
    }
}
