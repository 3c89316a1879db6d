/// What the resolution phase of a run did, for the summary.
public struct ResolutionSummary: Sendable, Equatable {
    /// Distinct device names and SHA-256s the job's unresolved rows needed.
    public var names = 0
    public var hashes = 0
    /// How many of them the state file already knew (looked up earlier for this target).
    public var cachedNames = 0
    public var cachedHashes = 0
    /// How the names were looked up, when any were.
    public var strategy: NameLookupStrategy?
    /// Whether a sweep gave up (the fleet was larger than it could cover) for batches.
    public var sweepGaveUp = false
    /// Calls made to `GET /api/machines` and `GET /api/files/{id}` in this run.
    public var nameCalls = 0
    public var fileCalls = 0
    public var counts = ResolutionCounts()

    public init() {}

    /// One line for the run's summary.
    public var description: String {
        var parts: [String] = []
        if names > 0 {
            var how = ""
            switch strategy {
            case .batches?: how = ", by name in batches of \(NameLookupStrategy.namesPerCall)"
            case .sweep? where sweepGaveUp: how = ", an inventory sweep gave up for batches of \(NameLookupStrategy.namesPerCall)"
            case .sweep?: how = ", by one inventory sweep"
            case nil: how = ""
            }
            parts.append("\(names) device names (\(cachedNames) known, \(nameCalls) calls\(how))")
        }
        if hashes > 0 { parts.append("\(hashes) SHA-256s (\(cachedHashes) known, \(fileCalls) calls)") }
        var outcome = ["\(counts.resolved) rows to send"]
        if counts.added > 0 { outcome.append("\(counts.added) added by --all-matches") }
        if counts.ambiguous > 0 { outcome.append("\(counts.ambiguous) ambiguous-device-name") }
        if counts.deviceNotFound > 0 { outcome.append("\(counts.deviceNotFound) device-not-found") }
        if counts.fileNotFound > 0 { outcome.append("\(counts.fileNotFound) file-not-found") }
        if counts.duplicates > 0 { outcome.append("\(counts.duplicates) duplicate once resolved") }
        if counts.unresolved > 0 { outcome.append("\(counts.unresolved) still unresolved") }
        return "Resolved " + parts.joined(separator: " and ") + ": " + outcome.joined(separator: ", ") + "."
    }
}
