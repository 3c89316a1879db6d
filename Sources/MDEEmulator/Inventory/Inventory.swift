import Foundation

/// The machines and files the emulator knows: what `GET /api/machines`, `GET /api/files/{id}` and
/// `GET /api/files/{sha1}/machines` answer. It does not change what StopAndQuarantineFile accepts:
/// any 40-hex machine id still exists for it (see `EmulatorConfiguration.defaultRules`).
///
/// Built in Swift, or read from JSON (`mdebatch emulator --inventory FILE`):
/// ```json
/// {
///   "machines": [
///     {"id": "636ac9e5a722efea014ec7512483d00d8dd5d77a", "computerDnsName": "ws-200.contoso.local",
///      "lastSeen": "-35m", "healthStatus": "Active"}
///   ],
///   "files": [
///     {"sha1": "aa08856147432f6fb98286586edaccd26fc77bff",
///      "sha256": "b5049a400b84a565501229a263c901a4d75ceeb819c4e9f4163a89f9ca649d45",
///      "machineIds": ["636ac9e5a722efea014ec7512483d00d8dd5d77a"]}
///   ]
/// }
/// ```
/// Dates are ISO-8601 UTC (`2026-11-21T08:00:00Z`) or an offset from the emulator's start time
/// (`-3d`, `-2h`, `-90m`, `-30s`), so that a test inventory stays valid at any date. Fields left out
/// take the defaults of `InventoryMachine` and `InventoryFile`; unknown fields are refused.
public struct Inventory: Sendable, Hashable, Codable {
    public var machines: [InventoryMachine]
    public var files: [InventoryFile]

    public init(machines: [InventoryMachine] = [], files: [InventoryFile] = []) {
        self.machines = machines
        self.files = files
    }

    public init(from decoder: any Decoder) throws {
        try decoder.refuseUnknownKeys(CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        machines = try container.decodeIfPresent([InventoryMachine].self, forKey: .machines) ?? []
        files = try container.decodeIfPresent([InventoryFile].self, forKey: .files) ?? []
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case machines, files
    }

    /// Reads and checks an inventory from JSON.
    public init(json: Data) throws(InventoryError) {
        let inventory: Inventory
        do {
            inventory = try JSONDecoder().decode(Inventory.self, from: json)
        } catch let error as DecodingError {
            throw InventoryError(reason: error.readableDescription)
        } catch {
            throw InventoryError(reason: "\(error)")
        }
        try inventory.check()
        self = inventory
    }

    /// Reads and checks the inventory in the JSON file at `path`; errors name the file.
    public init(contentsOfFile path: String) throws(InventoryError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw InventoryError(file: path, reason: "it cannot be read (\(error.localizedDescription))")
        }
        do {
            try self.init(json: data)
        } catch {
            throw InventoryError(file: path, reason: error.reason)
        }
    }

    /// Checks what JSON decoding cannot: hashes and ids are hex of the right length, ids and
    /// hashes are unique, and every machine a file names exists.
    public func check() throws(InventoryError) {
        var ids: Set<String> = []
        for (index, machine) in machines.enumerated() {
            let id = machine.id.lowercased()
            guard id.isFortyHex else {
                throw InventoryError(reason: "machines[\(index)].id '\(machine.id)' is not 40 hexadecimal digits")
            }
            guard ids.insert(id).inserted else {
                throw InventoryError(reason: "machines[\(index)].id '\(machine.id)' appears twice")
            }
            guard !machine.computerDnsName.isEmpty else {
                throw InventoryError(reason: "machines[\(index)].computerDnsName is empty")
            }
            if let merged = machine.mergedIntoMachineId, !merged.isFortyHex {
                throw InventoryError(
                    reason: "machines[\(index)].mergedIntoMachineId '\(merged)' is not 40 hexadecimal digits")
            }
        }
        var sha1s: Set<String> = []
        var sha256s: Set<String> = []
        for (index, file) in files.enumerated() {
            guard file.sha1.isFortyHex else {
                throw InventoryError(reason: "files[\(index)].sha1 '\(file.sha1)' is not 40 hexadecimal digits")
            }
            guard file.sha256.isHex(length: 64) else {
                throw InventoryError(reason: "files[\(index)].sha256 '\(file.sha256)' is not 64 hexadecimal digits")
            }
            guard sha1s.insert(file.sha1.lowercased()).inserted else {
                throw InventoryError(reason: "files[\(index)].sha1 '\(file.sha1)' appears twice")
            }
            guard sha256s.insert(file.sha256.lowercased()).inserted else {
                throw InventoryError(reason: "files[\(index)].sha256 '\(file.sha256)' appears twice")
            }
            for machineId in file.machineIds where !ids.contains(machineId.lowercased()) {
                throw InventoryError(reason: "files[\(index)].machineIds names '\(machineId)', which is not in machines")
            }
        }
    }
}

