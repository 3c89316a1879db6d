/// How one attempt ended, as the audit trail records it (`attempt.outcome`).
public enum CallOutcome: String, Sendable, Codable, CaseIterable {
    // Sends of a quarantine job.
    case submitted
    case inDoubt = "in-doubt"
    case rateLimited = "rate-limited"
    case alreadyPending = "already-pending"
    case unauthorized
    /// A first 401: the token is refreshed and the call made once more.
    case unauthorizedRefreshing = "unauthorized-refreshing"
    case failed
    /// Nothing left the process (no token could be had).
    case notSent = "not-sent"
    /// `--max-attempts` spent.
    case gaveUp = "gave-up"
    // The in-doubt lookup and adoption.
    case found
    case notYetVisible = "not-yet-visible"
    case lookupFound = "lookup-found"
    case lookupNotFound = "lookup-not-found"
    case lookupFailed = "lookup-failed"
    case lookupUnavailable = "lookup-unavailable"
    case adopted
    case pendingNotFound = "pending-not-found"
    /// Another file's action keeps the device busy: the row waits for it.
    case deviceBusy = "device-busy"
    // Cancels and their read-backs.
    case cancelAccepted = "cancel-accepted"
    case alreadyFinal = "already-final"
    case notFound = "not-found"
    case readBack = "read-back"
    case readBackOpen = "read-back-open"
    case readBackFailed = "read-back-failed"
    // Resolution of device names and SHA-256s.
    /// A lookup answered and what it found is stored.
    case resolved
    /// A page of a lookup whose answer spans several pages (stored with the last).
    case lookupPage = "lookup-page"
    /// A lookup failed for good: the rows that needed it failed.
    case resolutionFailed = "resolution-failed"
    // Status refreshes.
    case statusRead = "status-read"
    case statusNotFound = "status-not-found"
    case statusRefused = "status-refused"
    case statusFailed = "status-failed"
}
