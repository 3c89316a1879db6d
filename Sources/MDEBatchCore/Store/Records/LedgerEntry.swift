import Foundation
import GRDB

/// One call counted against a tenant's API limits (table `ledgerEntry`).
///
/// Shared by every job and process that uses the same state file, so a restart or a
/// second process counts every call already made.
public struct LedgerEntry: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "ledgerEntry"

    public var id: Int64?
    public var tenant: String
    public var api: String
    public var sentAt: Date
    /// When the response arrived or the call failed; nil while in flight.
    public var completedAt: Date?
    /// `sentAt` plus the request time-out: the latest the call can complete.
    public var deadline: Date

    /// When the call completed, as far as anyone can know at `now`: nil while it may
    /// still be in flight.
    public func completion(at now: Date) -> Date? {
        if let completedAt { return completedAt }
        return now >= deadline ? deadline : nil
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    public enum Columns {
        public static let tenant = Column(CodingKeys.tenant)
        public static let api = Column(CodingKeys.api)
        public static let sentAt = Column(CodingKeys.sentAt)
        public static let completedAt = Column(CodingKeys.completedAt)
        public static let deadline = Column(CodingKeys.deadline)
    }
}
