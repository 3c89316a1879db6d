import Foundation
import GRDB

/// One input row of a job and everything that happened to it (table `jobRow`).
public struct RowRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "jobRow"

    public var id: Int64
    public var jobId: String
    public var source: String
    public var line: Int
    /// Normalized (lower-case hex) for valid rows; the trimmed input for rejected ones.
    public var machineId: String
    public var sha1: String
    public var comment: String
    public var state: RowState
    /// For a cancel job: the action to cancel.
    public var targetActionId: String?
    public var errorCode: String?
    public var errorMessage: String?
    public var errorTarget: String?
    public var actionId: String?
    public var actionStatus: String?
    /// True when the action id was adopted from an action that was already pending.
    public var adopted: Bool
    public var httpStatus: Int?
    public var attempts: Int
    public var firstSentAt: Date?
    public var lastSentAt: Date?
    public var submittedAt: Date?
    /// When a `pending` row may be tried again (after backoff).
    public var nextAttemptAt: Date?
    /// Set while the outcome of a send is unknown: look the action up before sending again.
    public var inDoubtSince: Date?
    public var cancelStatus: String?

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let jobId = Column(CodingKeys.jobId)
        public static let state = Column(CodingKeys.state)
        public static let machineId = Column(CodingKeys.machineId)
        public static let sha1 = Column(CodingKeys.sha1)
        public static let actionId = Column(CodingKeys.actionId)
        public static let actionStatus = Column(CodingKeys.actionStatus)
        public static let nextAttemptAt = Column(CodingKeys.nextAttemptAt)
        public static let inDoubtSince = Column(CodingKeys.inDoubtSince)
    }

    /// What the report calls the row's outcome.
    public var outcome: String {
        if targetActionId != nil {
            return Self.cancelOutcome(state: state, httpStatus: httpStatus, adopted: adopted, actionStatus: actionStatus)
        }
        switch state {
        case .submitted: return adopted ? "already-pending" : "submitted"
        default: return state.rawValue
        }
    }

    /// The outcome of a cancel job's row (its `targetActionId` is set):
    ///
    /// - `cancelled`: our cancel was accepted and the action reads back `Cancelled`;
    /// - `already-final`: the action was final before our cancel took effect (the API
    ///   answered 400, or the state file already knew it, or it completed in a race with an
    ///   accepted cancel); `action_status` holds the status read back;
    /// - `cancel-requested`: the cancel was accepted, but the action still read back open
    ///   when the read-back window closed;
    /// - `not-found`: the API does not know the action (404);
    /// - `failed`, and the ingest states `invalid` and `duplicate`; `pending` / `sending`
    ///   while the row is open.
    ///
    /// On a cancel row, `adopted` means the final status was already there (not made by
    /// this job's cancel), like an adopted pending action on a quarantine row; `actionId`
    /// is set once a cancel was accepted (the row is then only read back, never cancelled
    /// again) and on every finished row.
    public static func cancelOutcome(state: RowState, httpStatus: Int?, adopted: Bool, actionStatus: String?) -> String {
        switch state {
        case .failed:
            return httpStatus == 404 ? "not-found" : "failed"
        case .submitted:
            let status = actionStatus.map(ActionStatus.init(wireValue:))
            guard let status, status.isFinal else { return "cancel-requested" }
            return status == .cancelled && !adopted ? "cancelled" : "already-final"
        default:
            return state.rawValue
        }
    }
}
