/// A valid row, normalized: machine id and sha1 are 40 lower-case hex digits, the comment
/// is trimmed with its line breaks folded to spaces (or is the default comment).
public struct NormalizedRow: Sendable, Hashable {
    public var machineId: String
    public var sha1: String
    public var comment: String

    public init(machineId: String, sha1: String, comment: String) {
        self.machineId = machineId
        self.sha1 = sha1
        self.comment = comment
    }
}
