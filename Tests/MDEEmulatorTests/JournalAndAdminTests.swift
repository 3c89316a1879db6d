import Foundation
import HTTPTypes
import HummingbirdTesting
import MDEEmulator
import Testing

struct JournalAndAdminTests {
    @Test func journalRecordsEveryAPIRequestWithWhatItDid() async throws {
        let clock = ManualClock()
        let configuration = Sample.configuration()
        try await makeEmulator(configuration, clock: clock).test(.router) { client in
            let token = try await client.token(configuration)
            clock.advance(by: .seconds(1))
            let created = try decode(MachineAction.self, try await client.submit(token: token))
            _ = try await client.submit(token: token)
            _ = try await client.cancel(created.id, token: token)
            _ = try await client.get("/api/machineactions/\(created.id)", token: token)
            _ = try await client.get("/api/unknown", token: token)
            let journal = try decode([JournalEntry].self, try await client.get("/_emulator/journal", token: nil))
            try #require(journal.count == 6)
            #expect(journal.map(\.method) == ["POST", "POST", "POST", "POST", "GET", "GET"])
            #expect(journal.map(\.status) == [200, 201, 400, 200, 200, 404])
            #expect(journal.map(\.created) == [false, true, false, false, false, false])
            #expect(journal[0].path == "/\(configuration.tenantId)/oauth2/v2.0/token")
            #expect(journal[1].time == "2026-01-01T00:00:01.0000000Z")
            #expect(journal[1].api == .stopAndQuarantineFile)
            #expect(journal[1].machineId == Sample.machine)
            #expect(journal[1].sha1 == Sample.sha1)
            #expect(journal[1].actionId == created.id)
            #expect(journal[3].api == .cancel)
            #expect(journal[3].sha1 == Sample.sha1)
            #expect(journal[4].api == .getAction)
            #expect(journal.allSatisfy { $0.fault == nil })
        }
    }

    @Test func journalIsAlsoWrittenToAFileAsJSONLines() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let configuration = Sample.configuration { $0.journalPath = path }
        try await makeEmulator(configuration).test(.router) { client in
            let token = try await client.token(configuration)
            _ = try await client.submit(token: token)
        }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        try #require(lines.count == 2)
        let entry = try JSONDecoder().decode(JournalEntry.self, from: Data(lines[1].utf8))
        #expect(entry.status == 201)
        #expect(entry.created)
        // Every line carries every key, nulls included.
        let keys = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]).keys
        #expect(Set(keys) == ["time", "method", "path", "status", "api", "machineId", "actionId", "sha1", "created", "fault"])
    }

    @Test func clockRouteReportsOriginScaleAndNow() async throws {
        let clock = ManualClock()
        let configuration = Sample.configuration { $0.timeScale = 60 }
        try await makeEmulator(configuration, clock: clock).test(.router) { client in
            clock.advance(by: .milliseconds(90_500))
            let response = try await client.get("/_emulator/clock", token: nil)
            #expect(try jsonKeys(response) == ["origin", "scale", "now"])
            let info = try decode(EmulatorClockInfo.self, response)
            #expect(info.origin == "2026-01-01T00:00:00.0000000Z")
            #expect(info.scale == 60)
            #expect(info.now == "2026-01-01T00:01:30.5000000Z")
        }
    }

    @Test func adminRoutesAreNotJournaledNorRateLimited() async throws {
        let configuration = Sample.configuration { $0.limits = [RateLimit(limit: 1, window: .seconds(60))] }
        try await makeEmulator(configuration).test(.router) { client async throws in
            for _ in 0..<3 {
                #expect(try await client.get("/_emulator/actions", token: nil).status == .ok)
            }
            #expect(try decode([JournalEntry].self, try await client.get("/_emulator/journal", token: nil)).isEmpty)
        }
    }
}

struct EmulatorInstantTests {
    @Test(arguments: [
        "2018-12-04T12:15:04.3825985Z", "1970-01-01T00:00:00.0000000Z", "2024-02-29T23:59:59.9999999Z",
        "1969-12-31T23:59:59.5000000Z",
    ])
    func formatsAndParsesSevenFractionalDigits(text: String) throws {
        let instant = try #require(EmulatorInstant(iso8601: text))
        #expect(instant.iso8601 == text)
    }

    @Test(arguments: [
        ("2024-01-01T00:00:00Z", "2024-01-01T00:00:00.0000000Z"),
        ("2024-01-02T13:39:46.773821Z", "2024-01-02T13:39:46.7738210Z"),
        ("2024-01-02T13:39:46.77382101Z", "2024-01-02T13:39:46.7738210Z"),
    ])
    func parsesShorterAndLongerFractions(text: String, normalized: String) throws {
        #expect(try #require(EmulatorInstant(iso8601: text)).iso8601 == normalized)
    }

    @Test(arguments: [
        "2024-01-01", "2024-01-01T00:00:00", "2024-13-01T00:00:00Z", "2024-01-01T00:00:00+01:00", "2024-01-01T00:00:00.Z",
    ])
    func rejectsOtherForms(text: String) {
        #expect(EmulatorInstant(iso8601: text) == nil)
    }

    @Test func agreesWithFoundationOnTheEpoch() throws {
        let date = try #require(ISO8601DateFormatter().date(from: "2026-11-21T20:12:13Z"))
        #expect(EmulatorInstant(date).iso8601 == "2026-11-21T20:12:13.0000000Z")
    }
}
