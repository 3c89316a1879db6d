import Foundation
import GRDB

/// One HTTP attempt: the audit trail (table `attempt`).
public struct AttemptRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "attempt"

    public var id: Int64?
    public var jobId: String
    public var rowId: Int64?
    /// Which API the call went to (`QuotaAPI.rawValue`).
    public var api: String
    public var startedAt: Date
    public var finishedAt: Date?
    /// `submitted`, `rate-limited`, `in-doubt`, `failed`, `found`, `not-found`, … ; nil while in flight.
    public var outcome: CallOutcome?
    public var httpStatus: Int?
    public var errorCode: String?
    public var errorMessage: String?
    public var errorTarget: String?
    public var retryAfter: Double?

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
