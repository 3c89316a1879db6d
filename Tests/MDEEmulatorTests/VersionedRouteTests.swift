import Foundation
import HTTPTypes
import HummingbirdTesting
import MDEEmulator
import NIOCore
import Testing

/// Every API route answers under `/api/v1.0/...` as under `/api/...`, over a live socket.
struct VersionedRouteTests {
    @Test(.timeLimit(.minutes(1)))
    func theWholeFlowWorksUnderV1AndSharesStateWithTheUnversionedRoutes() async throws {
        let clock = ManualClock()
        let configuration = Sample.configuration()
        try await makeEmulator(configuration, clock: clock).test(.live) { client in
            let token = try await client.token(configuration)
            // Submit under v1.0 (the verb stays case-insensitive)
            let created = try await client.post(
                "/api/v1.0/machines/\(Sample.machine)/stopAndQuarantineFile", token: token,
                json: #"{"Comment":"versioned","Sha1":"\#(Sample.sha1)"}"#
            )
            #expect(created.status == .created)
            let action = try decode(MachineAction.self, created)
            #expect(action.odataContext?.hasSuffix("/api/v1.0/$metadata#MachineActions/$entity") == true)
            // A duplicate through the unversioned route is refused: one state behind both forms
            let duplicate = try await client.submit(token: token)
            #expect(duplicate.status == .badRequest)
            #expect(try errorCode(duplicate) == "ActiveRequestAlreadyExists")
            // Get one and list under v1.0
            let single = try await client.get("/api/v1.0/machineactions/\(action.id)", token: token)
            #expect(single.status == .ok)
            #expect(try decode(MachineAction.self, single).id == action.id)
            let list = try await client.get("/api/v1.0/machineactions?$filter=machineId%20eq%20'\(Sample.machine)'", token: token)
            #expect(list.status == .ok)
            let listed = try decode(MachineActionList.self, list)
            #expect(listed.value.map(\.id) == [action.id])
            #expect(listed.odataContext.hasSuffix("/api/v1.0/$metadata#MachineActions"))
            // Cancel under v1.0; the unversioned route sees it
            let cancelled = try await client.post(
                "/api/v1.0/machineactions/\(action.id)/cancel", token: token, json: #"{"Comment":"undo"}"#)
            #expect(cancelled.status == .ok)
            #expect(
                try decode(MachineAction.self, try await client.get("/api/machineactions/\(action.id)", token: token)).status
                    == "Cancelled")
            // Versioned calls are journaled with their API bucket
            let journal = try decode([JournalEntry].self, try await client.get("/_emulator/journal", token: nil))
            let versioned = journal.filter { $0.path.hasPrefix("/api/v1.0/") }
            #expect(versioned.map(\.api) == [.stopAndQuarantineFile, .getAction, .listActions, .cancel])
            #expect(versioned.map(\.status) == [201, 200, 200, 200])
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func versionedNextLinksStayVersioned() async throws {
        let clock = ManualClock()
        let configuration = Sample.configuration { $0.listPageSize = 1 }
        try await makeEmulator(configuration, clock: clock).test(.live) { client in
            let token = try await client.token(configuration)
            let ids = try await ListTests.seed(client, token: token, clock: clock, machines: (1...2).map(Sample.machine))
            let first = try decode(MachineActionList.self, try await client.get("/api/v1.0/machineactions", token: token))
            #expect(first.value.map(\.id) == [ids[0]])
            let link = try #require(first.nextLink.flatMap(URL.init(string:)))
            #expect(link.path == "/api/v1.0/machineactions")
            let second = try decode(
                MachineActionList.self,
                try await client.get(link.path + "?" + (link.query(percentEncoded: true) ?? ""), token: token)
            )
            #expect(second.value.map(\.id) == [ids[1]])
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func versionedRoutesCheckTokensAndLimitsLikeTheOthers() async throws {
        let configuration = Sample.configuration { $0.limits = [RateLimit(limit: 1, window: .seconds(60))] }
        try await makeEmulator(configuration).test(.live) { client in
            let missing = try await client.get("/api/v1.0/machineactions", token: nil)
            #expect(missing.status == .unauthorized)
            let token = try await client.token(configuration)
            #expect(try await client.get("/api/v1.0/machineactions", token: token).status == .ok)
            // One bucket per API, whichever form of the path: the unversioned list is now over the limit
            let limited = try await client.get("/api/machineactions", token: token)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] != nil)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func unknownVersionsAre404AndWrongMethodsOnVersionedRoutes405() async throws {
        let configuration = Sample.configuration()
        try await makeEmulator(configuration).test(.live) { client in
            let token = try await client.token(configuration)
            let unknown = try await client.get("/api/v2.0/machineactions", token: token)
            #expect(unknown.status == .notFound)
            #expect(try errorCode(unknown) == "NotFound")
            let wrongMethod = try await client.execute(
                uri: "/api/v1.0/machineactions", method: .delete, headers: [.authorization: "Bearer \(token)"]
            )
            #expect(wrongMethod.status == .methodNotAllowed)
            #expect(try errorCode(wrongMethod) == "MethodNotAllowed")
        }
    }
}
