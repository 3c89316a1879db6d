import Foundation

/// The file a MachineAction is about.
public struct RelatedFileInfo: Sendable, Hashable, Codable {
    /// The hash, e.g. a SHA-1 in hex.
    public var fileIdentifier: String?
    /// `Sha1`, `Sha256` or `Md5`.
    public var fileIdentifierType: String?

    public init(fileIdentifier: String?, fileIdentifierType: String?) {
        self.fileIdentifier = fileIdentifier
        self.fileIdentifierType = fileIdentifierType
    }
}

/// A MachineAction as the API returns it, read tolerantly.
///
/// Unknown fields are ignored and every field but `id` may be missing or null. `lastUpdateDateTimeUtc`
/// is read from `lastUpdateDateTimeUtc` or, as some documentation prints it, `lastUpdateTimeUtc`.
/// A timestamp that cannot be read becomes `nil` rather than failing the whole entity.
public struct MachineAction: Sendable, Hashable, Codable {
    public var id: String
    public var type: String?
    public var status: ActionStatus?
    public var machineId: String?
    public var computerDnsName: String?
    public var requestor: String?
    public var requestorComment: String?
    public var creationDateTimeUtc: Date?
    public var lastUpdateDateTimeUtc: Date?
    public var cancellationRequestor: String?
    public var cancellationComment: String?
    public var cancellationDateTimeUtc: Date?
    public var relatedFileInfo: RelatedFileInfo?
    public var errorHResult: Int?

    public init(
        id: String, type: String? = nil, status: ActionStatus? = nil, machineId: String? = nil,
        computerDnsName: String? = nil, requestor: String? = nil, requestorComment: String? = nil,
        creationDateTimeUtc: Date? = nil, lastUpdateDateTimeUtc: Date? = nil,
        cancellationRequestor: String? = nil, cancellationComment: String? = nil,
        cancellationDateTimeUtc: Date? = nil, relatedFileInfo: RelatedFileInfo? = nil, errorHResult: Int? = nil
    ) {
        self.id = id
        self.type = type
        self.status = status
        self.machineId = machineId
        self.computerDnsName = computerDnsName
        self.requestor = requestor
        self.requestorComment = requestorComment
        self.creationDateTimeUtc = creationDateTimeUtc
        self.lastUpdateDateTimeUtc = lastUpdateDateTimeUtc
        self.cancellationRequestor = cancellationRequestor
        self.cancellationComment = cancellationComment
        self.cancellationDateTimeUtc = cancellationDateTimeUtc
        self.relatedFileInfo = relatedFileInfo
        self.errorHResult = errorHResult
    }

    /// The SHA-1 this action is about, lower-cased, when `relatedFileInfo` names one.
    public var sha1: String? {
        guard let info = relatedFileInfo, let identifier = info.fileIdentifier else { return nil }
        if let type = info.fileIdentifierType, type.lowercased() != "sha1" { return nil }
        return identifier.lowercased()
    }

    private enum CodingKeys: String, CodingKey {
        case id, type, status, machineId, computerDnsName, requestor, requestorComment
        case creationDateTimeUtc, lastUpdateDateTimeUtc, lastUpdateTimeUtc
        case cancellationRequestor, cancellationComment, cancellationDateTimeUtc
        case relatedFileInfo, errorHResult
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        type = container.lenientString(.type)
        status = container.lenientString(.status).map(ActionStatus.init(wireValue:))
        machineId = container.lenientString(.machineId)
        computerDnsName = container.lenientString(.computerDnsName)
        requestor = container.lenientString(.requestor)
        requestorComment = container.lenientString(.requestorComment)
        creationDateTimeUtc = container.lenientDate(.creationDateTimeUtc)
        lastUpdateDateTimeUtc =
            container.lenientDate(.lastUpdateDateTimeUtc) ?? container.lenientDate(.lastUpdateTimeUtc)
        cancellationRequestor = container.lenientString(.cancellationRequestor)
        cancellationComment = container.lenientString(.cancellationComment)
        cancellationDateTimeUtc = container.lenientDate(.cancellationDateTimeUtc)
        relatedFileInfo = try? container.decodeIfPresent(RelatedFileInfo.self, forKey: .relatedFileInfo)
        errorHResult = (try? container.decodeIfPresent(Int.self, forKey: .errorHResult)) ?? nil
    }

    /// Writes the wire names, with timestamps as MDE formats them.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encodeIfPresent(type, forKey: .type)
        try container.encodeIfPresent(status, forKey: .status)
        try container.encodeIfPresent(machineId, forKey: .machineId)
        try container.encodeIfPresent(computerDnsName, forKey: .computerDnsName)
        try container.encodeIfPresent(requestor, forKey: .requestor)
        try container.encodeIfPresent(requestorComment, forKey: .requestorComment)
        try container.encodeIfPresent(creationDateTimeUtc.map(MDEDate.format), forKey: .creationDateTimeUtc)
        try container.encodeIfPresent(lastUpdateDateTimeUtc.map(MDEDate.format), forKey: .lastUpdateDateTimeUtc)
        try container.encodeIfPresent(cancellationRequestor, forKey: .cancellationRequestor)
        try container.encodeIfPresent(cancellationComment, forKey: .cancellationComment)
        try container.encodeIfPresent(
            cancellationDateTimeUtc.map(MDEDate.format), forKey: .cancellationDateTimeUtc)
        try container.encodeIfPresent(relatedFileInfo, forKey: .relatedFileInfo)
        try container.encodeIfPresent(errorHResult, forKey: .errorHResult)
    }
}

/// One page of an OData list (`GET /api/machineactions`, `GET /api/machines`, a file's
/// machines): its entities and the next link the service gave, if any.
public struct ODataList<Entity: Sendable & Hashable & Decodable>: Sendable, Hashable, Decodable {
    /// The entities on this page.
    public var value: [Entity]
    /// `@odata.nextLink`, when the service gave one (not to be trusted alone).
    public var nextLink: String?

    public init(value: [Entity], nextLink: String? = nil) {
        self.value = value
        self.nextLink = nextLink
    }

    private enum CodingKeys: String, CodingKey {
        case value
        case nextLink = "@odata.nextLink"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        value = try container.decode([Entity].self, forKey: .value)
        nextLink = container.lenientString(.nextLink)
    }
}

/// One page of `GET /api/machineactions`.
public typealias MachineActionList = ODataList<MachineAction>

extension KeyedDecodingContainer {
    /// A string, or `nil` when missing, null or of another type.
    func lenientString(_ key: Key) -> String? {
        (try? decodeIfPresent(String.self, forKey: key)) ?? nil
    }

    /// An MDE timestamp, or `nil` when missing, null or unreadable.
    func lenientDate(_ key: Key) -> Date? {
        lenientString(key).flatMap(MDEDate.parse)
    }
}
