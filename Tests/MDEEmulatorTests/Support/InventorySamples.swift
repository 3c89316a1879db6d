import Foundation
import HTTPTypes
import HummingbirdTesting
import MDEEmulator
import Testing

/// A small inventory for the query tests, and helpers to call the inventory routes.
enum InventorySample {
    static let alpha = Sample.machine(0xa1)
    static let bravo = Sample.machine(0xb2)
    static let charlie = Sample.machine(0xc3)
    static let delta = Sample.machine(0xd4)
    static let obrien = Sample.machine(0xe5)
    static let fileSha1 = "5f1e0000000000000000000000000000000000a1"
    static let fileSha256 = "5f1e" + String(repeating: "0", count: 56) + "a256"
    static let lonelySha1 = "5f1e0000000000000000000000000000000000b2"

    static let inventory = Inventory(
        machines: [
            InventoryMachine(
                id: alpha, computerDnsName: "alpha.contoso.local", lastSeen: .ago(hours: 1), rbacGroupId: 7,
                machineTags: ["VIP", "Finance"]),
            InventoryMachine(id: bravo, computerDnsName: "Bravo.Contoso.Local", lastSeen: .ago(days: 2)),
            InventoryMachine(
                id: charlie, computerDnsName: "charlie", lastSeen: .ago(days: 40), healthStatus: .inactive,
                onboardingStatus: .canBeOnboarded),
            InventoryMachine(
                id: delta, computerDnsName: "alpha-2.contoso.local", lastSeen: .ago(minutes: 5),
                healthStatus: .impairedCommunication),
            InventoryMachine(id: obrien, computerDnsName: "o'brien-lt", lastSeen: .ago(hours: 3)),
        ],
        files: [
            InventoryFile(sha1: fileSha1, sha256: fileSha256, fileName: "evil.exe", machineIds: [bravo, alpha]),
            InventoryFile(sha1: lonelySha1, sha256: String(repeating: "b", count: 64)),
        ]
    )

    static func configuration(_ change: (inout EmulatorConfiguration) -> Void = { _ in }) -> EmulatorConfiguration {
        Sample.configuration {
            $0.inventory = inventory
            change(&$0)
        }
    }
}

extension TestClientProtocol {
    /// `GET /api/machines` with the query options given, each value percent-encoded.
    func machines(
        _ options: KeyValuePairs<String, String> = [:], token: String, prefix: String = "/api"
    ) async throws -> TestResponse {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~'(),:")
        let query = options.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0.value)" }
        return try await get("\(prefix)/machines" + (query.isEmpty ? "" : "?" + query.joined(separator: "&")), token: token)
    }

    /// The ids `GET /api/machines?$filter=FILTER` answers, in order; empty for a 404.
    func machineIds(filter: String, token: String) async throws -> [String] {
        let response = try await machines(["$filter": filter], token: token)
        if response.status == .notFound { return [] }
        try #require(response.status == .ok, "\(filter): \(response.status)")
        return try decode(MachineEntityList.self, response).value.map(\.id)
    }
}
