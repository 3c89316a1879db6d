/// Where a row stands in its job (SPEC §4).
///
/// `pending` → `sending` (committed before the request leaves) → `submitted` | `pending`
/// again (retry later) | `failed`. Rows rejected at ingest never leave `invalid`,
/// `duplicate` or `alreadySubmitted`.
public enum RowState: String, Sendable, Codable, CaseIterable {
    case pending
    case sending
    case submitted
    case failed
    case invalid
    case duplicate
    case alreadySubmitted = "already-submitted"

    /// Whether the row still has work to do in its job.
    public var isOpen: Bool { self == .pending || self == .sending }
}

/// The kind of work a job does.
public enum JobKind: String, Sendable, Codable, CaseIterable {
    case quarantine
    case cancel
}

/// The life of a job as a whole.
public enum JobState: String, Sendable, Codable, CaseIterable {
    /// Ingested, nothing sent yet.
    case ready
    /// A process is (or was, until it died) sending.
    case running
    /// Stopped before the end (signal, deadline, request budget): run again to resume.
    case interrupted
    /// Every row reached a final state.
    case complete
}
