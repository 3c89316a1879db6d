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
    /// The column (or JSON key) holding the device name, instead of the aliases.
    public var deviceNameColumn: String?
    /// The column (or JSON key) holding the SHA-256, instead of the aliases.
    public var sha256Column: String?
    /// Whether device names and SHA-256s are taken and resolved before sending; false
    /// (`--no-resolve`) takes only machine ids and SHA-1s.
    public var resolve: Bool

    public init(
        format: InputFormat? = nil,
        machineColumn: String? = nil,
        sha1Column: String? = nil,
        commentColumn: String? = nil,
        defaultComment: String? = nil,
        deviceNameColumn: String? = nil,
        sha256Column: String? = nil,
        resolve: Bool = true
    ) {
        self.deviceNameColumn = deviceNameColumn
        self.sha256Column = sha256Column
        self.resolve = resolve
        self.format = format
        self.machineColumn = machineColumn
        self.sha1Column = sha1Column
        self.commentColumn = commentColumn
        self.defaultComment = defaultComment
    }
}

extension IngestOptions {
    private enum CodingKeys: String, CodingKey {
        case format, machineColumn, sha1Column, commentColumn, defaultComment, deviceNameColumn, sha256Column
        case noResolve
    }

    // The options are part of a job's identity (their canonical JSON): the keys added for
    // names and SHA-256 are written only when they differ from the default, so jobs made
    // before them are found again by the same options.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            format: try container.decodeIfPresent(InputFormat.self, forKey: .format),
            machineColumn: try container.decodeIfPresent(String.self, forKey: .machineColumn),
            sha1Column: try container.decodeIfPresent(String.self, forKey: .sha1Column),
            commentColumn: try container.decodeIfPresent(String.self, forKey: .commentColumn),
            defaultComment: try container.decodeIfPresent(String.self, forKey: .defaultComment),
            deviceNameColumn: try container.decodeIfPresent(String.self, forKey: .deviceNameColumn),
            sha256Column: try container.decodeIfPresent(String.self, forKey: .sha256Column),
            resolve: !(try container.decodeIfPresent(Bool.self, forKey: .noResolve) ?? false))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(format, forKey: .format)
        try container.encodeIfPresent(machineColumn, forKey: .machineColumn)
        try container.encodeIfPresent(sha1Column, forKey: .sha1Column)
        try container.encodeIfPresent(commentColumn, forKey: .commentColumn)
        try container.encodeIfPresent(defaultComment, forKey: .defaultComment)
        try container.encodeIfPresent(deviceNameColumn, forKey: .deviceNameColumn)
        try container.encodeIfPresent(sha256Column, forKey: .sha256Column)
        if !resolve { try container.encode(true, forKey: .noResolve) }
    }
}
