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
    /// For a row waiting for its device: the action that keeps the device busy, and since when.
    public var blockedBy: String?
    public var blockedSince: Date?
    /// The device name the row gave instead of a machine id (docs/INPUTS.md, "Names and SHA-256").
    public var deviceName: String? = nil
    /// The SHA-256 the row gave instead of a SHA-1.
    public var inputHash: String? = nil
    /// For an `ambiguous-device-name` row: the devices its name matched (JSON).
    public var candidates: String? = nil

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

    /// The devices an `ambiguous-device-name` row's name matched, newest first.
    public var machineCandidates: [MachineCandidate] { MachineCandidate.decode(candidates) }

    /// What the report calls the row's outcome.
    public var outcome: RowOutcome { RowOutcome(state: state, adopted: adopted) }
}
