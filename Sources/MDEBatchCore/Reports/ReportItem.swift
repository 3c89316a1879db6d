import Foundation

/// One row of a report, with the CSV's fields in camelCase (docs/REPORTS.md, "The JSON report").
///
/// Times are UTC ISO-8601 strings, numbers are numbers, and a field without a value is
/// `null` (never missing), so every item has the same keys.
public struct ReportItem: Sendable, Hashable, Codable {
    public var job: String
    public var source: String
    public var line: Int
    public var machineId: String
    public var sha1: String
    public var comment: String
    public var outcome: String
    public var actionId: String?
    public var actionStatus: String?
    public var httpStatus: Int?
    public var errorCode: String?
    public var errorMessage: String?
    public var attempts: Int
    public var firstSentAt: String?
    public var submittedAt: String?
    public var cancelStatus: String?
    /// The device name the row gave instead of a machine id.
    public var deviceName: String?
    /// The SHA-256 the row gave instead of a SHA-1.
    public var inputHash: String?
    /// The devices an `ambiguous-device-name` row's name matched (empty otherwise).
    public var candidates: [Candidate]

    /// A device an ambiguous name matched.
    public struct Candidate: Sendable, Hashable, Codable {
        public var machineId: String
        public var computerDnsName: String
        public var lastSeen: String?
        public var healthStatus: String?
        public var onboardingStatus: String?
    }

    /// The item of a stored row.
    public init(_ row: RowRecord) {
        job = row.jobId
        source = row.source
        line = row.line
        machineId = row.machineId
        sha1 = row.sha1
        comment = row.comment
        outcome = row.outcome.rawValue
        actionId = row.reportedActionId
        actionStatus = row.actionStatus
        httpStatus = row.httpStatus
        errorCode = row.errorCode
        errorMessage = row.errorMessage
        attempts = row.attempts
        firstSentAt = row.firstSentAt.map(ReportTime.format)
        submittedAt = row.submittedAt.map(ReportTime.format)
        cancelStatus = row.cancelStatus
        deviceName = row.deviceName
        inputHash = row.inputHash
        candidates = row.machineCandidates.map {
            Candidate(
                machineId: $0.id, computerDnsName: $0.computerDnsName, lastSeen: $0.lastSeen.map(ReportTime.format),
                healthStatus: $0.healthStatus, onboardingStatus: $0.onboardingStatus)
        }
    }

    /// The JSON keys, in the order of the CSV columns.
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case job, source, line, machineId, sha1, comment, outcome, actionId, actionStatus, httpStatus, errorCode
        case errorMessage, attempts, firstSentAt, submittedAt, cancelStatus, deviceName, inputHash, candidates
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(job, forKey: .job)
        try container.encode(source, forKey: .source)
        try container.encode(line, forKey: .line)
        try container.encode(machineId, forKey: .machineId)
        try container.encode(sha1, forKey: .sha1)
        try container.encode(comment, forKey: .comment)
        try container.encode(outcome, forKey: .outcome)
        try container.encode(actionId, forKey: .actionId)
        try container.encode(actionStatus, forKey: .actionStatus)
        try container.encode(httpStatus, forKey: .httpStatus)
        try container.encode(errorCode, forKey: .errorCode)
        try container.encode(errorMessage, forKey: .errorMessage)
        try container.encode(attempts, forKey: .attempts)
        try container.encode(firstSentAt, forKey: .firstSentAt)
        try container.encode(submittedAt, forKey: .submittedAt)
        try container.encode(cancelStatus, forKey: .cancelStatus)
        try container.encode(deviceName, forKey: .deviceName)
        try container.encode(inputHash, forKey: .inputHash)
        try container.encode(candidates, forKey: .candidates)
    }
}
