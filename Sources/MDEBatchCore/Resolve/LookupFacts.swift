import Foundation

/// What one resolution call found, committed with its attempt in one transaction
/// (`RowChange.lookups`): a crash after it never repeats the lookup, a crash before it
/// repeats only that call.
public struct LookupFacts: Sendable, Equatable {
    /// The target the facts hold for (the cache is per target).
    public var targetKey: String
    /// Device name keys (``DeviceName/key(_:)``) and every record that answers to each.
    public var names: [String: [MachineCandidate]] = [:]
    /// SHA-256s and their SHA-1, or nil when the API knows no such file.
    public var hashes: [String: String?] = [:]
    /// The job whose rows a failed lookup fails (other jobs try for themselves).
    public var jobId: String?
    /// Names whose lookup failed for good, with what to tell the user: their rows fail.
    public var failedNames: [String: String] = [:]
    /// SHA-256s whose lookup failed for good, likewise.
    public var failedHashes: [String: String] = [:]
    /// The number of device records a complete inventory sweep saw.
    public var sweptMachines: Int?

    public init(targetKey: String, jobId: String? = nil) {
        self.targetKey = targetKey
        self.jobId = jobId
    }
}
