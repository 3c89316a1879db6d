import Foundation

/// One request as the emulator saw it. Tests read the journal to count created actions per
/// (machineId, sha1) and to see which fault hit which request.
public struct JournalEntry: Sendable, Hashable, Codable {
    /// Emulator time of arrival, ISO-8601 with seven fractional digits.
    public var time: String
    public var method: String
    /// The path and query as received.
    public var path: String
    /// The status sent, or nil when the connection was dropped and no response was written.
    public var status: Int?
    /// The rate-limit bucket, when the request reached one.
    public var api: EmulatorAPI?
    public var machineId: String?
    public var actionId: String?
    public var sha1: String?
    /// Whether this request created an action.
    public var created: Bool
    /// The injected fault (`500`, `503`, `drop-before`, `drop-after`, `delay`), if any.
    public var fault: String?

    public init(
        time: String, method: String, path: String, status: Int?, api: EmulatorAPI? = nil, machineId: String? = nil,
        actionId: String? = nil, sha1: String? = nil, created: Bool = false, fault: String? = nil
    ) {
        self.time = time
        self.method = method
        self.path = path
        self.status = status
        self.api = api
        self.machineId = machineId
        self.actionId = actionId
        self.sha1 = sha1
        self.created = created
        self.fault = fault
    }

    /// Writes every field, `null` included, so each journal line has the same keys.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(time, forKey: .time)
        try container.encode(method, forKey: .method)
        try container.encode(path, forKey: .path)
        try container.encode(status, forKey: .status)
        try container.encode(api, forKey: .api)
        try container.encode(machineId, forKey: .machineId)
        try container.encode(actionId, forKey: .actionId)
        try container.encode(sha1, forKey: .sha1)
        try container.encode(created, forKey: .created)
        try container.encode(fault, forKey: .fault)
    }
}

/// Appends journal lines to a file, one JSON object per line.
final class JournalFile: Sendable {
    private let handle: FileHandle

    init(path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
            }
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
    }

    func append(_ entry: JournalEntry) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard var data = try? encoder.encode(entry) else { return }
        data.append(0x0A)
        try? handle.write(contentsOf: data)
    }

    deinit {
        try? handle.close()
    }
}
