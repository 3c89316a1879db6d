/// The Machine entity as MDE writes it (https://learn.microsoft.com/en-us/defender-endpoint/api/machine),
/// with the undocumented but real `mergedIntoMachineId`, `isPotentialDuplication` and `isExcluded`.
/// Nulls are written out, as the real service does.
public struct MachineEntity: Sendable, Hashable, Codable {
    public var id: String
    public var computerDnsName: String
    public var firstSeen: String
    public var lastSeen: String
    public var osPlatform: String
    public var version: String?
    public var osProcessor: String
    public var lastIpAddress: String?
    public var lastExternalIpAddress: String?
    public var healthStatus: String
    public var onboardingStatus: String
    public var rbacGroupId: Int
    public var rbacGroupName: String?
    public var riskScore: String
    public var exposureLevel: String
    public var deviceValue: String
    public var aadDeviceId: String?
    public var machineTags: [String]
    public var mergedIntoMachineId: String?
    public var isPotentialDuplication: Bool
    public var isExcluded: Bool

    public init(
        id: String, computerDnsName: String, firstSeen: String, lastSeen: String, osPlatform: String, version: String?,
        osProcessor: String, lastIpAddress: String?, lastExternalIpAddress: String?, healthStatus: String,
        onboardingStatus: String, rbacGroupId: Int, rbacGroupName: String?, riskScore: String, exposureLevel: String,
        deviceValue: String, aadDeviceId: String?, machineTags: [String], mergedIntoMachineId: String?,
        isPotentialDuplication: Bool, isExcluded: Bool
    ) {
        self.id = id
        self.computerDnsName = computerDnsName
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.osPlatform = osPlatform
        self.version = version
        self.osProcessor = osProcessor
        self.lastIpAddress = lastIpAddress
        self.lastExternalIpAddress = lastExternalIpAddress
        self.healthStatus = healthStatus
        self.onboardingStatus = onboardingStatus
        self.rbacGroupId = rbacGroupId
        self.rbacGroupName = rbacGroupName
        self.riskScore = riskScore
        self.exposureLevel = exposureLevel
        self.deviceValue = deviceValue
        self.aadDeviceId = aadDeviceId
        self.machineTags = machineTags
        self.mergedIntoMachineId = mergedIntoMachineId
        self.isPotentialDuplication = isPotentialDuplication
        self.isExcluded = isExcluded
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, computerDnsName, firstSeen, lastSeen, osPlatform, version, osProcessor, lastIpAddress
        case lastExternalIpAddress, healthStatus, onboardingStatus, rbacGroupId, rbacGroupName, riskScore
        case exposureLevel, deviceValue, aadDeviceId, machineTags, mergedIntoMachineId, isPotentialDuplication
        case isExcluded
    }

    /// The JSON field names the emulator writes for a machine.
    public static var wireFieldNames: [String] { CodingKeys.allCases.map(\.rawValue) }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(computerDnsName, forKey: .computerDnsName)
        try c.encode(firstSeen, forKey: .firstSeen)
        try c.encode(lastSeen, forKey: .lastSeen)
        try c.encode(osPlatform, forKey: .osPlatform)
        try c.encode(version, forKey: .version)
        try c.encode(osProcessor, forKey: .osProcessor)
        try c.encode(lastIpAddress, forKey: .lastIpAddress)
        try c.encode(lastExternalIpAddress, forKey: .lastExternalIpAddress)
        try c.encode(healthStatus, forKey: .healthStatus)
        try c.encode(onboardingStatus, forKey: .onboardingStatus)
        try c.encode(rbacGroupId, forKey: .rbacGroupId)
        try c.encode(rbacGroupName, forKey: .rbacGroupName)
        try c.encode(riskScore, forKey: .riskScore)
        try c.encode(exposureLevel, forKey: .exposureLevel)
        try c.encode(deviceValue, forKey: .deviceValue)
        try c.encode(aadDeviceId, forKey: .aadDeviceId)
        try c.encode(machineTags, forKey: .machineTags)
        try c.encode(mergedIntoMachineId, forKey: .mergedIntoMachineId)
        try c.encode(isPotentialDuplication, forKey: .isPotentialDuplication)
        try c.encode(isExcluded, forKey: .isExcluded)
    }
}

