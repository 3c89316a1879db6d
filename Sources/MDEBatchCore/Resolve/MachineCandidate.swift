import Foundation

/// What the state file keeps of an inventory record a device name matched: enough to
/// choose among them and to show an analyst the candidates of an ambiguous name.
public struct MachineCandidate: Sendable, Hashable, Codable {
    public var id: String
    public var computerDnsName: String
    public var lastSeen: Date?
    public var healthStatus: String?
    public var onboardingStatus: String?
    public var mergedIntoMachineId: String?

    public init(
        id: String, computerDnsName: String, lastSeen: Date? = nil, healthStatus: String? = nil,
        onboardingStatus: String? = nil, mergedIntoMachineId: String? = nil
    ) {
        self.id = id
        self.computerDnsName = computerDnsName
        self.lastSeen = lastSeen
        self.healthStatus = healthStatus
        self.onboardingStatus = onboardingStatus
        self.mergedIntoMachineId = mergedIntoMachineId
    }

    public init(_ machine: Machine) {
        self.init(
            id: machine.id.lowercased(), computerDnsName: machine.computerDnsName ?? "", lastSeen: machine.lastSeen,
            healthStatus: machine.healthStatus, onboardingStatus: machine.onboardingStatus,
            mergedIntoMachineId: machine.mergedIntoMachineId)
    }

    /// `id (pc-042.contoso.com, last seen 2026-11-20T10:00:00Z, Active)`, for messages.
    public var summary: String {
        let seen = lastSeen.map { "last seen " + MDEDate.formatSeconds($0) } ?? "never seen"
        return "\(id) (\(computerDnsName), \(seen), \(healthStatus ?? "health unknown"))"
    }

    /// Candidates as the state file stores them (sorted keys, dates as Unix seconds).
    static func encode(_ candidates: [MachineCandidate]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .secondsSince1970
        return String(decoding: (try? encoder.encode(candidates)) ?? Data("[]".utf8), as: UTF8.self)
    }

    static func decode(_ text: String?) -> [MachineCandidate] {
        guard let text else { return [] }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return (try? decoder.decode([MachineCandidate].self, from: Data(text.utf8))) ?? []
    }
}
