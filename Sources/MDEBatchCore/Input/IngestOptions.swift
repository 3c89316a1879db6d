/// How the ingest pipeline reads its inputs.
public struct IngestOptions: Sendable, Hashable, Codable {
    /// The format of every input; `nil` chooses by file extension.
    public var format: InputFormat?
    /// The column (or JSON key) holding the machine id, instead of the aliases.
    public var machineColumn: String?
    /// The column (or JSON key) holding the SHA-1, instead of the aliases.
    public var sha1Column: String?
    /// The column (or JSON key) holding the comment, instead of the aliases.
    public var commentColumn: String?
    /// The comment for rows whose comment is missing or empty (`--comment`).
    public var defaultComment: String?

    public init(
        format: InputFormat? = nil,
        machineColumn: String? = nil,
        sha1Column: String? = nil,
        commentColumn: String? = nil,
        defaultComment: String? = nil
    ) {
        self.format = format
        self.machineColumn = machineColumn
        self.sha1Column = sha1Column
        self.commentColumn = commentColumn
        self.defaultComment = defaultComment
    }
}