/// A Machine entity of the inventory. Only `id` and `computerDnsName` are required; the other
/// properties default to an ordinary onboarded, active Windows 11 workstation last seen when the
/// emulator starts.
public struct InventoryMachine: Sendable, Hashable, Codable {
    /// 40 hexadecimal digits (written lower-case on the wire).
    public var id: String
    /// The FQDN for a domain-joined device, the bare name otherwise.
    public var computerDnsName: String
    /// Default: 90 days before `lastSeen`.
    public var firstSeen: InventoryDate?
    /// Default: the emulator's start time.
    public var lastSeen: InventoryDate
    public var osPlatform: String
    public var version: String?
    public var osProcessor: String
    public var lastIpAddress: String?
    public var lastExternalIpAddress: String?
    public var healthStatus: MachineHealthStatus
    public var onboardingStatus: MachineOnboardingStatus
    public var rbacGroupId: Int
    public var rbacGroupName: String?
    /// `None`, `Informational`, `Low`, `Medium` or `High`.
    public var riskScore: String
    /// `None`, `Low`, `Medium` or `High`.
    public var exposureLevel: String
    /// `Low`, `Normal` or `High`.
    public var deviceValue: String
    public var aadDeviceId: String?
    public var machineTags: [String]
    /// Set on a record MDE merged into another one: a resolver must drop it.
    public var mergedIntoMachineId: String?
    public var isPotentialDuplication: Bool
    public var isExcluded: Bool

