import Foundation
import HTTPTypes
import HummingbirdTesting
import MDEEmulator
import Testing

/// The built-in inventory holds every case a resolver must get right, and matches
/// `samples/hunting-export-2026-11-21.csv` (device names and SHA-256s, no ids).
struct DefaultInventoryTests {
    /// What a resolver should conclude for each distinct device name of the sample (lower-cased):
    /// the number of records named so (the FQDN, or its first label), and the outcome.
    static let expectedNames: [String: (records: Int, outcome: Outcome)] = [
        "ws-20": (1, .resolved("7d5949bb069a29d143c4418d062ed44ef05da353")),
        "ws-200": (1, .resolved("636ac9e5a722efea014ec7512483d00d8dd5d77a")),
        "ws-201": (1, .resolved("69fa4196f8391b76dd5f12e8f9c6c0a33ff4b0f8")),
        "ws-202.contoso.local": (1, .resolved("fea78f55da936f370bc97fb56378b3650156815b")),
        "ws-203.contoso.local": (1, .resolved("67ca587c429213ff80081769f8b5b924d73ac2ff")),
        "ws-204": (1, .resolved("2f3eeb2929752b42e0ad26045c717bf341ce135a")),
        "ws-205": (1, .resolved("fd7c424dba26732103ce949b2b594a9c16c0791f")),
        "ws-206": (1, .resolved("73d24fc2a1bba88e19db35016d83c3e9006005a7")),
        "ws-207": (1, .resolved("56d0b4ea83e554a206ebe8b03df2f6157153cc7e")),
        "ws-208": (1, .resolved("372a9f4af0bf621229a3df1ba2b5f8ea07ed8e97")),
        "ws-209": (1, .resolved("0b0e319b92a941e2007dd7e1b2dc53b7ec292667")),
        // Re-imaged: an Inactive record last seen 41 days ago and the new Active one.
        "ws-210": (2, .resolved("a3eb5217238f37c96a5e055a54e25b5828f6f17f")),
        // Merged: the record with mergedIntoMachineId is dropped.
        "ws-211": (2, .resolved("fb2b95df31fe4640bbcd241ec3e579d6b89fdda8")),
        // Two Active, Onboarded records seen in the last 2 days.
        "ws-212": (2, .ambiguous),
        // An onboarded record and one seen by device discovery only (CanBeOnboarded).
        "ws-214": (2, .resolved("0db4c4346aa95326a042afaa16e7aa6bcae5f6a7")),
        "ws-215": (1, .resolved("9628b16e4f30e539b5fdd17b3566d1058061cb9a")),
        "ws-299": (0, .notFound),
        "kiosk-01": (1, .resolved("56aa844a16ba8785ac91fabaed8ec05fb91807e6")),
        "kiosk-02": (1, .resolved("0acfe312e09c2e57bb0d4ab20a05c8201392daa5")),
        "srv-app01": (1, .resolved("a3adba3025396deb719d82ce2a93df2ab09cef42")),
        "srv-file01.contoso.local": (1, .resolved("7d2e921e2b515da2a542a792a7a9be72e378dd4b")),
        "lt-frank": (1, .resolved("054cb9cf2b79928ff20f3ccf6d08ec7ad6154d3c")),
        "lt-grace": (1, .resolved("87b131ecff7102e6c2adf0c0fe0d79af97263ba8")),
        "mac-design01": (1, .resolved("7f0519c75bb486809b2f2f991d07f31db84b11ac")),
        "lnx-build01": (1, .resolved("d0923dcf374e1c042feb823ee47bb066a97564b5")),
    ]

    /// The SHA-1 of each distinct SHA-256 of the sample; nil for the one the emulator does not know.
    static let expectedHashes: [String: String?] = [
        "b5049a400b84a565501229a263c901a4d75ceeb819c4e9f4163a89f9ca649d45": "aa08856147432f6fb98286586edaccd26fc77bff",
        "fb1cec506b15c5b31d4d25e37938430de12734f5cfc73005b086239c4a45f4ea": "9f5c32c18ce9301c297f7537aa94e1c372b832c4",
        "c11fe9fd8bf0e25ce6532386b9237c15aadc46acde2e3c8c9558f688de602a3d": "37d1540c7b93949cd6d56f34da9e66e8cdc1e925",
        "7fbba2a350077a06f39336c06a74e6a256c37448c3069c96562b10977cf5129c": "cc2aacf7b19de1015ae2b7d60ad7be5216c82d53",
        "d963de194415815fc607fbddb88827b932e6b59f22262d331f329d8f06877586": "150524ed3bbd18f568b4b62a138059163b9fe255",
        "af9739a3c14af50a09ce73361d913131657292eb111c1c6f5015f72bde53a6b1": nil,
    ]

