import Foundation
import HTTPTypes
import HummingbirdTesting
import MDEEmulator
import Testing

/// The inventory routes' own rate-limit buckets, their journal entries and their faults.
struct InventoryRouteLimitTests {
    typealias S = InventorySample

    @Test(.timeLimit(.minutes(1)))
    func the101stMachinesCallInAMinuteGets429WhileTheOtherBucketsAreUnaffected() async throws {
        let clock = ManualClock()
        let configuration = S.configuration()
        try await makeEmulator(configuration, clock: clock).test(.router) { client in
            let token = try await client.token(configuration)
            // Given 100 machine lists, the first at 0 s and the rest at 15 s
            #expect(try await client.machines(token: token).status == .ok)
            clock.advance(by: .seconds(15))
            for index in 1..<100 {
                // A 404 (no match) counts like a 200.
                let filter = index.isMultiple(of: 2) ? "computerDnsName eq 'nobody'" : "id eq '\(S.alpha)'"
                let status = try await client.machines(["$filter": filter], token: token).status
                try #require(status == .ok || status == .notFound, "\(index): \(status)")
            }
            // When the 101st arrives at 15 s
            let refused = try await client.machines(token: token, prefix: "/api/v1.0")
            // Then it waits for the first call to leave the minute window, at 60 s
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] == "45")
            #expect(try errorCode(refused) == "TooManyRequests")
            // The file, file-machines and action buckets are their own.
            #expect(try await client.get("/api/files/\(S.fileSha1)", token: token).status == .ok)
            #expect(try await client.get("/api/files/\(S.fileSha1)/machines", token: token).status == .ok)
            #expect(try await client.get("/api/machineactions", token: token).status == .ok)
            #expect(try await client.submit(token: token).status == .created)
            clock.advance(by: .seconds(45))
            #expect(try await client.machines(token: token).status == .ok)
            #expect(try await client.machines(token: token).headers[.retryAfter] == "15")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func eachFileRouteHasItsOwnBucket() async throws {
        let configuration = S.configuration { $0.limits = [RateLimit(limit: 2, window: .seconds(60))] }
        try await makeEmulator(configuration).test(.router) { client in
            let token = try await client.token(configuration)
            for _ in 0..<2 {
                #expect(try await client.get("/api/files/\(S.fileSha256)", token: token).status == .ok)
            }
            #expect(try await client.get("/api/files/\(S.fileSha1)", token: token).status == .tooManyRequests)
            for _ in 0..<2 {
                #expect(try await client.get("/api/files/\(S.fileSha1)/machines", token: token).status == .ok)
            }
            #expect(try await client.get("/api/v1.0/files/\(S.fileSha1)/machines", token: token).status == .tooManyRequests)
            for _ in 0..<2 {
                #expect(try await client.machines(token: token).status == .ok)
            }
            #expect(try await client.machines(token: token).status == .tooManyRequests)
        }
    }

    @Test func everyCallIsJournaledWithItsBucketMethodAndPath() async throws {
        let configuration = S.configuration()
        try await makeEmulator(configuration).test(.router) { client in
            let token = try await client.token(configuration)
            _ = try await client.machines(["$filter": "computerDnsName eq 'charlie'"], token: token)
            _ = try await client.machines(["$filter": "computerDnsName eq 'nobody'"], token: token, prefix: "/api/v1.0")
            _ = try await client.get("/api/files/\(S.fileSha256)", token: token)
            _ = try await client.get("/api/files/\(S.fileSha1.uppercased())/machines", token: token)
            _ = try await client.get("/api/files/d41d8cd98f00b204e9800998ecf8427e", token: token)
            let journal = try decode([JournalEntry].self, try await client.get("/_emulator/journal", token: nil))
            let calls = Array(journal.dropFirst())  // the token request
            #expect(calls.map(\.method) == ["GET", "GET", "GET", "GET", "GET"])
            #expect(calls.map(\.api) == [.listMachines, .listMachines, .getFile, .listFileMachines, .getFile])
            #expect(calls.map(\.status) == [200, 404, 200, 200, 400])
            #expect(calls[0].path == "/api/machines?$filter=computerDnsName%20eq%20'charlie'")
            #expect(calls[1].path.hasPrefix("/api/v1.0/machines?$filter="))
            #expect(calls[2].path == "/api/files/\(S.fileSha256)")
            // sha1 names the file when it is known (or asked for by SHA-1).
            #expect(calls[2].sha1 == S.fileSha1)
            #expect(calls[3].sha1 == S.fileSha1)
            #expect(calls[4].sha1 == nil)
            #expect(calls.allSatisfy { !$0.created && $0.machineId == nil })
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func faultsHitTheInventoryRoutesOnlyWithFaultsApplyToGets() async throws {
        let faulty = S.configuration {
            $0.faults = [FaultRule(.internalServerError, rate: 1)]
            $0.faultsApplyToGets = true
        }
        try await makeEmulator(faulty).test(.router) { client in
            let token = try await client.token(faulty)
            let machines = try await client.machines(token: token)
            #expect(machines.status == .internalServerError)
            #expect(try errorCode(machines) == "InternalServerError")
            #expect(try await client.get("/api/files/\(S.fileSha1)", token: token).status == .internalServerError)
            #expect(try await client.get("/api/files/\(S.fileSha1)/machines", token: token).status == .internalServerError)
            let journal = try decode([JournalEntry].self, try await client.get("/_emulator/journal", token: nil))
            #expect(journal.suffix(3).map(\.fault) == ["500", "500", "500"])
        }
        let postsOnly = S.configuration { $0.faults = [FaultRule(.internalServerError, rate: 1)] }
        try await makeEmulator(postsOnly).test(.router) { client in
            let token = try await client.token(postsOnly)
            #expect(try await client.machines(token: token).status == .ok)
            #expect(try await client.get("/api/files/\(S.fileSha1)", token: token).status == .ok)
            #expect(try await client.get("/api/files/\(S.fileSha1)/machines", token: token).status == .ok)
        }
    }
}