    public init(
        id: String, computerDnsName: String, firstSeen: InventoryDate? = nil, lastSeen: InventoryDate = .relative(.zero),
        osPlatform: String = "Windows11", version: String? = "24H2", osProcessor: String = "x64",
        lastIpAddress: String? = nil, lastExternalIpAddress: String? = nil, healthStatus: MachineHealthStatus = .active,
        onboardingStatus: MachineOnboardingStatus = .onboarded, rbacGroupId: Int = 0, rbacGroupName: String? = nil,
        riskScore: String = "None", exposureLevel: String = "Low", deviceValue: String = "Normal",
        aadDeviceId: String? = nil, machineTags: [String] = [], mergedIntoMachineId: String? = nil,
        isPotentialDuplication: Bool = false, isExcluded: Bool = false
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

    /// Writes every field, nulls included, so that a null `version` reads back as null, not as the default.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(computerDnsName, forKey: .computerDnsName)
        try c.encodeIfPresent(firstSeen, forKey: .firstSeen)
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

    public init(from decoder: any Decoder) throws {
        try decoder.refuseUnknownKeys(CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = InventoryMachine(id: "", computerDnsName: "")
        id = try c.decode(String.self, forKey: .id)
        computerDnsName = try c.decode(String.self, forKey: .computerDnsName)
        firstSeen = try c.decodeIfPresent(InventoryDate.self, forKey: .firstSeen)
        lastSeen = try c.decodeIfPresent(InventoryDate.self, forKey: .lastSeen) ?? defaults.lastSeen
        osPlatform = try c.decodeIfPresent(String.self, forKey: .osPlatform) ?? defaults.osPlatform
        version = try c.contains(.version) ? c.decodeIfPresent(String.self, forKey: .version) : defaults.version
        osProcessor = try c.decodeIfPresent(String.self, forKey: .osProcessor) ?? defaults.osProcessor
        lastIpAddress = try c.decodeIfPresent(String.self, forKey: .lastIpAddress)
        lastExternalIpAddress = try c.decodeIfPresent(String.self, forKey: .lastExternalIpAddress)
        healthStatus = try c.decodeIfPresent(MachineHealthStatus.self, forKey: .healthStatus) ?? defaults.healthStatus
        onboardingStatus =
            try c.decodeIfPresent(MachineOnboardingStatus.self, forKey: .onboardingStatus) ?? defaults.onboardingStatus
        rbacGroupId = try c.decodeIfPresent(Int.self, forKey: .rbacGroupId) ?? defaults.rbacGroupId
        rbacGroupName = try c.decodeIfPresent(String.self, forKey: .rbacGroupName)
        riskScore = try c.decodeIfPresent(String.self, forKey: .riskScore) ?? defaults.riskScore
        exposureLevel = try c.decodeIfPresent(String.self, forKey: .exposureLevel) ?? defaults.exposureLevel
        deviceValue = try c.decodeIfPresent(String.self, forKey: .deviceValue) ?? defaults.deviceValue
        aadDeviceId = try c.decodeIfPresent(String.self, forKey: .aadDeviceId)
        machineTags = try c.decodeIfPresent([String].self, forKey: .machineTags) ?? defaults.machineTags
        mergedIntoMachineId = try c.decodeIfPresent(String.self, forKey: .mergedIntoMachineId)
        isPotentialDuplication =
            try c.decodeIfPresent(Bool.self, forKey: .isPotentialDuplication) ?? defaults.isPotentialDuplication
        isExcluded = try c.decodeIfPresent(Bool.self, forKey: .isExcluded) ?? defaults.isExcluded
    }
}

/// A File entity of the inventory, and the machines that saw it. Only `sha1` and `sha256` are required.
public struct InventoryFile: Sendable, Hashable, Codable {
    /// 40 hexadecimal digits.
    public var sha1: String
    /// 64 hexadecimal digits.
    public var sha256: String
    /// For people reading the inventory; the File entity has no name, so it is not served.
    public var fileName: String?
    /// Default: the number of `machineIds`.
    public var globalPrevalence: Int?
    /// Default: 30 days before the emulator's start time.
    public var globalFirstObserved: InventoryDate?
    /// Default: the emulator's start time.
    public var globalLastObserved: InventoryDate?
    public var size: Int?
    public var fileType: String?
    public var isPeFile: Bool
    public var filePublisher: String?
    public var fileProductName: String?
    public var signer: String?
    public var issuer: String?
    public var signerHash: String?
    public var isValidCertificate: Bool?
    /// E.g. `Malware`, `Clean`, `Unknown`.
    public var determinationType: String
    /// E.g. `Trojan:Win32/Emotet`.
    public var determinationValue: String
    /// The machines that saw the file (`GET /api/files/{sha1}/machines`); each must be in `machines`.
    public var machineIds: [String]

    public init(
        sha1: String, sha256: String, fileName: String? = nil, globalPrevalence: Int? = nil,
        globalFirstObserved: InventoryDate? = nil, globalLastObserved: InventoryDate? = nil, size: Int? = nil,
        fileType: String? = nil, isPeFile: Bool = false, filePublisher: String? = nil, fileProductName: String? = nil,
        signer: String? = nil, issuer: String? = nil, signerHash: String? = nil, isValidCertificate: Bool? = nil,
        determinationType: String = "Unknown", determinationValue: String = "", machineIds: [String] = []
    ) {
        self.sha1 = sha1
        self.sha256 = sha256
        self.fileName = fileName
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
        self.machineIds = machineIds
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case sha1, sha256, fileName, globalPrevalence, globalFirstObserved, globalLastObserved, size, fileType
        case isPeFile, filePublisher, fileProductName, signer, issuer, signerHash, isValidCertificate
        case determinationType, determinationValue, machineIds
    }

    public init(from decoder: any Decoder) throws {
        try decoder.refuseUnknownKeys(CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = InventoryFile(sha1: "", sha256: "")
        sha1 = try c.decode(String.self, forKey: .sha1)
        sha256 = try c.decode(String.self, forKey: .sha256)
        fileName = try c.decodeIfPresent(String.self, forKey: .fileName)
        globalPrevalence = try c.decodeIfPresent(Int.self, forKey: .globalPrevalence)
        globalFirstObserved = try c.decodeIfPresent(InventoryDate.self, forKey: .globalFirstObserved)
        globalLastObserved = try c.decodeIfPresent(InventoryDate.self, forKey: .globalLastObserved)
        size = try c.decodeIfPresent(Int.self, forKey: .size)
        fileType = try c.decodeIfPresent(String.self, forKey: .fileType)
        isPeFile = try c.decodeIfPresent(Bool.self, forKey: .isPeFile) ?? defaults.isPeFile
        filePublisher = try c.decodeIfPresent(String.self, forKey: .filePublisher)
        fileProductName = try c.decodeIfPresent(String.self, forKey: .fileProductName)
        signer = try c.decodeIfPresent(String.self, forKey: .signer)
        issuer = try c.decodeIfPresent(String.self, forKey: .issuer)
        signerHash = try c.decodeIfPresent(String.self, forKey: .signerHash)
        isValidCertificate = try c.decodeIfPresent(Bool.self, forKey: .isValidCertificate)
        determinationType = try c.decodeIfPresent(String.self, forKey: .determinationType) ?? defaults.determinationType
        determinationValue =
            try c.decodeIfPresent(String.self, forKey: .determinationValue) ?? defaults.determinationValue
        machineIds = try c.decodeIfPresent([String].self, forKey: .machineIds) ?? defaults.machineIds
    }
}

/// `healthStatus` of a Machine entity.
public enum MachineHealthStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case active = "Active"
    case inactive = "Inactive"
    case impairedCommunication = "ImpairedCommunication"
    case noSensorData = "NoSensorData"
    case noSensorDataImpairedCommunication = "NoSensorDataImpairedCommunication"
    case unknown = "Unknown"
}

/// `onboardingStatus` of a Machine entity.
public enum MachineOnboardingStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case onboarded = "Onboarded"
    case canBeOnboarded = "CanBeOnboarded"
    case unsupported = "Unsupported"
    case insufficientInfo = "InsufficientInfo"
}

extension MachineHealthStatus {
    public init(from decoder: any Decoder) throws {
        self = try decodeConstant(from: decoder)
    }
}

extension MachineOnboardingStatus {
    public init(from decoder: any Decoder) throws {
        self = try decodeConstant(from: decoder)
    }
}

/// A constant of an enumeration, read case-insensitively, with an error that lists the constants.
private func decodeConstant<T: RawRepresentable<String> & CaseIterable>(from decoder: any Decoder) throws -> T {
    let container = try decoder.singleValueContainer()
    let text = try container.decode(String.self)
    guard let value = T.allCases.first(where: { $0.rawValue.lowercased() == text.lowercased() }) else {
        throw DecodingError.dataCorruptedError(
            in: container, debugDescription: "'\(text)' is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))"
        )
    }
    return value
}

/// A date of the inventory: absolute, or an offset from the emulator's start time, so that an
/// inventory written once stays "recent" at any date. The start time is the emulator's wall time
/// when it starts: `EmulatorConfiguration.origin`, unless the origin names an earlier instant to
/// share a timeline with a client (`mdebatch emulator --origin`), in which case it is the origin
/// plus the (scaled) time since.
///
/// JSON form: `2026-11-21T08:00:00Z` (ISO-8601 UTC, up to 7 fractional digits), or a signed
/// offset with a unit `d`, `h`, `m` or `s`: `-3d`, `-2h`, `-90m`, `+30s`.
public enum InventoryDate: Sendable, Hashable, Codable, CustomStringConvertible {
    case absolute(EmulatorInstant)
    /// Offset from the emulator's start time; negative is before it.
    case relative(Duration)