    enum Outcome: Equatable {
        case resolved(String)
        case ambiguous
        case notFound
    }

    struct Row {
        var line: Int
        var deviceName: String
        var sha256: String
    }

    /// The sample's rows (its cells hold no quotes, commas or line breaks; the test checks).
    static func sampleRows() throws -> (header: [String], rows: [Row]) {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        let text = try String(contentsOf: url.appendingPathComponent("samples/hunting-export-2026-11-21.csv"), encoding: .utf8)
        #expect(!text.contains("\""))
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines.last == "")
        let header = lines[0].components(separatedBy: ",")
        let name = try #require(header.firstIndex(of: "DeviceName"))
        let hash = try #require(header.firstIndex(of: "SHA256"))
        let rows = try lines.dropFirst().dropLast().enumerated().map { offset, line in
            let cells = line.components(separatedBy: ",")
            try #require(cells.count == header.count, "line \(offset + 2)")
            return Row(line: offset + 2, deviceName: cells[name], sha256: cells[hash])
        }
        return (header, rows)
    }

    @Test func theSampleHasNamesAndSha256sOnly() throws {
        let (header, rows) = try Self.sampleRows()
        #expect(
            header == [
                "Timestamp", "DeviceName", "ActionType", "FileName", "FolderPath", "SHA256", "InitiatingProcessAccountName",
                "ReportId",
            ])
        #expect(!header.contains("DeviceId") && !header.contains("SHA1") && !header.contains("Comment"))
        #expect((40...80).contains(rows.count))
        let names = Set(rows.map { $0.deviceName.lowercased() })
        let hashes = Set(rows.map { $0.sha256.lowercased() })
        #expect(names == Set(Self.expectedNames.keys))
        #expect(hashes == Set(Self.expectedHashes.keys))
        #expect((20...30).contains(names.count))
        #expect((5...8).contains(hashes.count))
        // The same device written differently: short, upper case, FQDN in mixed case.
        #expect(rows.contains { $0.deviceName == "WS-201" })
        #expect(rows.contains { $0.deviceName == "Ws-203.Contoso.Local" })
        #expect(rows.contains { $0.deviceName == "KIOSK-01" })
        #expect(rows.contains { $0.sha256 != $0.sha256.lowercased() })
        // Duplicates: the same name and hash again.
        var seen: Set<String> = []
        let duplicates = rows.filter { !seen.insert("\($0.deviceName.lowercased())|\($0.sha256.lowercased())").inserted }
        #expect(duplicates.map(\.line) == [47, 48, 49])
    }

    @Test(.timeLimit(.minutes(1)))
    func everySampleNameResolvesAsExpectedThroughTheMachineList() async throws {
        let (_, rows) = try Self.sampleRows()
        let configuration = Sample.configuration()
        try await makeEmulator(configuration).test(.router) { client in
            let token = try await client.token(configuration)
            let names = Set(rows.map { $0.deviceName.lowercased() }).sorted()
            for name in names {
                let expected = try #require(Self.expectedNames[name])
                // The records named so: the exact name, or an FQDN whose first label it is.
                let quoted = name.replacingOccurrences(of: "'", with: "''")
                let filter = "computerDnsName eq '\(quoted)' or startswith(computerDnsName,'\(quoted).')"
                let response = try await client.machines(["$filter": filter], token: token)
                let records: [MachineEntity]
                if expected.records == 0 {
                    #expect(response.status == .notFound, "\(name)")
                    records = []
                } else {
                    try #require(response.status == .ok, "\(name)")
                    records = try decode(MachineEntityList.self, response).value
                }
                #expect(records.count == expected.records, "\(name)")
                let candidates = records.filter {
                    $0.mergedIntoMachineId == nil && $0.healthStatus == "Active" && $0.onboardingStatus == "Onboarded"
                }
                // No name of the sample has records but no candidate: the outcomes do not hang on that rule.
                #expect(records.isEmpty == candidates.isEmpty, "\(name)")
                let outcome: Outcome =
                    switch candidates.count {
                    case 0: .notFound
                    case 1: .resolved(candidates[0].id)
                    default: .ambiguous
                    }
                #expect(outcome == expected.outcome, "\(name)")
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func everySampleHashMapsToItsSha1ExceptTheUnknownOne() async throws {
        let (_, rows) = try Self.sampleRows()
        let configuration = Sample.configuration()
        try await makeEmulator(configuration).test(.router) { client in
            let token = try await client.token(configuration)
            for (sha256, sha1) in Self.expectedHashes {
                let response = try await client.get("/api/files/\(sha256)", token: token)
                if let sha1 {
                    try #require(response.status == .ok, "\(sha256)")
                    #expect(try decode(FileEntity.self, response).sha1 == sha1)
                } else {
                    #expect(response.status == .notFound)
                }
            }
            // Each machine a row resolves to saw the row's file.
            var seenBy: [String: Set<String>] = [:]
            for row in rows {
                guard let sha1 = Self.expectedHashes[row.sha256.lowercased()] ?? nil,
                    case .resolved(let machineId)? = Self.expectedNames[row.deviceName.lowercased()]?.outcome
                else { continue }
                if seenBy[sha1] == nil {
                    let response = try await client.get("/api/files/\(sha1)/machines", token: token)
                    seenBy[sha1] = Set(try decode(MachineEntityList.self, response).value.map(\.id))
                }
                #expect(seenBy[sha1]?.contains(machineId) == true, "line \(row.line)")
            }
        }
    }

    @Test func theSpecialRecordsLookAsTheirCaseNeeds() throws {
        let machines = Inventory.default.machines
        let origin = EmulatorInstant(Sample.origin)
        func records(_ name: String) -> [InventoryMachine] { machines.filter { $0.computerDnsName == name } }
        func age(_ machine: InventoryMachine) -> Duration { machine.lastSeen.resolved(start: origin).duration(to: origin) }
        // Re-imaged: an old Inactive record seen 30+ days ago, a new Active one.
        let reimaged = records("ws-210.contoso.local").sorted { age($0) > age($1) }
        #expect(reimaged.map(\.healthStatus) == [.inactive, .active])
        #expect(age(reimaged[0]) > .seconds(30 * 86_400))
        // Merged: one record points at the other.
        let merged = records("ws-211.contoso.local")
        let survivor = try #require(merged.first { $0.mergedIntoMachineId == nil })
        #expect(merged.count == 2)
        #expect(merged.compactMap(\.mergedIntoMachineId) == [survivor.id])
        // Ambiguous: two Active, Onboarded, unmerged records, both seen in the last 2 days.
        let ambiguous = records("ws-212.contoso.local")
        #expect(ambiguous.count == 2)
        #expect(
            ambiguous.allSatisfy {
                $0.healthStatus == .active && $0.onboardingStatus == .onboarded && $0.mergedIntoMachineId == nil
                    && age($0) < .seconds(2 * 86_400)
            })
        // A short-name decoy: startswith('ws-200') also finds ws-2001.
        #expect(records("ws-2001.contoso.local").count == 1)
    }

    @Test func noIdOrHashHasASubmitRulePrefix() {
        #expect(Inventory.default.machines.count >= 20)
        for machine in Inventory.default.machines {
            #expect(!["deadbeef", "0b50", "f0bd"].contains { machine.id.hasPrefix($0) }, "\(machine.id)")
            #expect(machine.id == machine.id.lowercased())
        }
        for file in Inventory.default.files {
            #expect(!["fa11", "71e0"].contains { file.sha1.hasPrefix($0) }, "\(file.sha1)")
        }
        #expect(throws: Never.self) { try Inventory.default.check() }
    }

    @Test func anActionOnAnInventoryMachineCarriesItsName() async throws {
        let configuration = Sample.configuration()
        try await makeEmulator(configuration).test(.router) { client in
            let token = try await client.token(configuration)
            let response = try await client.submit(token: token, machine: "636ac9e5a722efea014ec7512483d00d8dd5d77a")
            #expect(response.status == .created)
            #expect(try decode(MachineAction.self, response).computerDnsName == "ws-200.contoso.local")
            // Any other 40-hex id still exists for StopAndQuarantineFile.
            let other = try await client.submit(token: token, machine: Sample.machine)
            #expect(other.status == .created)
            #expect(try decode(MachineAction.self, other).computerDnsName == "emu-1e5bc9d7.contoso.test")
        }
    }
}
