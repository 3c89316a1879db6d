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
    /// `JobTarget.key` of the job's target: jobs, dedupe and the ledger are per target.
    /// Nil only for a dry run made without credentials, until its first real run.
    public var targetKey: String?
    /// The stored plan (JSON): target, comment tag, pacing.
    public var plan: JobPlan?

    public init(
        id: String, kind: JobKind, fingerprint: String, inputs: [String], options: String, tenant: String?,
        apiBase: String?, parentJobId: String?, createdAt: Date, updatedAt: Date, state: JobState, rowCount: Int,
        targetKey: String? = nil, plan: JobPlan? = nil
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
        self.targetKey = targetKey
        self.plan = plan
    }

    /// The plan the job runs by: the stored one, or for a job made before plans were
    /// stored, the one it was made with as far as it is known (its comment tag from its
    /// options, default pacing, the target it last ran against).
    public var effectivePlan: JobPlan {
        if let plan { return plan }
        return Self.legacyPlan(id: id, kind: kind, options: options, tenant: tenant, apiBase: apiBase)
    }

    static func legacyPlan(id: String, kind: JobKind, options: String, tenant: String?, apiBase: String?) -> JobPlan {
        struct Tagged: Decodable { var commentTag: Bool? }
        let tagged = (try? JSONDecoder().decode(Tagged.self, from: Data(options.utf8)))?.commentTag ?? true
        var target: JobTarget?
        if let apiBase, let tenant {
            // Jobs before plans stored `tenantId/clientId`.
            let tenantId = tenant.split(separator: "/").first.map(String.init) ?? tenant
            target = JobTarget(apiBase: apiBase, tenant: tenantId)
        }
        return JobPlan(target: target, commentSuffix: tagged ? JobPlan.commentTag(jobId: id) : "", pacing: .defaults)
    }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let kind = Column(CodingKeys.kind)
        public static let fingerprint = Column(CodingKeys.fingerprint)
        public static let createdAt = Column(CodingKeys.createdAt)
        public static let state = Column(CodingKeys.state)
        public static let targetKey = Column(CodingKeys.targetKey)
    }
}