    /// `days`, `hours` and `minutes` before the emulator's start time.
    public static func ago(days: Int = 0, hours: Int = 0, minutes: Int = 0) -> InventoryDate {
        .relative(.zero - .seconds(days * 86_400 + hours * 3600 + minutes * 60))
    }

    /// Parses the JSON form; nil when `text` is neither an ISO-8601 UTC date nor an offset.
    public init?(text: String) {
        if let instant = EmulatorInstant(iso8601: text) {
            self = .absolute(instant)
            return
        }
        let units: [Character: Int64] = ["d": 86_400, "h": 3600, "m": 60, "s": 1]
        guard let sign = text.first, sign == "-" || sign == "+", let unit = text.last, let seconds = units[unit] else {
            return nil
        }
        let digits = text.dropFirst().dropLast()
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy(\.isASCIIDigit), let number = Int64(digits) else {
            return nil
        }
        self = .relative(.seconds(number * seconds * (sign == "-" ? -1 : 1)))
    }

    /// The instant this date names, for an emulator that started at `start`.
    public func resolved(start: EmulatorInstant) -> EmulatorInstant {
        switch self {
        case .absolute(let instant): instant
        case .relative(let offset): start.advanced(by: offset)
        }
    }

    /// The JSON form: ISO-8601 for an absolute date, the largest whole unit for an offset.
    public var description: String {
        switch self {
        case .absolute(let instant):
            return instant.iso8601
        case .relative(let offset):
            let seconds = offset.components.seconds
            let sign = seconds < 0 ? "-" : "+"
            let magnitude = abs(seconds)
            for (unit, size) in [("d", Int64(86_400)), ("h", 3600), ("m", 60)] where magnitude % size == 0 && magnitude > 0 {
                return "\(sign)\(magnitude / size)\(unit)"
            }
            return "\(sign)\(magnitude)s"
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = InventoryDate(text: text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription:
                    "'\(text)' is neither an ISO-8601 UTC date such as 2026-11-21T08:00:00Z nor an offset such as -3d, -2h or -90m"
            )
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// An inventory that could not be read or is not consistent.
public struct InventoryError: Error, Equatable, CustomStringConvertible {
    /// The file it was read from, if any.
    public var file: String?
    public var reason: String

    public init(file: String? = nil, reason: String) {
        self.file = file
        self.reason = reason
    }

    public var description: String {
        if let file { return "The inventory file '\(file)' is not valid: \(reason)." }
        return "The inventory is not valid: \(reason)."
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

extension StringProtocol {
    func isHex(length: Int) -> Bool {
        utf8.count == length && utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) || ($0 >= 65 && $0 <= 70) }
    }
}

/// Lets a decoder refuse keys it does not know, so a typo (`lastseen`) is an error, not a silent default.
private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension Decoder {
    fileprivate func refuseUnknownKeys(_ known: [String]) throws {
        let container = try self.container(keyedBy: AnyKey.self)
        for key in container.allKeys where !known.contains(key.stringValue) {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: container,
                debugDescription: "unknown field '\(key.stringValue)' (known fields: \(known.joined(separator: ", ")))"
            )
        }
    }
}

extension DecodingError {
    /// `machines[2].lastSeen: '…' is neither …`: where in the JSON, and what is wrong.
    fileprivate var readableDescription: String {
        func path(_ codingPath: [any CodingKey]) -> String {
            var text = ""
            for key in codingPath {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            return text.isEmpty ? "the document" : text
        }
        switch self {
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(Self.jsonName(of: type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(Self.jsonName(of: type)), found null"
        case .keyNotFound(let key, let context):
            var container = context.codingPath
            if container.last?.stringValue == key.stringValue { container.removeLast() }
            return "\(path(container)): missing required field '\(key.stringValue)'"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return
                    "it is not JSON (\(context.underlyingError.map { "\($0.localizedDescription)" } ?? context.debugDescription))"
            }
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(self)"
        }
    }

    private static func jsonName(of type: Any.Type) -> String {
        let name = String(describing: type)
        if type == String.self { return "a string" }
        if type == Bool.self { return "true or false" }
        if type == Int.self || type == Double.self { return "a number" }
        if name.hasPrefix("Array") { return "an array" }
        if name.hasPrefix("Dictionary") { return "an object" }
        return "a value of type \(name)"
    }
}
