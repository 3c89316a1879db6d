/// A valid row, normalized: machine id and sha1 are 40 lower-case hex digits, the comment
/// is trimmed with its line breaks folded to spaces (or is the default comment).
///
/// A row that names its device by name has an empty `machineId` and its `deviceName`
/// (as given, trimmed); a row that names its file by SHA-256 has an empty `sha1` and its
/// `sha256` (lower-cased). Both are resolved before sending.
public struct NormalizedRow: Sendable, Hashable {
    public var machineId: String
    public var sha1: String
    public var comment: String
    public var deviceName: String?
    public var sha256: String?

    public init(machineId: String, sha1: String, comment: String, deviceName: String? = nil, sha256: String? = nil) {
        self.machineId = machineId
        self.sha1 = sha1
        self.comment = comment
        self.deviceName = deviceName
        self.sha256 = sha256
    }

    /// Whether the row names its device or file in a way the API does not take.
    public var needsResolution: Bool { machineId.isEmpty || sha1.isEmpty }
}
