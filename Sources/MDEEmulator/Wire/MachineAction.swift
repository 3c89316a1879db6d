/// The MachineAction entity exactly as MDE writes it on the wire (field names and casing from
/// docs/API.md, "The MachineAction entity"). Nulls are written out, as the real service does.
public struct MachineAction: Sendable, Hashable, Codable {
    /// Present on single-entity responses only (`…/$metadata#MachineActions/$entity`).
    public var odataContext: String?
    public var id: String
    public var type: String
    public var title: String?
    public var requestor: String?
    public var requestorComment: String?
    public var status: String
    public var machineId: String
    public var computerDnsName: String?
    public var creationDateTimeUtc: String
    /// The real field; the docs' examples sometimes print `lastUpdateTimeUtc`, which is decoded too.
    public var lastUpdateDateTimeUtc: String?
    public var cancellationRequestor: String?
    public var cancellationComment: String?
    public var cancellationDateTimeUtc: String?
    public var errorHResult: Int?
    public var scope: String?
    public var externalId: String?
    public var requestSource: String?
    public var relatedFileInfo: RelatedFileInfo?
    public var commands: [MachineActionCommand]?
    public var troubleshootInfo: String?

    public struct RelatedFileInfo: Sendable, Hashable, Codable {
        public var fileIdentifier: String
        public var fileIdentifierType: String

        public init(fileIdentifier: String, fileIdentifierType: String) {
            self.fileIdentifier = fileIdentifier
            self.fileIdentifierType = fileIdentifierType
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case odataContext = "@odata.context"
        case id, type, title, requestor, requestorComment, status, machineId, computerDnsName
        case creationDateTimeUtc, lastUpdateDateTimeUtc, cancellationRequestor, cancellationComment
        case cancellationDateTimeUtc, errorHResult, scope, externalId, requestSource, relatedFileInfo
        case commands, troubleshootInfo
    }

    private enum LegacyKeys: String, CodingKey {
        case lastUpdateTimeUtc
    }

    /// The JSON field names the emulator writes for an entity (without `@odata.context`).
    public static var wireFieldNames: [String] {
        CodingKeys.allCases.filter { $0 != .odataContext }.map(\.rawValue)
    }

