/// Where a row stands in its job (README, "How a run stays safe").
///
/// Both kinds: `pending` → `sending` (committed before the request leaves) → a final
/// state, or `pending` again (retry later). Rows rejected at ingest never leave `invalid`,
/// `duplicate` or `alreadySubmitted`.
///
/// A quarantine row ends `submitted` (with its action id) or `failed`.
///
/// A cancel row has states of its own: `cancelAccepted` (the API accepted the cancel; the
/// row is open until the action is read back, and is never cancelled again), then
/// `cancelled` (our cancel made it `Cancelled`), `alreadyFinal` (it was final before our
/// cancel took effect), `cancelRequested` (accepted, but still open when the read-back
/// window closed), `notFound` (404) or `failed`.
public enum RowState: String, Sendable, Codable, CaseIterable {
    case pending
    case sending
    case submitted
    case failed
    case invalid
    case duplicate
    case alreadySubmitted = "already-submitted"
    case cancelAccepted = "cancel-accepted"
    case cancelled
    case alreadyFinal = "already-final"
    case cancelRequested = "cancel-requested"
    case notFound = "not-found"
    /// A quarantine row whose device is busy with another StopAndQuarantineFile action
    /// (`blockedBy`): it is sent again, with no attempt spent, once that action is final.
    case waitingForDevice = "waiting-for-device"
    /// A quarantine row that names its device by name or its file by SHA-256: the job
    /// resolves it (to `pending`, or one of the three states below) before sending.
    case unresolved
    /// More than one device answers to the row's name (`--all-matches` sends to each).
    case ambiguousDeviceName = "ambiguous-device-name"
    /// No device answers to the row's name.
    case deviceNotFound = "device-not-found"
    /// The API knows no file with the row's SHA-256.
    case fileNotFound = "file-not-found"

    /// Whether the row still has work to do in its job.
    public var isOpen: Bool { Self.open.contains(self) }

    /// The states with work left to do.
    public static let open: [RowState] = [.pending, .sending, .cancelAccepted, .waitingForDevice, .unresolved]
    /// The open states a worker picks up when they are due (`nextAttemptAt`).
    public static let workable: [RowState] = [.pending, .cancelAccepted, .waitingForDevice]
    /// The states of a row that tracks an action whose status can be read: a quarantine
    /// row's own action, or the action a cancel row cancelled.
    public static let tracking: [RowState] = [.submitted, .cancelled, .alreadyFinal, .cancelRequested]

    /// `states` as an SQL list: `('a', 'b')`.
    static func sqlList(_ states: [RowState]) -> String {
        "(" + states.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"
    }
}

/// What the report calls a row's outcome: its state, except that an adopted quarantine
/// action (one that was already pending) is `already-pending`.
public enum RowOutcome: String, Sendable, Codable, CaseIterable {
    case submitted
    case alreadyPending = "already-pending"
    case cancelled
    case alreadyFinal = "already-final"
    case cancelRequested = "cancel-requested"
    case notFound = "not-found"
    case failed
    case invalid
    case duplicate
    case alreadySubmitted = "already-submitted"
    case pending
    case sending
    case cancelAccepted = "cancel-accepted"
    case waitingForDevice = "waiting-for-device"
    case unresolved
    case ambiguousDeviceName = "ambiguous-device-name"
    case deviceNotFound = "device-not-found"
    case fileNotFound = "file-not-found"

    public init(state: RowState, adopted: Bool) {
        if state == .submitted && adopted {
            self = .alreadyPending
        } else {
            self = RowOutcome(rawValue: state.rawValue)!
        }
    }

    /// Outcomes with work left to do.
    public var isOpen: Bool { RowState(rawValue: rawValue)?.isOpen ?? false }

    /// Final outcomes of a row that was never sent: what it named could not be resolved.
    public static let unresolvable: [RowOutcome] = [.ambiguousDeviceName, .deviceNotFound, .fileNotFound]
}

/// The kind of work a job does.
public enum JobKind: String, Sendable, Codable, CaseIterable {
    case quarantine
    case cancel
    /// The lookups of `mdebatch targets` on one target: no rows, its attempts are their
    /// audit trail, and its quota is the target's.
    case lookup
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
