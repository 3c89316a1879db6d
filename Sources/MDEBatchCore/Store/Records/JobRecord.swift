import Foundation
import GRDB

/// One job: a set of rows from one set of inputs and options (table `job`).
public struct JobRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "job"

    /// A short id derived from the kind and fingerprint, e.g. `q-3f9a0c21be`.
    public var id: String
    public var kind: JobKind
    /// SHA-256 over the inputs' bytes and the options that shape the rows.
    public var fingerprint: String
    /// The input names as the user gave them.
    public var inputs: [String]
    /// The options that shaped the job, as JSON (never secrets).
    public var options: String
    /// The tenant (or token audience) the job's calls count against; set when it first runs.
    public var tenant: String?
    public var apiBase: String?
    /// For a cancel job made from a quarantine job: that job.
    public var parentJobId: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var state: JobState
    public var rowCount: Int

    public init(
        id: String, kind: JobKind, fingerprint: String, inputs: [String], options: String, tenant: String?,
        apiBase: String?, parentJobId: String?, createdAt: Date, updatedAt: Date, state: JobState, rowCount: Int
    ) {
        self.id = id
        self.kind = kind
        self.fingerprint = fingerprint
        self.inputs = inputs
        self.options = options
        self.tenant = tenant
        self.apiBase = apiBase
        self.parentJobId = parentJobId
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.state = state
        self.rowCount = rowCount
    }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let kind = Column(CodingKeys.kind)
        public static let fingerprint = Column(CodingKeys.fingerprint)
        public static let createdAt = Column(CodingKeys.createdAt)
        public static let state = Column(CodingKeys.state)
    }
}
