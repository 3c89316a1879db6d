import Foundation

/// A device record of `GET /api/machines` (or `GET /api/files/{sha1}/machines`), read
/// tolerantly: unknown fields are ignored, and every field but `id` may be missing or null
/// (real responses carry fields the documentation does not list, such as
/// `mergedIntoMachineId` and `onboardingStatus`: docs/API.md, "Resolving names and SHA-256").
public struct Machine: Sendable, Hashable, Decodable {
    public var id: String
    public var computerDnsName: String?
    public var lastSeen: Date?
    public var healthStatus: String?
    public var onboardingStatus: String?
    /// Set when the record was merged into another one: it no longer names a device.
    public var mergedIntoMachineId: String?

    public init(
        id: String, computerDnsName: String?, lastSeen: Date? = nil, healthStatus: String? = nil,
        onboardingStatus: String? = nil, mergedIntoMachineId: String? = nil
    ) {
        self.id = id
        self.computerDnsName = computerDnsName
        self.lastSeen = lastSeen
        self.healthStatus = healthStatus
        self.onboardingStatus = onboardingStatus
        self.mergedIntoMachineId = mergedIntoMachineId
    }

    private enum CodingKeys: String, CodingKey {
        case id, computerDnsName, lastSeen, healthStatus, onboardingStatus, mergedIntoMachineId
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        computerDnsName = container.lenientString(.computerDnsName)
        lastSeen = container.lenientDate(.lastSeen)
        healthStatus = container.lenientString(.healthStatus)
        onboardingStatus = container.lenientString(.onboardingStatus)
        mergedIntoMachineId = container.lenientString(.mergedIntoMachineId).flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// One page of `GET /api/machines`, or the answer of `GET /api/files/{sha1}/machines`.
public typealias MachineList = ODataList<Machine>

/// The file entity of `GET /api/files/{id}`: only its hashes matter here.
public struct FileInfo: Sendable, Hashable, Decodable {
    public var sha1: String?
    public var sha256: String?

    public init(sha1: String?, sha256: String?) {
        self.sha1 = sha1
        self.sha256 = sha256
    }

    private enum CodingKeys: String, CodingKey { case sha1, sha256 }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sha1 = container.lenientString(.sha1)?.lowercased()
        sha256 = container.lenientString(.sha256)?.lowercased()
    }
}
