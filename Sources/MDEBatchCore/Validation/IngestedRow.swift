/// One input row with its location and verdict, as ``IngestPipeline`` hands it out.
///
/// `machineId`, `sha1` and `comment` are the cells as read (trimmed, not lower-cased), so a
/// report of rejected rows shows what the user wrote. The normalized values are in the
/// verdict.
public struct IngestedRow: Sendable {
    public var location: RowLocation
    public var machineId: String
    public var sha1: String
    public var comment: String
    /// The device name cell, read only when the machine id cell is empty.
    public var deviceName: String = ""
    /// The sha256 cell, read only when the sha1 cell is empty.
    public var sha256: String = ""
    public var verdict: RowVerdict

    public init(location: RowLocation, machineId: String, sha1: String, comment: String, verdict: RowVerdict) {
        self.location = location
        self.machineId = machineId
        self.sha1 = sha1
        self.comment = comment
        self.verdict = verdict
    }
}
