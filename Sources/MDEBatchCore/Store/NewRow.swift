/// A row as ingest hands it to the store.
public struct NewRow: Sendable, Hashable {
    public var source: String
    public var line: Int
    public var machineId: String
    public var sha1: String
    public var comment: String
    public var state: RowState
    public var errorCode: String?
    public var errorMessage: String?
    public var targetActionId: String?
    /// The device name the row gave instead of a machine id (resolved before sending).
    public var deviceName: String?
    /// The SHA-256 the row gave instead of a SHA-1 (resolved before sending).
    public var inputHash: String?

    public init(
        source: String, line: Int, machineId: String, sha1: String, comment: String,
        state: RowState, errorCode: String? = nil, errorMessage: String? = nil, targetActionId: String? = nil
    ) {
        self.source = source
        self.line = line
        self.machineId = machineId
        self.sha1 = sha1
        self.comment = comment
        self.state = state
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.targetActionId = targetActionId
    }
}