    public init(
        odataContext: String? = nil, id: String, type: String, title: String? = nil, requestor: String?,
        requestorComment: String?, status: String, machineId: String, computerDnsName: String?,
        creationDateTimeUtc: String, lastUpdateDateTimeUtc: String?, cancellationRequestor: String? = nil,
        cancellationComment: String? = nil, cancellationDateTimeUtc: String? = nil, errorHResult: Int? = 0,
        scope: String? = nil, externalId: String? = nil, requestSource: String? = "PublicApi",
        relatedFileInfo: RelatedFileInfo?, commands: [MachineActionCommand]? = [], troubleshootInfo: String? = nil
    ) {
        self.odataContext = odataContext
        self.id = id
        self.type = type
        self.title = title
        self.requestor = requestor
        self.requestorComment = requestorComment
        self.status = status
        self.machineId = machineId
        self.computerDnsName = computerDnsName
        self.creationDateTimeUtc = creationDateTimeUtc
        self.lastUpdateDateTimeUtc = lastUpdateDateTimeUtc
        self.cancellationRequestor = cancellationRequestor
        self.cancellationComment = cancellationComment
        self.cancellationDateTimeUtc = cancellationDateTimeUtc
        self.errorHResult = errorHResult
        self.scope = scope
        self.externalId = externalId
        self.requestSource = requestSource
        self.relatedFileInfo = relatedFileInfo
        self.commands = commands
        self.troubleshootInfo = troubleshootInfo
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        odataContext = try c.decodeIfPresent(String.self, forKey: .odataContext)
        id = try c.decode(String.self, forKey: .id)
        type = try c.decode(String.self, forKey: .type)
        title = try c.decodeIfPresent(String.self, forKey: .title)
        requestor = try c.decodeIfPresent(String.self, forKey: .requestor)
        requestorComment = try c.decodeIfPresent(String.self, forKey: .requestorComment)
        status = try c.decode(String.self, forKey: .status)
        machineId = try c.decode(String.self, forKey: .machineId)
        computerDnsName = try c.decodeIfPresent(String.self, forKey: .computerDnsName)
        creationDateTimeUtc = try c.decode(String.self, forKey: .creationDateTimeUtc)
        let legacy = try decoder.container(keyedBy: LegacyKeys.self)
        lastUpdateDateTimeUtc =
            try c.decodeIfPresent(String.self, forKey: .lastUpdateDateTimeUtc)
            ?? legacy.decodeIfPresent(String.self, forKey: .lastUpdateTimeUtc)
        cancellationRequestor = try c.decodeIfPresent(String.self, forKey: .cancellationRequestor)
        cancellationComment = try c.decodeIfPresent(String.self, forKey: .cancellationComment)
        cancellationDateTimeUtc = try c.decodeIfPresent(String.self, forKey: .cancellationDateTimeUtc)
        errorHResult = try c.decodeIfPresent(Int.self, forKey: .errorHResult)
        scope = try c.decodeIfPresent(String.self, forKey: .scope)
        externalId = try c.decodeIfPresent(String.self, forKey: .externalId)
        requestSource = try c.decodeIfPresent(String.self, forKey: .requestSource)
        relatedFileInfo = try c.decodeIfPresent(RelatedFileInfo.self, forKey: .relatedFileInfo)
        commands = try c.decodeIfPresent([MachineActionCommand].self, forKey: .commands)
        troubleshootInfo = try c.decodeIfPresent(String.self, forKey: .troubleshootInfo)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(odataContext, forKey: .odataContext)
        try c.encode(id, forKey: .id)
        try c.encode(type, forKey: .type)
        try c.encode(title, forKey: .title)
        try c.encode(requestor, forKey: .requestor)
        try c.encode(requestorComment, forKey: .requestorComment)
        try c.encode(status, forKey: .status)
        try c.encode(machineId, forKey: .machineId)
        try c.encode(computerDnsName, forKey: .computerDnsName)
        try c.encode(creationDateTimeUtc, forKey: .creationDateTimeUtc)
        try c.encode(lastUpdateDateTimeUtc, forKey: .lastUpdateDateTimeUtc)
        try c.encode(cancellationRequestor, forKey: .cancellationRequestor)
        try c.encode(cancellationComment, forKey: .cancellationComment)
        try c.encode(cancellationDateTimeUtc, forKey: .cancellationDateTimeUtc)
        try c.encode(errorHResult, forKey: .errorHResult)
        try c.encode(scope, forKey: .scope)
        try c.encode(externalId, forKey: .externalId)
        try c.encode(requestSource, forKey: .requestSource)
        try c.encode(relatedFileInfo, forKey: .relatedFileInfo)
        try c.encode(commands, forKey: .commands)
        try c.encode(troubleshootInfo, forKey: .troubleshootInfo)
    }
}

/// One entry of `commands` (used by live-response actions; always empty for StopAndQuarantineFile).
public struct MachineActionCommand: Sendable, Hashable, Codable {
    public var index: Int?
    public var commandStatus: String?
}

/// `GET /api/machineactions`: `{"@odata.context": …, "@odata.count"?: …, "value": […], "@odata.nextLink"?: …}`.
public struct MachineActionList: Sendable, Hashable, Codable {
    public var odataContext: String
    /// With `$count=true`: how many actions match the filter, before `$skip` and `$top`.
    public var count: Int?
    public var value: [MachineAction]
    public var nextLink: String?

    public init(odataContext: String, count: Int? = nil, value: [MachineAction], nextLink: String? = nil) {
        self.odataContext = odataContext
        self.count = count
        self.value = value
        self.nextLink = nextLink
    }

    enum CodingKeys: String, CodingKey {
        case odataContext = "@odata.context"
        case count = "@odata.count"
        case value
        case nextLink = "@odata.nextLink"
    }
}
