import HTTPTypes
import HummingbirdTesting
import MDEEmulator
import Testing

struct LifecycleTests {
    @Test(arguments: [
        (Sample.sha1, "Succeeded"),
        ("fa11" + String(repeating: "0", count: 36), "Failed"),
        ("71e0" + String(repeating: "0", count: 36), "TimeOut"),
    ])
    func actionMovesFromPendingThroughInProgressToItsOutcome(sha1: String, outcome: String) async throws {
        let clock = ManualClock()
        let configuration = Sample.configuration()
        try await makeEmulator(configuration, clock: clock).test(.router) { client in
            let token = try await client.token(configuration)
            let created = try decode(MachineAction.self, try await client.submit(token: token, sha1: sha1))
            func status() async throws -> MachineAction {
                try decode(MachineAction.self, try await client.get("/api/machineactions/\(created.id)", token: token))
            }
            #expect(try await status().status == "Pending")
            clock.advance(by: .seconds(30))
            let inProgress = try await status()
            #expect(inProgress.status == "InProgress")
            #expect(inProgress.lastUpdateDateTimeUtc == "2026-01-01T00:00:30.0000000Z")
            clock.advance(by: .seconds(60))
            let final = try await status()
            #expect(final.status == outcome)
            #expect(final.lastUpdateDateTimeUtc == "2026-01-01T00:01:30.0000000Z")
            #expect(final.creationDateTimeUtc == "2026-01-01T00:00:00.0000000Z")
        }
    }

    @Test func lifecycleTimingsAreConfigurable() async throws {
        let clock = ManualClock()
        let configuration = Sample.configuration {
            $0.pendingDuration = .seconds(2)
            $0.inProgressDuration = .seconds(3)
        }
        try await makeEmulator(configuration, clock: clock).test(.router) { client in
            let token = try await client.token(configuration)
            let created = try decode(MachineAction.self, try await client.submit(token: token))
            clock.advance(by: .seconds(2))
            #expect(
                try decode(MachineAction.self, try await client.get("/api/machineactions/\(created.id)", token: token)).status
                    == "InProgress")
            clock.advance(by: .seconds(3))
            #expect(
                try decode(MachineAction.self, try await client.get("/api/machineactions/\(created.id)", token: token)).status
                    == "Succeeded")
        }
    }

    @Test func cancelOnAnOpenActionAnswers200WithCancellationFields() async throws {
        let clock = ManualClock()
        let configuration = Sample.configuration()
        try await makeEmulator(configuration, clock: clock).test(.router) { client in
            let token = try await client.token(configuration)
            let created = try decode(MachineAction.self, try await client.submit(token: token))
            clock.advance(by: .seconds(45))  // InProgress
            let response = try await client.cancel(created.id, token: token, comment: "wrong hash")
            #expect(response.status == .ok)
            let cancelled = try decode(MachineAction.self, response)
            #expect(cancelled.id == created.id)
            #expect(cancelled.status == "Cancelled")
            #expect(cancelled.cancellationComment == "wrong hash")
            #expect(cancelled.cancellationRequestor == configuration.requestor)
            #expect(cancelled.cancellationDateTimeUtc == "2026-01-01T00:00:45.0000000Z")
            clock.advance(by: .seconds(600))
            let later = try decode(MachineAction.self, try await client.get("/api/machineactions/\(created.id)", token: token))
            #expect(later.status == "Cancelled")
            // A cancelled action no longer blocks a new one for the same machine and file.
            #expect(try await client.submit(token: token).status == .created)
        }
    }

    @Test func cancelOnAFinalActionIs400AndOnAnUnknownIdIs404() async throws {
        let clock = ManualClock()
        let configuration = Sample.configuration()
        try await makeEmulator(configuration, clock: clock).test(.router) { client in
            let token = try await client.token(configuration)
            let created = try decode(MachineAction.self, try await client.submit(token: token))
            clock.advance(by: .seconds(90))
            let final = try await client.cancel(created.id, token: token)
            #expect(final.status == .badRequest)
            #expect(try errorCode(final) == "BadRequest")
            let again = try await client.cancel(created.id, token: token)
            #expect(again.status == .badRequest)
            let unknown = try await client.cancel("00000000-0000-0000-0000-000000000000", token: token)
            #expect(unknown.status == .notFound)
            #expect(try errorCode(unknown) == "ResourceNotFound")
        }
    }

    @Test func cancelAcceptsAnEmptyBody() async throws {
        let configuration = Sample.configuration()
        try await makeEmulator(configuration).test(.router) { client in
            let token = try await client.token(configuration)
            let created = try decode(MachineAction.self, try await client.submit(token: token))
            let response = try await client.post("/api/machineactions/\(created.id)/cancel", token: token, json: "")
            #expect(response.status == .ok)
            #expect(try decode(MachineAction.self, response).cancellationComment == nil)
        }
    }

    @Test func newActionsStayInvisibleForTheVisibilityDelay() async throws {
        let clock = ManualClock()
        let configuration = Sample.configuration { $0.visibilityDelay = .seconds(5) }
        try await makeEmulator(configuration, clock: clock).test(.router) { client in
            let token = try await client.token(configuration)
            let created = try decode(MachineAction.self, try await client.submit(token: token))
            let single = try await client.get("/api/machineactions/\(created.id)", token: token)
            #expect(single.status == .notFound)
            #expect(try errorCode(single) == "ResourceNotFound")
            #expect(try decode(MachineActionList.self, try await client.get("/api/machineactions", token: token)).value.isEmpty)
            #expect(try await client.cancel(created.id, token: token).status == .notFound)
            // The duplicate check still sees it, and the admin route lists it.
            #expect(try await client.submit(token: token).status == .badRequest)
            let all = try decode([MachineAction].self, try await client.get("/_emulator/actions", token: nil))
            #expect(all.map(\.id) == [created.id])
            clock.advance(by: .seconds(5))
            #expect(try await client.get("/api/machineactions/\(created.id)", token: token).status == .ok)
            #expect(
                try decode(MachineActionList.self, try await client.get("/api/machineactions", token: token)).value.map(\.id) == [
                    created.id
                ])
        }
    }
}

struct OutcomeOverrideTests {
    @Test func configuredOutcomeOverridesTheDefaultRuleWhateverTheCase() async throws {
        let clock = ManualClock()
        let configuration = Sample.configuration { $0.outcomes = [Sample.sha1.uppercased(): .timeOut] }
        try await makeEmulator(configuration, clock: clock).test(.router) { client in
            let token = try await client.token(configuration)
            let created = try decode(MachineAction.self, try await client.submit(token: token))
            clock.advance(by: .seconds(90))
            let final = try decode(MachineAction.self, try await client.get("/api/machineactions/\(created.id)", token: token))
            #expect(final.status == "TimeOut")
        }
    }
}
