/// What one ``IngestPipeline/run(_:onRow:)`` read.
public struct IngestSummary: Sendable {
    /// Inputs that could not be used at all (the CLI exits 65 when any is present).
    public var fileErrors: [InputError]
    /// SHA-256 (hex) over the inputs' raw bytes.
    ///
    /// It is the SHA-256 of the concatenated per-input digests, in order. The same files in the same order give the same fingerprint.
    public var fingerprint: String
    public var validCount: Int
    public var duplicateCount: Int
    public var invalidCounts: [RejectionReason: Int]
    /// Every row handed to `onRow`: valid + duplicate + invalid.
    public var rowCount: Int
    /// Valid rows that name their device or file in a way resolved before sending.
    public var toResolve = 0
    /// Distinct device names (compared without case) and SHA-256s among them.
    public var distinctNames = 0
    public var distinctSHA256 = 0

    public init(
        fileErrors: [InputError] = [],
        fingerprint: String = "",
        validCount: Int = 0,
        duplicateCount: Int = 0,
        invalidCounts: [RejectionReason: Int] = [:],
        rowCount: Int = 0
    ) {
        self.fileErrors = fileErrors
        self.fingerprint = fingerprint
        self.validCount = validCount
        self.duplicateCount = duplicateCount
        self.invalidCounts = invalidCounts
        self.rowCount = rowCount
    }

    /// The number of rejected rows, all reasons together.
    public var invalidCount: Int { invalidCounts.values.reduce(0, +) }
}
