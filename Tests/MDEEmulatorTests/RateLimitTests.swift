import HTTPTypes
import HummingbirdTesting
import MDEEmulator
import Testing

struct RateLimitTests {
    @Test(.timeLimit(.minutes(1)))
    func the101stCallInAMinuteGets429WithTheTimeUntilASlotFrees() async throws {
        let clock = ManualClock()
        let configuration = Sample.configuration()
        try await makeEmulator(configuration, clock: clock).test(.router) { client in
            let token = try await client.token(configuration)
            // Given 100 list calls, the first at 0 s and the rest at 20 s
            #expect(try await client.get("/api/machineactions", token: token).status == .ok)
            clock.advance(by: .seconds(20))
            for _ in 1..<100 {
                try #require(try await client.get("/api/machineactions", token: token).status == .ok)
            }
            // When the 101st arrives at 20 s
            let refused = try await client.get("/api/machineactions", token: token)
            // Then it waits for the first call to leave the window at 60 s
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] == "40")
            #expect(try errorCode(refused) == "TooManyRequests")
            clock.advance(by: .milliseconds(39_500))
            #expect(try await client.get("/api/machineactions", token: token).headers[.retryAfter] == "1")
            clock.advance(by: .milliseconds(500))
            #expect(try await client.get("/api/machineactions", token: token).status == .ok)
            // The slot just taken is the only one free.
            #expect(try await client.get("/api/machineactions", token: token).headers[.retryAfter] == "20")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func refusedCallsDoNotCountAndBucketsAreSeparate() async throws {
        let clock = ManualClock()
        let configuration = Sample.configuration { $0.limits = [RateLimit(limit: 2, window: .seconds(10))] }
        try await makeEmulator(configuration, clock: clock).test(.router) { client in
            let token = try await client.token(configuration)
            #expect(try await client.get("/api/machineactions", token: token).status == .ok)
            #expect(try await client.get("/api/machineactions", token: token).status == .ok)
            for _ in 0..<5 {
                #expect(try await client.get("/api/machineactions", token: token).status == .tooManyRequests)
            }
            // Other APIs have their own buckets.
            let created = try await client.submit(token: token)
            #expect(created.status == .created)
            let id = try decode(MachineAction.self, created).id
            #expect(try await client.get("/api/machineactions/\(id)", token: token).status == .ok)
            #expect(try await client.cancel(id, token: token).status == .ok)
            clock.advance(by: .seconds(10))
            // The five refusals did not push the window: two calls fit again.
            #expect(try await client.get("/api/machineactions", token: token).status == .ok)
            #expect(try await client.get("/api/machineactions", token: token).status == .ok)
            #expect(try await client.get("/api/machineactions", token: token).status == .tooManyRequests)
        }
    }

    // About a second alone; the limit only catches a hang (1,501 requests in process took
    // 81 s once, beside a parallel build on this 2-core machine).
    @Test(.timeLimit(.minutes(3)))
    func the1501stCallInAnHourGets429UntilTheFirstHourlySlotFrees() async throws {
        let clock = ManualClock()
        let configuration = Sample.configuration()
        try await makeEmulator(configuration, clock: clock).test(.router) { client in
            let token = try await client.token(configuration)
            // Given 1,500 GETs: 100 per minute for 15 minutes
            for minute in 0..<15 {
                for _ in 0..<100 {
                    try #require(try await client.get("/api/machineactions", token: token).status == .ok, "minute \(minute)")
                }
                clock.advance(by: .seconds(60))
            }
            // When the 1,501st arrives at 15 minutes (the minute window is empty again)
            let refused = try await client.get("/api/machineactions", token: token)
            // Then it must wait until the first call leaves the hour window, at 60 minutes
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] == String(45 * 60))
            clock.advance(by: .seconds(45 * 60))
            // (The first token has expired by now: tokens last 3,599 s.)
            let fresh = try await client.token(configuration)
            #expect(try await client.get("/api/machineactions", token: fresh).status == .ok)
        }
    }

    @Test func journalRecordsRefusedCalls() async throws {
        let configuration = Sample.configuration { $0.limits = [RateLimit(limit: 1, window: .seconds(60))] }
        try await makeEmulator(configuration).test(.router) { client in
            let token = try await client.token(configuration)
            #expect(try await client.get("/api/machineactions", token: token).status == .ok)
            #expect(try await client.get("/api/machineactions", token: token).status == .tooManyRequests)
            let journal = try decode([JournalEntry].self, try await client.get("/_emulator/journal", token: nil))
            #expect(journal.map(\.status) == [200, 200, 429])
            #expect(journal.last?.api == .listActions)
        }
    }
}

struct SubmitRateLimitTests {
    @Test(.timeLimit(.minutes(1)))
    func the101stSubmitInAMinuteGets429AndCreatesNothing() async throws {
        let clock = ManualClock()
        let configuration = Sample.configuration()
        try await makeEmulator(configuration, clock: clock).test(.router) { client in
            let token = try await client.token(configuration)
            for index in 1...100 {
                let response = try await client.submit(token: token, machine: Sample.machine(index))
                try #require(response.status == .created, "\(index): \(response.status)")
                clock.advance(by: .milliseconds(100))
            }
            // The first submit was at 0 s and the clock is at 10 s: a slot frees at 60 s.
            let refused = try await client.submit(token: token, machine: Sample.machine(101))
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] == "50")
            let actions = try decode([MachineAction].self, try await client.get("/_emulator/actions", token: nil))
            #expect(actions.count == 100)
            #expect(!actions.contains { $0.machineId == Sample.machine(101) })
        }
    }
}
