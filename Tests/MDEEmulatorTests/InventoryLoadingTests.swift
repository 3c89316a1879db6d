import Foundation
import HummingbirdTesting
import MDEEmulator
import Testing

/// Reading an inventory from JSON: defaults, relative dates, and clear errors.
struct InventoryLoadingTests {
    static let machineId = "1e5bc9d7e413ddd7902c2932e418702b84d0cc07"

    static func write(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("inventory-\(UUID().uuidString).json")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test func jsonWithRelativeAndAbsoluteDatesIsServedAgainstTheOrigin() async throws {
        let path = try Self.write(
            """
            {
              "machines": [
                {"id": "\(Self.machineId.uppercased())", "computerDnsName": "ws-1.contoso.local", "lastSeen": "-3d",
                 "firstSeen": "2025-06-01T08:30:00Z", "healthStatus": "inactive", "machineTags": ["Lab"]},
                {"id": "\(Sample.otherMachine)", "computerDnsName": "ws-2", "lastSeen": "-2h",
                 "mergedIntoMachineId": "\(Self.machineId)", "isPotentialDuplication": true, "version": null},
                {"id": "\(Sample.machine(3))", "computerDnsName": "ws-3", "lastSeen": "-90m"}
              ],
              "files": [
                {"sha1": "\(Sample.sha1)", "sha256": "\(String(repeating: "A", count: 64))", "fileName": "x.exe",
                 "globalFirstObserved": "-30s", "machineIds": ["\(Self.machineId)"]}
              ]
            }
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let inventory = try Inventory(contentsOfFile: path)
        #expect(inventory.machines.count == 3)
        #expect(inventory.machines[0].lastSeen == .ago(days: 3))
        #expect(inventory.machines[1].lastSeen == .ago(hours: 2))
        #expect(inventory.machines[2].lastSeen == .ago(minutes: 90))
        #expect(inventory.machines[1].version == nil)
        #expect(inventory.machines[2].version == "24H2")
        let configuration = Sample.configuration { $0.inventory = inventory }
        try await makeEmulator(configuration).test(.router) { client in
            let token = try await client.token(configuration)
            let machines = try decode(MachineEntityList.self, try await client.machines(token: token)).value
            let byName = Dictionary(uniqueKeysWithValues: machines.map { ($0.computerDnsName, $0) })
            let first = try #require(byName["ws-1.contoso.local"])
            #expect(first.id == Self.machineId)
            #expect(first.lastSeen == "2025-12-29T00:00:00.0000000Z")
            #expect(first.firstSeen == "2025-06-01T08:30:00.0000000Z")
            #expect(first.healthStatus == "Inactive")
            #expect(first.machineTags == ["Lab"])
            let second = try #require(byName["ws-2"])
            #expect(second.lastSeen == "2025-12-31T22:00:00.0000000Z")
            #expect(second.mergedIntoMachineId == Self.machineId)
            #expect(second.isPotentialDuplication)
            #expect(byName["ws-3"]?.lastSeen == "2025-12-31T22:30:00.0000000Z")
            let file = try decode(FileEntity.self, try await client.get("/api/files/\(Sample.sha1)", token: token))
            #expect(file.sha256 == String(repeating: "a", count: 64))
            #expect(file.globalFirstObserved == "2025-12-31T23:59:30.0000000Z")
            #expect(file.globalLastObserved == "2026-01-01T00:00:00.0000000Z")
        }
    }

    @Test func offsetsCountFromTheEmulatorsTimeWhenItStartsNotFromAnEarlierOrigin() async throws {
        // A timeline shared with a client since 10 days before the emulator starts.
        let clock = ManualClock()
        let originInstant = clock.now
        clock.advance(by: .seconds(10 * 86_400))
        let configuration = Sample.configuration {
            $0.inventory = Inventory(machines: [
                InventoryMachine(id: Sample.machine, computerDnsName: "ws-1", lastSeen: .ago(hours: 1))
            ])
        }
        let state = try EmulatorState(configuration: configuration, clock: clock, originInstant: originInstant)
        #expect(state.now.iso8601 == "2026-01-11T00:00:00.0000000Z")
        try await buildEmulator(state: state, logger: EmulatorServer.quietLogger).test(.router) { client in
            let token = try await client.token(configuration)
            let machine = try decode(MachineEntityList.self, try await client.machines(token: token)).value.first
            #expect(machine?.lastSeen == "2026-01-10T23:00:00.0000000Z")
        }
    }

    @Test func anInventoryRoundTripsThroughJSON() throws {
        let data = try JSONEncoder().encode(Inventory.default)
        let decoded = try Inventory(json: data)
        #expect(decoded == Inventory.default)
        #expect(InventoryDate(text: "-3d") == .ago(days: 3))
        #expect(InventoryDate(text: "+90m") == .relative(.seconds(5400)))
        #expect(InventoryDate.ago(hours: 36).description == "-36h")
        #expect(InventoryDate.ago(minutes: 90).description == "-90m")
        #expect(InventoryDate(text: "2026-11-21T08:00:00Z")?.description == "2026-11-21T08:00:00.0000000Z")
        for bad in ["3d", "-3w", "-d", "yesterday", "2026-11-21", "-1.5h", ""] {
            #expect(InventoryDate(text: bad) == nil, "\(bad)")
        }
    }

    @Test(arguments: [
        ("{", "it is not JSON"),
        ("[]", "the document: expected an object"),
        (#"{"machines": [{"computerDnsName": "x"}]}"#, "machines[0]: missing required field 'id'"),
        (#"{"machines": [{"id": "\#(machineId)", "computerDnsName": "x", "lastseen": "-1d"}]}"#, "unknown field 'lastseen'"),
        (#"{"machines": [{"id": "\#(machineId)", "computerDnsName": "x", "lastSeen": "yesterday"}]}"#, "machines[0].lastSeen"),
        (#"{"machines": [{"id": "\#(machineId)", "computerDnsName": "x", "healthStatus": "Dead"}]}"#, "is not one of Active"),
        (#"{"machines": [{"id": "abc", "computerDnsName": "x"}]}"#, "machines[0].id 'abc' is not 40 hexadecimal digits"),
        (
            #"{"machines": [{"id": "\#(machineId)", "computerDnsName": "x"}, {"id": "\#(machineId)", "computerDnsName": "y"}]}"#,
            "machines[1].id '\(machineId)' appears twice"
        ),
        (#"{"files": [{"sha1": "\#(Sample.sha1)", "sha256": "abc"}]}"#, "files[0].sha256 'abc' is not 64 hexadecimal digits"),
        (
            #"{"files": [{"sha1": "\#(Sample.sha1)", "sha256": "\#(String(repeating: "a", count: 64))", "machineIds": ["\#(machineId)"]}]}"#,
            "files[0].machineIds names '\(machineId)', which is not in machines"
        ),
        (#"{"machines": [], "devices": []}"#, "unknown field 'devices'"),
    ])
    func aBadInventoryFileIsAClearErrorNamingTheFile(json: String, reason: String) throws {
        let path = try Self.write(json)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try #require(throws: InventoryError.self) { try Inventory(contentsOfFile: path) }
        #expect(error.file == path)
        #expect(error.description.hasPrefix("The inventory file '\(path)' is not valid: "))
        #expect(error.description.contains(reason), "\(error.description)")
    }

    @Test func aMissingFileIsAnErrorNamingIt() throws {
        let path = "/nonexistent/inventory.json"
        let error = try #require(throws: InventoryError.self) { try Inventory(contentsOfFile: path) }
        #expect(error.description.hasPrefix("The inventory file '/nonexistent/inventory.json' is not valid: it cannot be read"))
    }

    @Test func anInconsistentInventoryBuiltInSwiftStopsTheEmulatorFromStarting() throws {
        let inventory = Inventory(files: [InventoryFile(sha1: Sample.sha1, sha256: "short")])
        #expect(throws: InventoryError.self) {
            _ = try makeEmulator(Sample.configuration { $0.inventory = inventory })
        }
    }
}