/// `GET /api/machines` and `GET /api/files/{sha1}/machines`:
/// `{"@odata.context": …, "@odata.count"?: …, "value": […], "@odata.nextLink"?: …}`.
public struct MachineEntityList: Sendable, Hashable, Codable {
    public var odataContext: String?
    /// With `$count=true`: how many machines match the filter, before `$skip` and `$top`.
    public var count: Int?
    public var value: [MachineEntity]
    public var nextLink: String?

    public init(odataContext: String?, count: Int? = nil, value: [MachineEntity], nextLink: String? = nil) {
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

/// The File entity as MDE writes it (https://learn.microsoft.com/en-us/defender-endpoint/api/files),
/// without `md5`. Nulls are written out.
public struct FileEntity: Sendable, Hashable, Codable {
    /// `…/$metadata#Files/$entity`.
    public var odataContext: String?
    public var sha1: String
    public var sha256: String
    public var globalPrevalence: Int?
    public var globalFirstObserved: String?
    public var globalLastObserved: String?
    public var size: Int?
    public var fileType: String?
    public var isPeFile: Bool
    public var filePublisher: String?
    public var fileProductName: String?
    public var signer: String?
    public var issuer: String?
    public var signerHash: String?
    public var isValidCertificate: Bool?
    public var determinationType: String?
    public var determinationValue: String?

    public init(
        odataContext: String? = nil, sha1: String, sha256: String, globalPrevalence: Int?, globalFirstObserved: String?,
        globalLastObserved: String?, size: Int?, fileType: String?, isPeFile: Bool, filePublisher: String?,
        fileProductName: String?, signer: String?, issuer: String?, signerHash: String?, isValidCertificate: Bool?,
        determinationType: String?, determinationValue: String?
    ) {
        self.odataContext = odataContext
        self.sha1 = sha1
        self.sha256 = sha256
        self.globalPrevalence = globalPrevalence
        self.globalFirstObserved = globalFirstObserved
        self.globalLastObserved = globalLastObserved
        self.size = size
        self.fileType = fileType
        self.isPeFile = isPeFile
        self.filePublisher = filePublisher
        self.fileProductName = fileProductName
        self.signer = signer
        self.issuer = issuer
        self.signerHash = signerHash
        self.isValidCertificate = isValidCertificate
        self.determinationType = determinationType
        self.determinationValue = determinationValue
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case odataContext = "@odata.context"
        case sha1, sha256, globalPrevalence, globalFirstObserved, globalLastObserved, size, fileType, isPeFile
        case filePublisher, fileProductName, signer, issuer, signerHash, isValidCertificate, determinationType
        case determinationValue
    }

    /// The JSON field names the emulator writes for a file (without `@odata.context`).
    public static var wireFieldNames: [String] {
        CodingKeys.allCases.filter { $0 != .odataContext }.map(\.rawValue)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(odataContext, forKey: .odataContext)
        try c.encode(sha1, forKey: .sha1)
        try c.encode(sha256, forKey: .sha256)
        try c.encode(globalPrevalence, forKey: .globalPrevalence)
        try c.encode(globalFirstObserved, forKey: .globalFirstObserved)
        try c.encode(globalLastObserved, forKey: .globalLastObserved)
        try c.encode(size, forKey: .size)
        try c.encode(fileType, forKey: .fileType)
        try c.encode(isPeFile, forKey: .isPeFile)
        try c.encode(filePublisher, forKey: .filePublisher)
        try c.encode(fileProductName, forKey: .fileProductName)
        try c.encode(signer, forKey: .signer)
        try c.encode(issuer, forKey: .issuer)
        try c.encode(signerHash, forKey: .signerHash)
        try c.encode(isValidCertificate, forKey: .isValidCertificate)
        try c.encode(determinationType, forKey: .determinationType)
        try c.encode(determinationValue, forKey: .determinationValue)
    }
}
